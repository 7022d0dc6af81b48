package postgres

import (
	"bytes"
	"strconv"
	"unicode/utf16"
)

// JSONBChange finds the first thing in the JSON text doc that a jsonb
// column would refuse or store changed: a \u0000 escape (refused), a
// \uD800–\uDFFF escape that is not half of a pair (refused), a minus
// zero (-0, -0.0: stored as 0) or a key an object has twice (the last
// one kept). It returns its byte offset in doc and what it is; ok is
// false when there is none. doc must be valid JSON.
func JSONBChange(doc []byte) (offset int, what string, ok bool) {
	s := jsonbScanner{doc: doc, at: -1}
	s.value()
	return s.at, s.what, s.at >= 0
}

type jsonbScanner struct {
	doc  []byte
	i    int
	at   int // where the first change is; -1: none yet
	what string
}

func (s *jsonbScanner) found(at int, what string) {
	if s.at < 0 {
		s.at, s.what = at, what
	}
}

func (s *jsonbScanner) space() {
	for s.i < len(s.doc) && (s.doc[s.i] == ' ' || s.doc[s.i] == '\t' || s.doc[s.i] == '\n' || s.doc[s.i] == '\r') {
		s.i++
	}
}

// value scans one value, stopping at the first change found.
func (s *jsonbScanner) value() {
	s.space()
	if s.i >= len(s.doc) || s.at >= 0 {
		return
	}
	switch c := s.doc[s.i]; {
	case c == '{':
		s.i++
		var keys map[string]bool
		for s.at < 0 {
			s.space()
			if s.i >= len(s.doc) || s.doc[s.i] == '}' {
				s.i++
				return
			}
			if s.doc[s.i] == ',' {
				s.i++
				s.space()
			}
			start := s.i
			key := s.str()
			if keys == nil {
				keys = map[string]bool{}
			}
			if keys[key] {
				s.found(start, "key "+strconv.Quote(key)+" a second time in one object (jsonb keeps the last only)")
			}
			keys[key] = true
			s.space()
			s.i++ // :
			s.value()
		}
	case c == '[':
		s.i++
		for s.at < 0 {
			s.space()
			if s.i >= len(s.doc) || s.doc[s.i] == ']' {
				s.i++
				return
			}
			if s.doc[s.i] == ',' {
				s.i++
			}
			s.value()
		}
	case c == '"':
		s.str()
	case c == '-' || c >= '0' && c <= '9':
		start := s.i
		for s.i < len(s.doc) && bytes.IndexByte([]byte("+-.eE0123456789"), s.doc[s.i]) >= 0 {
			s.i++
		}
		if n := s.doc[start:s.i]; n[0] == '-' && zero(n) {
			s.found(start, "minus zero "+string(n)+" (jsonb stores it as 0)")
		}
	default: // true, false, null
		for s.i < len(s.doc) && s.doc[s.i] >= 'a' && s.doc[s.i] <= 'z' {
			s.i++
		}
	}
}

// zero reports a number whose digits before any exponent are all 0.
func zero(n []byte) bool {
	for _, c := range n {
		switch {
		case c == 'e' || c == 'E':
			return true
		case c >= '1' && c <= '9':
			return false
		}
	}
	return true
}

// str scans a string at s.i and returns it, noting a \u0000 or a lone
// surrogate.
func (s *jsonbScanner) str() string {
	s.i++ // "
	var out []byte
	for s.i < len(s.doc) {
		c := s.doc[s.i]
		switch {
		case c == '"':
			s.i++
			return string(out)
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.doc) {
			break
		}
		if s.doc[s.i+1] != 'u' {
			out = append(out, '\\', s.doc[s.i+1])
			s.i += 2
			continue
		}
		at := s.i
		r := hex4(s.doc[s.i+2:])
		s.i += 6
		switch {
		case r == 0:
			s.found(at, `\u0000 in a string (jsonb refuses it)`)
		case utf16.IsSurrogate(r):
			if r < 0xDC00 && s.i+6 <= len(s.doc) && s.doc[s.i] == '\\' && s.doc[s.i+1] == 'u' {
				if lo := hex4(s.doc[s.i+2:]); lo >= 0xDC00 && lo <= 0xDFFF {
					out = append(out, string(utf16.DecodeRune(r, lo))...)
					s.i += 6
					continue
				}
			}
			s.found(at, string(s.doc[at:at+6])+", half of a UTF-16 surrogate pair without its other half (jsonb refuses it)")
		}
		out = append(out, string(r)...)
	}
	return string(out)
}

// hex4 reads the four hex digits of a \u escape; -1 if they are not.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
}
