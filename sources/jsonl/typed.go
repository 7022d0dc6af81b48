package jsonl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Codec turns an event's line into a Go value E and back. A zero field
// takes the default, DecodeJSON or EncodeJSON.
type Codec[E any] struct {
	// Decode makes an E of an event: its payload, and the line's members
	// other than stream, seq, time and payload (p.Fields). A custom one
	// suits a tagged union or a payload in another encoding. An error is
	// reported with the file, line and column of the event (a
	// *DecodeError names the member and the byte within it).
	Decode func(p jsonv.Payload) (E, error)
	// Encode makes a line's payload of an E, for Append.
	Encode func(e E) (jsonv.Payload, error)
}

// DecodeError is an event that does not decode into E: where, and why.
type DecodeError struct {
	// Member is the line's member at fault: "payload", or another
	// member's name such as "type".
	Member string
	// Path leads to the value at fault inside that member, as
	// encoding/json names it ("amount", "items.0.qty"); "" for the member
	// itself.
	Path string
	Err  error
}

func (e *DecodeError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s.%s: %v", e.Member, e.Path, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Member, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// DecodeJSON is the default Codec.Decode: the rule by which a line
// becomes an E with encoding/json.
//
//  1. When E is a struct or a map (or a pointer to one), the line's other
//     members (such as "type", ids, metadata) decode into it first, as if
//     they were the members of one object: a field tagged json:"type"
//     gets the line's type.
//  2. Then the payload decodes into it: its members fill the fields they
//     name, and override a line member of the same name.
//
// When E is anything else (a string, a number, a slice), only the payload
// counts. A missing payload leaves E as the line members made it. Unknown
// members are ignored, as encoding/json ignores them.
func DecodeJSON[E any](p jsonv.Payload) (E, error) {
	var e E
	if len(p.Fields) > 0 && takesFields(reflect.TypeFor[E]()) {
		var obj bytes.Buffer
		obj.WriteByte('{')
		for i, f := range p.Fields {
			if i > 0 {
				obj.WriteByte(',')
			}
			name, _ := json.Marshal(f.Name)
			obj.Write(name)
			obj.WriteByte(':')
			obj.Write(f.Value)
		}
		obj.WriteByte('}')
		if err := json.Unmarshal(obj.Bytes(), &e); err != nil {
			// Say which member: decode them one at a time to find it.
			for _, f := range p.Fields {
				var one E
				name, _ := json.Marshal(f.Name)
				if err := json.Unmarshal(fmt.Appendf(nil, "{%s:%s}", name, f.Value), &one); err != nil {
					return e, &DecodeError{Member: f.Name, Err: fmt.Errorf("does not decode into %s: %w", typeName[E](), unwrapJSON(err))}
				}
			}
			return e, &DecodeError{Member: "line", Err: err}
		}
	}
	if len(p.Value) == 0 {
		return e, nil
	}
	if err := json.Unmarshal(p.Value, &e); err != nil {
		de := &DecodeError{Member: "payload", Err: fmt.Errorf("does not decode into %s: %w", typeName[E](), unwrapJSON(err))}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			de.Path = te.Field
		}
		return e, de
	}
	return e, nil
}

// unwrapJSON drops encoding/json's "json: " prefix, which says nothing a
// message about a JSON Lines file needs.
func unwrapJSON(err error) error {
	if msg := err.Error(); strings.HasPrefix(msg, "json: ") {
		return errors.New(strings.TrimPrefix(msg, "json: "))
	}
	return err
}

func typeName[E any]() string {
	if t := reflect.TypeFor[E](); t != nil {
		return t.String()
	}
	return "an interface"
}

func takesFields(t reflect.Type) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t != nil && (t.Kind() == reflect.Struct || t.Kind() == reflect.Map || t.Kind() == reflect.Interface)
}

// EncodeJSON is the default Codec.Encode: the payload is E as
// encoding/json writes it.
func EncodeJSON[E any](e E) (jsonv.Payload, error) {
	if p, ok := any(e).(jsonv.Payload); ok {
		return p, nil
	}
	raw, err := json.Marshal(e)
	return jsonv.Payload{Value: raw}, err
}

// Typed is a JSON Lines log whose events decode into a Go type E: a
// replay.Log[E] over files, for a program with its own event types.
type Typed[E any] struct {
	l     *Log
	codec Codec[E]
}

var (
	_ replay.Log[int]        = (*Typed[int])(nil)
	_ replay.LastSeqReporter = (*Typed[int])(nil)
	_ replay.StreamLister    = (*Typed[int])(nil)
)

// OpenAs opens JSON Lines files as a log of E, decoded by DecodeJSON; see
// Open for paths and options, and NewTyped for another decoder.
//
//	log, err := jsonl.OpenAs[bank.Event]([]string{"bank.jsonl"}, jsonl.Options{})
func OpenAs[E any](paths []string, opts Options) (*Typed[E], error) {
	l, err := Open(paths, opts)
	if err != nil {
		return nil, err
	}
	return NewTyped(l, Codec[E]{}), nil
}

// NewTyped makes an open log a log of E with codec. The Typed log owns l:
// closing it closes l.
func NewTyped[E any](l *Log, codec Codec[E]) *Typed[E] {
	if codec.Decode == nil {
		codec.Decode = DecodeJSON[E]
	}
	if codec.Encode == nil {
		codec.Encode = EncodeJSON[E]
	}
	return &Typed[E]{l: l, codec: codec}
}

// Lines returns the log of the files' own events, undecoded.
func (t *Typed[E]) Lines() *Log { return t.l }

// Close implements io.Closer: it closes the files.
func (t *Typed[E]) Close() error { return t.l.Close() }

// Append implements [replay.Log]: it encodes ev's payload and appends it
// as a line (see (*Log).Append).
func (t *Typed[E]) Append(ctx context.Context, ev replay.Event[E]) (replay.Seq, error) {
	p, err := t.codec.Encode(ev.Payload)
	if err != nil {
		return 0, fmt.Errorf("append to stream %q: encode the payload: %w", ev.Stream, err)
	}
	return t.l.Append(ctx, replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: p})
}

// Read implements [replay.Log]. An event that does not decode stops the
// read with a *LineError that gives its file, line and column.
func (t *Typed[E]) Read(ctx context.Context, stream replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[E], error) {
	events, err := t.l.Read(ctx, stream, from, limit)
	if err != nil {
		return nil, err
	}
	out := make([]replay.Event[E], len(events))
	for i, ev := range events {
		e, err := t.codec.Decode(ev.Payload)
		if err != nil {
			return nil, t.l.decodeError(ctx, ev.Stream, ev.Seq, err)
		}
		out[i] = replay.Event[E]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: e}
	}
	return out, nil
}

// LastSeq implements [replay.LastSeqReporter]. It waits for the index.
func (t *Typed[E]) LastSeq(ctx context.Context, stream replay.StreamKey) (replay.Seq, error) {
	return t.l.LastSeq(ctx, stream)
}

// Streams implements [replay.StreamLister]. It waits for the index.
func (t *Typed[E]) Streams(ctx context.Context) ([]replay.StreamKey, error) {
	return t.l.Streams(ctx)
}

// decodeError places an error decoding the event at seq of stream on its
// line: a *LineError with the column of the member at fault (and of the
// value inside it, when the error names one).
func (l *Log) decodeError(ctx context.Context, stream replay.StreamKey, seq replay.Seq, err error) error {
	at, line, lerr := l.RawLine(ctx, stream, seq)
	if lerr != nil {
		return fmt.Errorf("stream %q seq %d: %w", stream, seq, err)
	}
	le := &LineError{File: at.File, Line: at.Line, Msg: err.Error(), Err: err}
	member, path := "payload", ""
	var de *DecodeError
	if errors.As(err, &de) {
		member, path = de.Member, de.Path
	}
	var value []byte
	jsonscan.MembersRaw(line, 0, func(key, v []byte) error {
		if string(key) == member {
			value = v
		}
		return nil
	})
	if value != nil {
		le.Column = offsetIn(line, valueAt(value, path)) + 1
	}
	return le
}

// valueAt follows a dotted path of member names and array indexes into a
// JSON value, as far as it leads.
func valueAt(value []byte, path string) []byte {
	for part := range strings.SplitSeq(path, ".") {
		if part == "" {
			continue
		}
		var next []byte
		if len(value) > 0 && value[0] == '{' {
			jsonscan.MembersRaw(value, 0, func(key, v []byte) error {
				if string(key) == part {
					next = v
				}
				return nil
			})
		}
		if next == nil {
			return value
		}
		value = next
	}
	return value
}
