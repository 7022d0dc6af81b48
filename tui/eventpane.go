package tui

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/replaytui/replaytui/replay"
)

// eventPane shows the selected event itself: its line, indented.
type eventPane struct {
	*theme
	width, height int
	focused       bool

	seq   replay.Seq
	lines []string // the event's text, one line each, not yet cut to width
	top   int
}

// show takes the event of a seek: line is its text (Config.Line).
func (p *eventPane) show(seq replay.Seq, line string) {
	if seq != p.seq {
		p.top = 0
	}
	p.seq = seq
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(clip(line, 1<<16)), "", "  ") == nil {
		line = buf.String()
	}
	p.lines = strings.Split(line, "\n")
}

func (p *eventPane) SetSize(w, h int) { p.width, p.height = w, h }

func (p *eventPane) scroll(delta int) {
	p.top = max(0, min(p.top+delta, len(p.lines)-1))
}

func (p *eventPane) View() string {
	var out []string
	for _, l := range p.lines[min(p.top, len(p.lines)):] {
		out = append(out, clean(clip(l, p.width)))
	}
	if p.seq == 0 {
		out = []string{p.st.dim.Render("no event: the initial state")}
	}
	return box(p.st, "event "+seqText(p.seq), out, p.width, p.height, p.focused)
}
