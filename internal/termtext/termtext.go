// Package termtext makes text from logs safe to show on a terminal. Logs
// are written by the systems being debugged, and sometimes by whoever
// attacks them: a stream name, an event type or a payload string may hold
// escape sequences that would set the window title, write the clipboard
// (OSC 52), open hyperlinks or ring the bell, and bidirectional-override
// characters that make text read differently from what it holds
// (CVE-2021-42574, "Trojan Source"). Everything replaytui shows a person,
// in the debugger and on the command line, goes through this package:
// such characters are shown as visible escapes (\x1b, \u202e), never sent.
package termtext

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s as one line that is safe to print: every character a
// terminal may act on rather than show (C0 controls, DEL, C1 controls),
// every bidirectional control and every invalid byte is replaced with a
// visible escape — \x1b for a byte below 0x80 or an invalid byte, \u202e
// above. Tabs become four spaces. Text that needs no change is returned
// as it is, without allocating.
func Clean(s string) string {
	if Safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\t':
			b.WriteString("    ")
		case r == utf8.RuneError && size == 1:
			appendByteEscape(&b, s[i])
		case Unsafe(r):
			appendRuneEscape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Safe reports whether s can be printed as it is: it holds no rune
// Unsafe reports and no invalid UTF-8.
func Safe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c < 0x20 || c == 0x7f {
			return safeFrom(s, i)
		}
	}
	return true
}

func safeFrom(s string, i int) bool {
	for _, r := range s[i:] {
		if Unsafe(r) { // an invalid byte decodes as utf8.RuneError
			return false
		}
	}
	return true
}

// Unsafe reports whether r must not reach a terminal as it is: a C0
// control (tab and newline included: in one line of a table they would
// fake another cell or row), DEL, a C1 control (U+009B is CSI to many
// terminals), a bidirectional control, or U+FFFD, which stands for an
// invalid byte.
//
// The bidirectional controls are the embeddings and overrides U+202A–
// U+202E, the isolates U+2066–U+2069, and the marks U+200E, U+200F and
// U+061C. Right-to-left text itself (Arabic, Hebrew) shows as it is; only
// the invisible characters that reorder it are made visible, so that what
// replaytui shows is what the log holds.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r < 0x61c:
		return false
	}
	return isBidi(r) || r == utf8.RuneError
}

func isBidi(r rune) bool {
	return r == 0x61c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

const hex = "0123456789abcdef"

func appendByteEscape(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&0xf])
}

func appendRuneEscape(b *strings.Builder, r rune) {
	if r < utf8.RuneSelf {
		appendByteEscape(b, byte(r))
		return
	}
	b.WriteString(`\u`)
	b.WriteByte(hex[r>>12&0xf])
	b.WriteByte(hex[r>>8&0xf])
	b.WriteByte(hex[r>>4&0xf])
	b.WriteByte(hex[r&0xf])
}
