package jsonv

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// EncodeStored turns an event's payload into the two JSON texts a store
// keeps (a database's columns, a message's data and header): the payload,
// and the line's other members as one object (nil when there are none).
// A Payload is kept as it is; any other E is encoded by encoding/json.
func EncodeStored[E any](e E) (value, fields []byte, err error) {
	p, ok := any(e).(Payload)
	if !ok {
		value, err = json.Marshal(e)
		return value, nil, err
	}
	value = p.Value
	if len(value) == 0 {
		value = []byte("null")
	}
	if !json.Valid(value) {
		return nil, nil, fmt.Errorf("not JSON: %.40q", value)
	}
	if len(p.Fields) > 0 {
		m := make(map[string]json.RawMessage, len(p.Fields))
		for _, f := range p.Fields {
			m[f.Name] = f.Value
		}
		if fields, err = json.Marshal(m); err != nil { // compact: one line
			return nil, nil, err
		}
	}
	return value, fields, nil
}

// DecodeStored is EncodeStored backwards. The value is copied: a store may
// reuse its buffers. Fields come back sorted by name.
func DecodeStored[E any](value, fields []byte) (E, error) {
	var e E
	if _, ok := any(e).(Payload); !ok {
		err := json.Unmarshal(value, &e)
		return e, err
	}
	p := Payload{Value: slices.Clone(value)}
	if len(fields) > 0 {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(fields, &m); err != nil {
			return e, err
		}
		for name, v := range m {
			p.Fields = append(p.Fields, Field{Name: name, Value: v})
		}
		slices.SortFunc(p.Fields, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
	}
	return any(p).(E), nil
}

// StateCodec fills in encoding/json for whichever of marshal and
// unmarshal is nil: how the checkpoint stores encode a state by default.
func StateCodec[S any](marshal func(S) ([]byte, error), unmarshal func([]byte) (S, error)) (func(S) ([]byte, error), func([]byte) (S, error)) {
	if marshal == nil {
		marshal = func(s S) ([]byte, error) { return json.Marshal(s) }
	}
	if unmarshal == nil {
		unmarshal = func(b []byte) (S, error) {
			var s S
			err := json.Unmarshal(b, &s)
			return s, err
		}
	}
	return marshal, unmarshal
}
