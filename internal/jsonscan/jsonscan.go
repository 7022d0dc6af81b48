// Package jsonscan validates and decodes JSON text fast, with errors that
// say where (a byte offset) and what was expected.
//
// replaytui reads every byte of a captured log through it: encoding/json
// decodes a line into map[string]any several times slower and cannot hand
// back the raw text of a member, which the lazy JSON Lines index and the
// merge reducer need. It follows RFC 8259 strictly: no comments, no
// trailing commas, strings must be valid UTF-8 without raw control
// characters.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects accepted.
const MaxDepth = 10_000

// SyntaxError is malformed JSON at a byte offset of the input.
type SyntaxError struct {
	Offset int    // where the problem is, 0-based
	Msg    string // what was expected and what was found
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s (at byte %d)", e.Msg, e.Offset) }

// describe names the byte at data[i] for an error message.
func describe(data []byte, i int) string {
	if i >= len(data) {
		return "the end of the text"
	}
	c := data[i]
	switch {
	case c == '\n':
		return `a line break`
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("control byte 0x%02x", c)
	case c >= 0x80:
		r, _ := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError {
			return fmt.Sprintf("byte 0x%02x (not UTF-8)", c)
		}
		return strconv.QuoteRune(r)
	}
	return strconv.QuoteRune(rune(c))
}

func errAt(data []byte, i int, expected string) error {
	return &SyntaxError{Offset: i, Msg: fmt.Sprintf("expected %s, found %s", expected, describe(data, i))}
}

// SkipSpace returns the offset of the first non-whitespace byte at or
// after i.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Skip validates the JSON value that starts at data[i] (after optional
// whitespace) and returns the offset just after it.
func Skip(data []byte, i int) (int, error) {
	return skip(data, SkipSpace(data, i), 0)
}

func skip(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return i, errAt(data, i, "a JSON value")
	}
	switch c := data[i]; {
	case c == '{':
		if depth >= MaxDepth {
			return i, &SyntaxError{Offset: i, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
		}
		return members(data, i, func(_ []byte, start int) (int, error) { return skip(data, start, depth+1) })
	case c == '[':
		if depth >= MaxDepth {
			return i, &SyntaxError{Offset: i, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
		}
		return elements(data, i, func(start int) (int, error) { return skip(data, start, depth+1) })
	case c == '"':
		return skipString(data, i)
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(data, i)
	case c == 't':
		return literal(data, i, "true")
	case c == 'f':
		return literal(data, i, "false")
	case c == 'n':
		return literal(data, i, "null")
	}
	return i, errAt(data, i, "a JSON value")
}

func literal(data []byte, i int, word string) (int, error) {
	for k := 0; k < len(word); k++ {
		if i+k >= len(data) || data[i+k] != word[k] {
			return i + k, errAt(data, i+k, fmt.Sprintf("%q (in %s)", word[k], word))
		}
	}
	return i + len(word), nil
}

// members walks the object at data[i] == '{'. For each member it calls
// value with the raw key (still quoted and escaped) and the offset of the
// value; value returns the offset after the value.
func members(data []byte, i int, value func(rawKey []byte, start int) (int, error)) (int, error) {
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return i, errAt(data, i, `a member name in double quotes`)
		}
		end, err := skipString(data, i)
		if err != nil {
			return end, err
		}
		key := data[i:end]
		i = SkipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return i, errAt(data, i, `':' after a member name`)
		}
		i = SkipSpace(data, i+1)
		if i, err = value(key, i); err != nil {
			return i, err
		}
		i = SkipSpace(data, i)
		if i < len(data) && data[i] == ',' {
			i = SkipSpace(data, i+1)
			continue
		}
		if i < len(data) && data[i] == '}' {
			return i + 1, nil
		}
		return i, errAt(data, i, `',' or '}' after an object member`)
	}
}

// elements walks the array at data[i] == '['.
func elements(data []byte, i int, value func(start int) (int, error)) (int, error) {
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = value(i); err != nil {
			return i, err
		}
		i = SkipSpace(data, i)
		if i < len(data) && data[i] == ',' {
			i = SkipSpace(data, i+1)
			continue
		}
		if i < len(data) && data[i] == ']' {
			return i + 1, nil
		}
		return i, errAt(data, i, `',' or ']' after an array element`)
	}
}

// Members calls fn for each member of the object at data[i] (after
// optional whitespace) with the decoded key and the raw value text, and
// returns the offset after the object. Values are validated.
func Members(data []byte, i int, fn func(key string, value []byte) error) (int, error) {
	i = SkipSpace(data, i)
	if i >= len(data) || data[i] != '{' {
		return i, errAt(data, i, "'{' (a JSON object)")
	}
	return members(data, i, func(rawKey []byte, start int) (int, error) {
		end, err := skip(data, start, 1)
		if err != nil {
			return end, err
		}
		key, _, err := unquote(data, start-len(rawKey)-1, rawKey)
		if err != nil {
			return start, err
		}
		if err := fn(key, data[start:end]); err != nil {
			return start, err
		}
		return end, nil
	})
}

// skipString validates the string at data[i] == '"' and returns the offset
// after its closing quote.
func skipString(data []byte, i int) (int, error) {
	end, _, err := scanString(data, i)
	return end, err
}

// StringAt validates the string at data[i] == '"' and returns the offset
// after its closing quote, and whether it holds an escape: one that does
// not is its own text between the quotes, data[i+1:end-1].
func StringAt(data []byte, i int) (end int, escaped bool, err error) {
	return scanString(data, i)
}

// scanString is skipString that also reports whether the string holds an
// escape: one that does not is its own text between the quotes.
func scanString(data []byte, i int) (end int, escaped bool, err error) {
	j := i + 1
	for j < len(data) {
		// Eight bytes at a time to the next that needs a look: most of a
		// log's text is plain ASCII, and long string values are most of
		// its bytes.
		for j+8 <= len(data) {
			m := special(binary.LittleEndian.Uint64(data[j:]))
			if m != 0 {
				j += bits.TrailingZeros64(m) / 8
				break
			}
			j += 8
		}
		if j >= len(data) {
			break
		}
		c := data[j]
		switch {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			n, err := skipEscape(data, j)
			if err != nil {
				return j, escaped, err
			}
			j += n
			escaped = true
		case c < 0x20:
			return j, escaped, errAt(data, j, `a string character (control characters must be escaped)`)
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRune(data[j:])
			if r == utf8.RuneError && size == 1 {
				return j, escaped, &SyntaxError{Offset: j, Msg: fmt.Sprintf("invalid UTF-8 byte 0x%02x in a string", c)}
			}
			j += size
		}
	}
	return j, escaped, &SyntaxError{Offset: i, Msg: "unterminated string"}
}

// special marks the bytes of x (eight, little-endian) that end a string,
// start an escape, are control characters or are not ASCII: every byte
// scanString must look at one by one. The lowest mark is exact; marks
// above it may be false.
func special(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	below20 := (x - 0x20*ones) & ^x & highs
	return below20 | zero(x^('"'*ones)) | zero(x^('\\'*ones)) | x&highs
}

// skipEscape validates the escape at data[j] == '\\' and returns its length.
func skipEscape(data []byte, j int) (int, error) {
	if j+1 >= len(data) {
		return 0, errAt(data, j+1, "an escape character after '\\'")
	}
	switch data[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, nil
	case 'u':
		for k := j + 2; k < j+6; k++ {
			if k >= len(data) || !isHex(data[k]) {
				return 0, errAt(data, k, `a hex digit in a \u escape`)
			}
		}
		return 6, nil
	}
	return 0, errAt(data, j+1, `one of "\/bfnrtu after '\'`)
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func hexVal(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// Unquote returns the Go string of a JSON string literal (with its quotes).
func Unquote(raw []byte) (string, error) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", errAt(raw, 0, "a string")
	}
	end, err := skipString(raw, 0)
	if err != nil {
		return "", err
	}
	if end != len(raw) {
		return "", errAt(raw, end, "the end of the string")
	}
	s, _, err := unquote(raw, 0, raw)
	return s, err
}

// unquote decodes the validated string literal raw, which starts at
// data[at]; the bool reports whether it had escapes.
func unquote(data []byte, at int, raw []byte) (string, bool, error) {
	body := raw[1 : len(raw)-1]
	k := bytes.IndexByte(body, '\\')
	if k < 0 {
		return string(body), false, nil
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:k]...)
	for k < len(body) {
		if body[k] != '\\' { // a run up to the next escape, at once
			n := bytes.IndexByte(body[k:], '\\')
			if n < 0 {
				n = len(body) - k
			}
			out = append(out, body[k:k+n]...)
			k += n
			continue
		}
		switch e := body[k+1]; e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hexVal(body[k+2 : k+6])
			k += 6
			if utf16.IsSurrogate(r) {
				if k+6 <= len(body) && body[k] == '\\' && body[k+1] == 'u' {
					if r2 := utf16.DecodeRune(r, hexVal(body[k+2:k+6])); r2 != utf8.RuneError {
						r = r2
						k += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, e)
		}
		k += 2
	}
	return string(out), true, nil
}

// skipNumber validates the number at data[i] and returns the offset after it.
func skipNumber(data []byte, i int) (int, error) {
	j := i
	if data[j] == '-' {
		j++
	}
	switch {
	case j < len(data) && data[j] == '0':
		j++
	case j < len(data) && data[j] >= '1' && data[j] <= '9':
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
	default:
		return j, errAt(data, j, "a digit")
	}
	if j < len(data) && data[j] == '.' {
		j++
		if j >= len(data) || data[j] < '0' || data[j] > '9' {
			return j, errAt(data, j, "a digit after the decimal point")
		}
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
	}
	if j < len(data) && (data[j] == 'e' || data[j] == 'E') {
		j++
		if j < len(data) && (data[j] == '+' || data[j] == '-') {
			j++
		}
		if j >= len(data) || data[j] < '0' || data[j] > '9' {
			return j, errAt(data, j, "a digit in the exponent")
		}
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
	}
	return j, nil
}

// MembersRaw is Members without decoding keys: fn gets the key's text
// between its quotes, escapes undecoded (use Unquote on rawKey's quoted
// form when it holds a backslash). It allocates nothing.
func MembersRaw(data []byte, i int, fn func(rawKey, value []byte) error) (int, error) {
	i = SkipSpace(data, i)
	if i >= len(data) || data[i] != '{' {
		return i, errAt(data, i, "'{' (a JSON object)")
	}
	return members(data, i, func(rawKey []byte, start int) (int, error) {
		end, err := skip(data, start, 1)
		if err != nil {
			return end, err
		}
		if err := fn(rawKey[1:len(rawKey)-1], data[start:end]); err != nil {
			return start, err
		}
		return end, nil
	})
}

// MembersFunc walks the object at data[i] (after optional whitespace)
// like MembersRaw, but leaves each value to fn: fn gets the key's text
// between its quotes and the offset of the value, and returns the offset
// after the value, which it must have read (and validated) itself. It
// spares a caller that parses the values anyway a second pass over them.
func MembersFunc(data []byte, i int, fn func(rawKey []byte, start int) (int, error)) (int, error) {
	i = SkipSpace(data, i)
	if i >= len(data) || data[i] != '{' {
		return i, errAt(data, i, "'{' (a JSON object)")
	}
	return members(data, i, func(rawKey []byte, start int) (int, error) {
		return fn(rawKey[1:len(rawKey)-1], start)
	})
}
