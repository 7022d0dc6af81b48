package termtext

import (
	"io"
	"unicode/utf8"
)

// A Writer passes text on to a terminal with every rune Unsafe reports
// replaced by a visible escape, except the newlines and tabs that lay the
// text out. It is for output that mixes replaytui's own layout with text
// from logs: tables, messages, indented states. Runes may be split across
// writes; Flush writes a rune left incomplete at the end as escaped
// bytes.
//
// A Writer from NewJSONWriter is for JSON text instead: it escapes the
// same runes as JSON string escapes (\u001b, \u202e), and an invalid byte
// as \ufffd, so that its output is still JSON, and means the same, where
// the input was JSON (raw control characters are not allowed in JSON, and
// any other rune it escapes can only occur inside a string).
type Writer struct {
	w       io.Writer
	json    bool
	pending []byte // the start of a rune split across writes
	buf     []byte
}

// NewWriter returns a Writer for text.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// NewJSONWriter returns a Writer for JSON text.
func NewJSONWriter(w io.Writer) *Writer { return &Writer{w: w, json: true} }

// Write writes p, escaped. It reports len(p) when the escaped text was
// written (an incomplete rune at the end of p is kept for the next
// Write or Flush).
func (w *Writer) Write(p []byte) (int, error) {
	n := len(p)
	if len(w.pending) > 0 {
		p = append(w.pending, p...)
		w.pending = nil
	}
	first := firstSuspect(p)
	if first == len(p) {
		if _, err := w.w.Write(p); err != nil {
			return 0, err
		}
		return n, nil
	}
	out := w.buf[:0]
	start := 0
	for i := first; i < len(p); {
		c := p[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			i++
			continue
		}
		if c >= utf8.RuneSelf && !utf8.FullRune(p[i:]) {
			// Perhaps the rest of this rune comes in the next Write.
			w.pending = append(w.pending[:0], p[i:]...)
			p = p[:i]
			break
		}
		r, size := utf8.DecodeRune(p[i:])
		if !Unsafe(r) {
			i += size
			continue
		}
		out = append(out, p[start:i]...)
		if r == utf8.RuneError && size == 1 {
			out = w.appendInvalid(out, c)
		} else {
			out = w.appendRune(out, r)
		}
		i += size
		start = i
	}
	out = append(out, p[start:]...)
	w.buf = out
	if _, err := w.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}

// Flush writes what is left of a rune split across writes, escaped as
// the invalid bytes it turned out to be.
func (w *Writer) Flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	var out []byte
	for _, c := range w.pending {
		out = w.appendInvalid(out, c)
	}
	w.pending = nil
	_, err := w.w.Write(out)
	return err
}

// firstSuspect returns the index of the first byte that may need an
// escape, or len(p).
func firstSuspect(p []byte) int {
	for i, c := range p {
		if (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			return i
		}
	}
	return len(p)
}

func (w *Writer) appendInvalid(out []byte, c byte) []byte {
	if w.json {
		return append(out, `\ufffd`...)
	}
	return append(out, '\\', 'x', hex[c>>4], hex[c&0xf])
}

func (w *Writer) appendRune(out []byte, r rune) []byte {
	if r < utf8.RuneSelf && !w.json {
		return append(out, '\\', 'x', hex[r>>4], hex[r&0xf])
	}
	return append(out, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
