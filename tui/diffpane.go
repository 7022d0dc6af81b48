package tui

import (
	"fmt"
	"strings"

	"github.com/replaytui/replaytui/replay"
)

// diffPane shows what the selected event changed (or what changed since
// the mark), with the watches' values above.
type diffPane struct {
	*theme
	width, height int
	focused       bool

	seq     replay.Seq
	mark    replay.Seq
	hasMark bool
	initial bool // the state before the first event: nothing changed it
	failed  bool // no state at seq: nothing to compare
	changes []Change
	watches []watchValue
	top     int
}

// show takes what a seek found.
func (p *diffPane) show(seq replay.Seq, changes []Change, watches []watchValue, mark replay.Seq, hasMark bool) {
	if seq != p.seq {
		p.top = 0
	}
	p.seq, p.changes, p.watches, p.mark, p.hasMark, p.failed = seq, changes, watches, mark, hasMark, false
	p.initial = seq == 0 && !hasMark
	p.top = max(0, min(p.top, len(changes)-1))
}

// clear shows nothing: there is no state at seq.
func (p *diffPane) clear(seq replay.Seq) {
	p.seq, p.changes, p.initial, p.hasMark, p.failed = seq, nil, false, false, true
}

func (p *diffPane) SetSize(w, h int) { p.width, p.height = w, h }

// scroll moves the list of changes by delta.
func (p *diffPane) scroll(delta int) {
	p.top = max(0, min(p.top+delta, len(p.changes)-1))
}

// selected is the change on top, which v shows whole.
func (p *diffPane) selected() (Change, bool) {
	if p.failed || p.initial || p.top >= len(p.changes) {
		return Change{}, false
	}
	return p.changes[p.top], true
}

func (p *diffPane) View() string {
	title := "changes"
	var lines []string
	inner := p.width - 2
	if len(p.watches) > 0 {
		for _, w := range p.watches {
			line := fit("  "+clean(w.source)+" = "+clean(clip(w.value, inner)), inner)
			if w.changed {
				line = p.st.changed.Render(fit("* "+clean(w.source)+" = "+clean(clip(w.value, inner)), inner))
			}
			lines = append(lines, line)
		}
		lines = append(lines, p.st.dim.Render(strings.Repeat("─", max(inner, 0))))
	}
	rest := p.height - 2 - len(lines)
	switch {
	case p.failed:
		lines = append(lines, p.st.dim.Render("no state, no changes"))
	case p.hasMark:
		title = fmt.Sprintf("from the mark at seq %d to seq %d (%s)", p.mark, p.seq, plural(len(p.changes), "change"))
		lines = append(lines, renderDiff(p.st, p.changes, inner, rest, p.top, p.focused)...)
	case p.initial:
		lines = append(lines, p.st.dim.Render("the initial state"))
	case p.seq > 0:
		title = fmt.Sprintf("changed by seq %d (%s)", p.seq, plural(len(p.changes), "change"))
		lines = append(lines, renderDiff(p.st, p.changes, inner, rest, p.top, p.focused)...)
	}
	if len(p.watches) > 0 {
		title = "watches · " + title
	}
	return box(p.st, title, lines, p.width, p.height, p.focused)
}
