package jsonv

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"

	"github.com/replaytui/replaytui/internal/jsonscan"
)

// FromPlain converts plain JSON values (map[string]any, []any, numbers of
// any Go type) into this package's form. Values already in it are
// returned as they are. An integer float64 cannot hold exactly (an int
// beyond 2^53, a *big.Int as gojq computes them) becomes a json.Number;
// an infinite float64, which JSON cannot express, becomes the largest
// float64 of its sign, as jq makes it.
func FromPlain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		keys, vals := make([]string, 0, len(t)), make([]any, 0, len(t))
		for k, e := range t {
			keys, vals = append(keys, k), append(vals, FromPlain(e))
		}
		return ObjectOf(keys, vals)
	case []any:
		var out []any
		for i, e := range t {
			c := FromPlain(e)
			if out == nil && !same(c, e) {
				out = slices.Clone(t)
			}
			if out != nil {
				out[i] = c
			}
		}
		if out == nil {
			return t
		}
		return out
	case float64:
		if math.IsInf(t, 0) {
			return math.Copysign(math.MaxFloat64, t)
		}
	case int:
		return fromInt(int64(t))
	case int64:
		return fromInt(t)
	case float32:
		return FromPlain(float64(t))
	case *big.Int:
		if t.IsInt64() {
			return fromInt(t.Int64())
		}
		return json.Number(t.String())
	}
	return v
}

// fromInt is n as a float64 when that is exact, else as its digits.
func fromInt(n int64) any {
	const exact = 1 << 53 // every integer up to 2^53 is a float64
	if -exact <= n && n <= exact {
		return float64(n)
	}
	return json.Number(strconv.FormatInt(n, 10))
}

// same reports whether a and b are the very same value (identity for
// objects, arrays and maps; equality for scalars).
func same(a, b any) bool {
	switch x := a.(type) {
	case *Object:
		y, ok := b.(*Object)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case map[string]any:
		return false
	case json.Number:
		return sameNumber(x, b)
	case float64:
		if y, ok := b.(json.Number); ok {
			return sameNumber(y, x)
		}
	}
	return a == b
}

// sameNumber reports whether b is a number of the same value as n,
// whatever its spelling (a state may hold 1e400 and a patch test 1E400).
func sameNumber(n json.Number, b any) bool {
	var text []byte
	switch y := b.(type) {
	case json.Number:
		if n == y {
			return true
		}
		text = []byte(y)
	case float64:
		text = AppendNumber(nil, y)
	default:
		return false
	}
	return validNumber(string(n)) && validNumber(string(text)) && jsonscan.SameNumber([]byte(n), text)
}

// ToPlain converts a value to plain Go JSON values: *Object becomes
// map[string]any. The result shares nothing mutable with v.
func ToPlain(v any) any {
	switch t := v.(type) {
	case *Object:
		m := make(map[string]any, t.Len())
		for k, e := range t.All() {
			m[k] = ToPlain(e)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = ToPlain(e)
		}
		return out
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = ToPlain(e)
		}
		return m
	}
	return v
}

// Equal reports whether two values are equal as JSON.
func Equal(a, b any) bool {
	if same(a, b) {
		return true
	}
	a, b = FromPlain(a), FromPlain(b)
	switch x := a.(type) {
	case *Object:
		y, ok := b.(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for k, xv := range x.All() {
			yv, ok := y.Get(k)
			if !ok || !Equal(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return same(a, b)
}

// TypeName names the JSON type of v, for messages.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, int, int64, float32, json.Number, *big.Int:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case *Object, map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// Path locates a value inside another: each step is a member name
// (string) or an array index (int).
type Path []any

// String renders the path as jq does: .a.b[2]["odd key"]; the empty path
// is ".".
func (p Path) String() string {
	if len(p) == 0 {
		return "."
	}
	var b []byte
	for _, step := range p {
		b = AppendStep(b, step)
	}
	return string(b)
}

// AppendStep appends one step of a path (a member name or an index) as
// Path.String writes it, for code that builds path texts level by level.
func AppendStep(b []byte, step any) []byte {
	switch s := step.(type) {
	case int:
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(s), 10)
		return append(b, ']')
	case string:
		if isIdent(s) {
			return append(append(b, '.'), s...)
		}
		b = append(b, '[')
		b = strconv.AppendQuote(b, s)
		return append(b, ']')
	}
	return b
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Child returns p extended by one step, without sharing p's memory.
func (p Path) Child(step any) Path {
	return append(slices.Clip(p), step)
}

// At returns the value at path inside v.
func At(v any, path Path) (any, bool) {
	for _, step := range path {
		var ok bool
		if v, ok = child(v, step); !ok {
			return nil, false
		}
	}
	return v, true
}

// child returns the member or element step of v.
func child(v, step any) (any, bool) {
	switch s := step.(type) {
	case string:
		switch o := v.(type) {
		case *Object:
			return o.Get(s)
		case map[string]any:
			e, ok := o[s]
			return e, ok
		}
	case int:
		if a, ok := v.([]any); ok && s >= 0 && s < len(a) {
			return a[s], true
		}
	}
	return nil, false
}

// Decode decodes JSON text into a value of this package's form.
func Decode(text []byte) (any, error) {
	v, err := jsonscan.Decode(text)
	if err != nil {
		return nil, err
	}
	return FromPlain(v), nil
}
