package reduce

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/replaytui/replaytui/jsonv"
)

// pointer is a parsed RFC 6901 JSON Pointer: its reference tokens.
type pointer []string

func parsePointer(s string) (pointer, error) {
	if s == "" {
		return nil, nil
	}
	if s[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q must be empty or start with '/'", s)
	}
	tokens := strings.Split(s[1:], "/")
	for i, tok := range tokens {
		if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(tok, "~0", ""), "~1", ""), "~") {
			return nil, fmt.Errorf("JSON pointer %q: '~' must be followed by 0 or 1", s)
		}
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	return tokens, nil
}

func (p pointer) String() string {
	var b strings.Builder
	for _, tok := range p {
		b.WriteString("/" + strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// index parses an array index token; "-" (past the end) only when allowed.
func index(tok string, n int, end bool) (int, error) {
	if tok == "-" && end {
		return n, nil
	}
	if tok == "" || (len(tok) > 1 && tok[0] == '0') || strings.TrimLeft(tok, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not an array index", tok)
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i > n || (i == n && !end) {
		return 0, fmt.Errorf("index %s is out of range for an array of %d", tok, n)
	}
	return i, nil
}

// get returns the value at p inside v.
func get(v any, p pointer) (any, error) {
	for i, tok := range p {
		switch t := v.(type) {
		case *jsonv.Object:
			m, ok := t.Get(tok)
			if !ok {
				return nil, fmt.Errorf("%s does not exist", p[:i+1])
			}
			v = m
		case []any:
			k, err := index(tok, len(t), false)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p[:i+1], err)
			}
			v = t[k]
		default:
			return nil, fmt.Errorf("%s: %s is a %s, not a container", p[:i+1], p[:i], jsonv.TypeName(v))
		}
	}
	return v, nil
}

type edit int

const (
	editAdd edit = iota
	editRemove
	editReplace
)

// modify returns a copy of v with the edit made at p; only the path to p
// is copied, everything else is shared with v.
func modify(v any, p pointer, e edit, value any) (any, error) {
	if len(p) == 0 {
		if e == editRemove {
			return nil, fmt.Errorf("cannot remove the whole document")
		}
		return value, nil
	}
	tok, rest := p[0], p[1:]
	switch t := v.(type) {
	case *jsonv.Object:
		old, exists := t.Get(tok)
		if len(rest) > 0 || e != editAdd {
			if !exists {
				return nil, fmt.Errorf("member %q does not exist", tok)
			}
		}
		if len(rest) > 0 {
			neu, err := modify(old, rest, e, value)
			if err != nil {
				return nil, err
			}
			return t.Set(tok, neu), nil
		}
		if e == editRemove {
			return t.Delete(tok), nil
		}
		return t.Set(tok, value), nil
	case []any:
		k, err := index(tok, len(t), len(rest) == 0 && e == editAdd)
		if err != nil {
			return nil, err
		}
		if len(rest) > 0 {
			neu, err := modify(t[k], rest, e, value)
			if err != nil {
				return nil, err
			}
			out := slices.Clone(t)
			out[k] = neu
			return out, nil
		}
		switch e {
		case editAdd:
			return slices.Insert(slices.Clip(t), k, value), nil
		case editRemove:
			return slices.Delete(slices.Clone(t), k, k+1), nil
		}
		out := slices.Clone(t)
		out[k] = value
		return out, nil
	}
	return nil, fmt.Errorf("%q cannot be looked up in a %s", tok, jsonv.TypeName(v))
}
