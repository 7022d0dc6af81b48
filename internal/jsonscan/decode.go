package jsonscan

import "fmt"

// Decoder turns JSON text into Go values: map[string]any, []any, float64,
// string, bool and nil, as encoding/json does into an any, except that a
// number float64 cannot hold exactly (12345678901234567890123, 1e400,
// 0.1000000000000000000001) is kept as its text, a json.Number. It remembers
// object keys it has seen so that a million events with the same few keys
// share their key strings. A Decoder is not safe for concurrent use; the
// zero value is ready.
type Decoder struct {
	keys map[string]string
}

// maxInterned bounds the key cache: keys beyond it (say, ids used as
// keys) are not remembered.
const maxInterned = 4096

// Decode decodes one JSON value that must fill data (whitespace aside).
func Decode(data []byte) (any, error) {
	var d Decoder
	return d.Decode(data)
}

// Decode decodes one JSON value that must fill data (whitespace aside).
func (d *Decoder) Decode(data []byte) (any, error) {
	i := SkipSpace(data, 0)
	v, end, err := d.value(data, i, 0)
	if err != nil {
		return nil, err
	}
	if end = SkipSpace(data, end); end != len(data) {
		return nil, errAt(data, end, "the end of the JSON value")
	}
	return v, nil
}

func (d *Decoder) key(data []byte, at int, raw []byte) (string, error) {
	body := raw[1 : len(raw)-1]
	if s, ok := d.keys[string(body)]; ok { // no allocation for the lookup
		return s, nil
	}
	if len(d.keys) >= maxInterned {
		s, _, err := unquote(data, at, raw)
		return s, err
	}
	s, escaped, err := unquote(data, at, raw)
	if err != nil || escaped {
		return s, err
	}
	if d.keys == nil {
		d.keys = make(map[string]string)
	}
	d.keys[s] = s
	return s, nil
}

func (d *Decoder) value(data []byte, i, depth int) (any, int, error) {
	if i >= len(data) {
		return nil, i, errAt(data, i, "a JSON value")
	}
	switch c := data[i]; {
	case c == '{':
		if depth >= MaxDepth {
			return nil, i, &SyntaxError{Offset: i, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
		}
		obj := make(map[string]any)
		end, err := members(data, i, func(rawKey []byte, start int) (int, error) {
			k, err := d.key(data, start, rawKey)
			if err != nil {
				return start, err
			}
			v, end, err := d.value(data, start, depth+1)
			if err != nil {
				return end, err
			}
			obj[k] = v
			return end, nil
		})
		return obj, end, err
	case c == '[':
		if depth >= MaxDepth {
			return nil, i, &SyntaxError{Offset: i, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
		}
		arr := []any{}
		end, err := elements(data, i, func(start int) (int, error) {
			v, end, err := d.value(data, start, depth+1)
			if err != nil {
				return end, err
			}
			arr = append(arr, v)
			return end, nil
		})
		return arr, end, err
	case c == '"':
		end, escaped, err := scanString(data, i)
		if err != nil || !escaped {
			return string(data[i+1 : max(end-1, i+1)]), end, err
		}
		s, _, err := unquote(data, i, data[i:end])
		return s, end, err
	case c == '-' || c >= '0' && c <= '9':
		end, err := skipNumber(data, i)
		if err != nil {
			return nil, end, err
		}
		return parseNumber(data[i:end]), end, nil
	case c == 't':
		end, err := literal(data, i, "true")
		return true, end, err
	case c == 'f':
		end, err := literal(data, i, "false")
		return false, end, err
	case c == 'n':
		end, err := literal(data, i, "null")
		return nil, end, err
	}
	return nil, i, errAt(data, i, "a JSON value")
}

// Key returns the member name whose text between quotes is body (as
// MembersRaw gives it), remembering it like the keys Decode meets.
func (d *Decoder) Key(body []byte) (string, error) {
	if s, ok := d.keys[string(body)]; ok { // no allocation for a known key
		return s, nil
	}
	raw := make([]byte, 0, len(body)+2)
	raw = append(append(append(raw, '"'), body...), '"')
	return d.key(raw, 0, raw)
}

// ValueAt decodes the JSON value that starts at data[i] and returns it
// with the offset after it.
func (d *Decoder) ValueAt(data []byte, i int) (any, int, error) {
	return d.value(data, i, 0)
}
