package jsonv

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/internal/termtext"
)

// Append appends the JSON text of v to buf: compact when indent is "",
// otherwise one member or element per line, indented by indent per level
// down to MaxIndentDepth levels and no further. Object members come out
// sorted by name.
func Append(buf []byte, v any, indent string) []byte {
	return appendValue(buf, v, indent, 0)
}

// Marshal returns the compact JSON text of v.
func Marshal(v any) []byte { return Append(nil, v, "") }

// MaxIndentDepth is the deepest level Append indents. Deeper values stay
// at that indentation: the text stays valid JSON, and a value nested
// thousands deep (a few kilobytes of input) takes lines in proportion to
// its size, not to the square of its depth.
const MaxIndentDepth = 32

func newline(buf []byte, indent string, depth int) []byte {
	buf = append(buf, '\n')
	for range min(depth, MaxIndentDepth) {
		buf = append(buf, indent...)
	}
	return buf
}

func appendValue(buf []byte, v any, indent string, depth int) []byte {
	switch t := v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		return strconv.AppendBool(buf, t)
	case float64:
		return AppendNumber(buf, t)
	case int:
		return strconv.AppendInt(buf, int64(t), 10)
	case int64:
		return strconv.AppendInt(buf, t, 10)
	case json.Number:
		if !validNumber(string(t)) {
			return append(buf, "null"...) // not a JSON value, like NaN
		}
		return append(buf, t...)
	case string:
		return AppendString(buf, t)
	case []any:
		if len(t) == 0 {
			return append(buf, "[]"...)
		}
		buf = append(buf, '[')
		for i, e := range t {
			if i > 0 {
				buf = append(buf, ',')
			}
			if indent != "" {
				buf = newline(buf, indent, depth+1)
			}
			buf = appendValue(buf, e, indent, depth+1)
		}
		if indent != "" {
			buf = newline(buf, indent, depth)
		}
		return append(buf, ']')
	case *Object:
		if t.Len() == 0 {
			return append(buf, "{}"...)
		}
		buf = append(buf, '{')
		i := 0
		for k, e := range t.All() {
			buf = appendMember(buf, i, k, e, indent, depth)
			i++
		}
		if indent != "" {
			buf = newline(buf, indent, depth)
		}
		return append(buf, '}')
	case map[string]any:
		if len(t) == 0 {
			return append(buf, "{}"...)
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = append(buf, '{')
		for i, k := range keys {
			buf = appendMember(buf, i, k, t[k], indent, depth)
		}
		if indent != "" {
			buf = newline(buf, indent, depth)
		}
		return append(buf, '}')
	}
	return AppendNumber(buf, math.NaN()) // not a JSON value: shows as null
}

func appendMember(buf []byte, i int, k string, v any, indent string, depth int) []byte {
	if i > 0 {
		buf = append(buf, ',')
	}
	if indent != "" {
		buf = newline(buf, indent, depth+1)
	}
	buf = AppendString(buf, k)
	buf = append(buf, ':')
	if indent != "" {
		buf = append(buf, ' ')
	}
	return appendValue(buf, v, indent, depth+1)
}

// AppendNumber appends f as encoding/json does: integers without a
// fraction or exponent up to 1e21, an exponent beyond. NaN and infinities,
// which JSON cannot express, come out as null.
func AppendNumber(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(buf)
		if n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf
}

// validNumber reports whether s is JSON number text. A json.Number
// decoded from a log always is; one built by hand may not be.
func validNumber(s string) bool {
	end, err := jsonscan.Skip([]byte(s), 0)
	return err == nil && end == len(s) && s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9')
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string. Control characters (C0, DEL
// and C1) and bidirectional controls are escaped, so the text is safe to
// print on a terminal and reads as it is (see internal/termtext); invalid
// UTF-8 becomes U+FFFD.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf { // a control character, DEL, a quote or a backslash
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
		case r == 0x2028, r == 0x2029, termtext.Unsafe(r):
			// C1 controls (a terminal may take U+009B for CSI), the line
			// separators and the bidirectional controls: escaped like the
			// C0 controls.
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', hex[r>>12], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
