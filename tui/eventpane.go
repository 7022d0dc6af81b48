package tui

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/replay"
)

// eventShown is how much of an event the pane lays out; v shows the rest.
// An event up to eventIndented is indented first: json.Indent takes about
// 30 ms a MiB here, which a rare large event may cost a frame.
const eventShown, eventIndented = 1 << 20, 2 << 20

// eventPane shows the selected event itself, indented, its long values
// wrapped; scrolled sideways (>), its lines are not wrapped but cut at
// the left.
type eventPane struct {
	*theme
	width, height int
	focused       bool

	seq    replay.Seq
	origin string // in the global order: the event's own stream and seq
	text   string // the event's text, indented
	cut    int    // bytes of the event left out of text
	rows   wrapped
	top    int
	left   int // cells scrolled sideways
}

// show takes the event of a seek: line is its text (Config.Line).
func (p *eventPane) show(seq replay.Seq, line string) {
	if seq != p.seq {
		p.top = 0
	}
	p.seq, p.cut = seq, 0
	// Indented whole, then cut: a cut event is no JSON to indent. Past
	// eventIndented, indenting would hold the frame up; the start of the
	// line is shown as it is.
	var buf bytes.Buffer
	if len(line) <= eventIndented && json.Indent(&buf, []byte(line), "", "  ") == nil {
		line = buf.String()
	}
	if len(line) > eventShown {
		shown := clip(line, eventShown/16) // clip's limit is 16 bytes a cell
		p.cut = len(line) - len(shown) + len("…")
		line = shown
	}
	p.text = line
	p.layOut()
}

func (p *eventPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layOut()
}

// layOut breaks the text into rows: wrapped to the width, or one a line
// when scrolled sideways.
func (p *eventPane) layOut() {
	width := p.width - 2
	if p.left > 0 {
		width = noWrap
	}
	switch {
	case p.rows.text != p.text:
		p.rows = newWrapped(p.text, width, true)
	case p.rows.width != max(width, 1):
		at := p.rows.progress(p.top)
		p.rows = newWrapped(p.text, width, true)
		p.top = p.rows.rowHolding(at) // stay on the line the reader was on
	}
}

func (p *eventPane) scroll(delta int) {
	top := max(p.top+delta, 0)
	if _, ok := p.rows.row(top, 0); !ok {
		n, _ := p.rows.found()
		top = max(n-1, 0)
	}
	p.top = top
}

// scrollSideways moves the view delta cells right (left when negative),
// no further than the widest line on screen needs; back at the left edge,
// long lines wrap again. It reports whether the view moved.
func (p *eventPane) scrollSideways(delta int) bool {
	was, inner := p.left, p.width-2
	p.left = 1 // lay the lines out unwrapped, to measure them
	p.layOut()
	widest := 0
	for i := p.top; i < p.top+max(p.height-2, 1); i++ {
		row, ok := p.rows.row(i, maxValueText+inner)
		if !ok {
			break
		}
		widest = max(widest, ansi.StringWidth(row))
	}
	p.left = max(0, min(was+delta, widest-inner))
	p.layOut()
	p.scroll(0)
	return p.left != was
}

// sizeText is a number of bytes for a person: 912 bytes, 9.0 MB.
func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return plural(n, "byte")
}

func (p *eventPane) View() string {
	var out []string
	inner := p.width - 2
	for i := p.top; i < p.top+max(p.height-2, 1); i++ {
		row, ok := p.rows.row(i, p.left+inner)
		if !ok {
			break
		}
		if p.left > 0 {
			row = ansi.Cut(row, p.left, p.left+inner)
		}
		out = append(out, row)
	}
	title := "event " + seqText(p.seq)
	if p.origin != "" {
		title += " · " + p.origin
	}
	if p.cut > 0 {
		title += fmt.Sprintf(" · %s more: v shows it whole", sizeText(p.cut))
	}
	if p.left > 0 {
		title += fmt.Sprintf(" · →%d", p.left)
	}
	if p.seq == 0 {
		out = []string{p.st.dim.Render("no event: the initial state")}
	}
	return box(p.st, title, out, p.width, p.height, p.focused)
}
