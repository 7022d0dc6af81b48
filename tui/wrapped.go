package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// wrapped is a text broken into rows of a width, at spaces where it can.
// The rows are found as far as they are asked for, and kept: a frame
// costs the rows it shows, so a 10 MB value is as quick to scroll through
// as a short one, and only going to its end reads all of it.
type wrapped struct {
	text   string
	width  int  // cells a row holds
	indent bool // a row that continues a line is indented under it
	rows   []span
	next   int // where the row after the last found begins
	cont   bool
	lead   int // the leading spaces of the line being broken
	done   bool
}

// span is one row: text[start:end], after pad spaces.
type span struct{ start, end, pad int }

// noWrap is a width no line reaches: each line is one row.
const noWrap = 1 << 30

func newWrapped(text string, width int, indent bool) wrapped {
	text = strings.TrimSuffix(text, "\n")
	return wrapped{text: text, width: max(width, 1), indent: indent}
}

// resize breaks the text again at another width.
func (w *wrapped) resize(width int) {
	if max(width, 1) != w.width {
		*w = newWrapped(w.text, width, w.indent)
	}
}

// row returns row i, cleaned and padded, if the text has that many; a row
// longer than cells (one not wrapped) is cut near there first, so that
// it costs what shows of it.
func (w *wrapped) row(i, cells int) (string, bool) {
	for len(w.rows) <= i && !w.done {
		w.findRow()
	}
	if i < 0 || i >= len(w.rows) {
		return "", false
	}
	r := w.rows[i]
	return strings.Repeat(" ", r.pad) + clean(clip(w.text[r.start:r.end], cells)), true
}

// found is how many rows are known, and whether that is all of them.
func (w *wrapped) found() (int, bool) { return len(w.rows), w.done }

// count finds every row and says how many there are.
func (w *wrapped) count() int {
	for !w.done {
		w.findRow()
	}
	return len(w.rows)
}

// progress is how far into the text row i begins, from 0 to 1.
// A row not found yet is taken to begin where the rows found end.
func (w *wrapped) progress(i int) float64 {
	switch {
	case len(w.text) == 0:
		return 0
	case i < len(w.rows):
		return float64(w.rows[max(i, 0)].start) / float64(len(w.text))
	}
	return min(float64(w.next)/float64(len(w.text)), 1)
}

// rowHolding is the row that holds the place at (a progress), finding
// the rows up to it: where to stay when the text is broken again.
func (w *wrapped) rowHolding(at float64) int {
	i := 0
	for {
		if _, ok := w.row(i+1, 0); !ok || w.progress(i+1) > at {
			return i
		}
		i++
	}
}

// findRow finds the next row: up to the end of its line, or as much as
// fits, cut after the last space in it when there is one.
func (w *wrapped) findRow() {
	start := w.next
	if start >= len(w.text) && (len(w.rows) > 0 || start > len(w.text)) {
		w.done = true
		return
	}
	pad := 0
	if !w.cont {
		w.lead = 0
		if w.indent {
			for start+w.lead < len(w.text) && w.text[start+w.lead] == ' ' {
				w.lead++
			}
		}
	} else if w.indent {
		pad = min(w.lead+2, w.width/2)
	}
	room := max(w.width-pad, 1)
	cells, space := 0, -1
	for i := start; i < len(w.text); {
		c := w.text[i]
		if c == '\n' {
			w.add(span{start, i, pad}, i+1, false)
			return
		}
		size, cw := 1, 1
		if c >= utf8.RuneSelf {
			_, size = utf8.DecodeRuneInString(w.text[i:])
			cw = ansi.StringWidth(w.text[i : i+size])
		} else if c < ' ' || c == 0x7f {
			cw = 4 // shown escaped, as \x1b
		}
		if cells+cw > room && i > start {
			end := i
			if space > start+w.lead {
				end = space + 1
			}
			w.add(span{start, end, pad}, end, true)
			return
		}
		if c == ' ' {
			space = i
		}
		cells += cw
		i += size
	}
	w.add(span{start, len(w.text), pad}, len(w.text)+1, false)
	w.done = true
}

func (w *wrapped) add(s span, next int, cont bool) {
	w.rows = append(w.rows, s)
	w.next, w.cont = next, cont
}
