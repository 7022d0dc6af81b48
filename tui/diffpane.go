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
	inner := p.width - 2
	lines := p.watchLines(inner, p.height-2)
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

// watchLines are the watches' values, one a line, and a rule under them.
// They take at most half of the pane's rows, the changes the rest: when
// they do not fit, the last line says how many more W lists.
func (p *diffPane) watchLines(width, rows int) []string {
	if len(p.watches) == 0 {
		return nil
	}
	share := max(rows/2, 1)
	// A rule under them only when every watch fits above it: else the
	// line shows one more.
	rule := len(p.watches) < share
	n := share
	if rule {
		n = len(p.watches)
	}
	var lines []string
	for i, w := range p.watches {
		more := len(p.watches) - i - 1 // after this one
		if i == n-1 && more > 0 && i > 0 {
			lines = append(lines, p.st.dim.Render(fit(fmt.Sprintf("  … %d more (W lists them)", more+1), width)))
			break
		}
		head, value := "  "+clean(w.source)+" = ", clean(clip(w.value, width))
		if w.absent {
			value = p.st.dim.Render("absent")
		}
		if w.changed {
			head = p.st.changed.Render("* " + clean(w.source) + " = ")
			if !w.absent {
				value = p.st.changed.Render(value)
			}
		}
		if i == n-1 && more > 0 { // one line for them all
			value += p.st.dim.Render(fmt.Sprintf(" · %d more (W)", more))
		}
		lines = append(lines, fit(head+value, width))
		if i == n-1 {
			break
		}
	}
	if rule {
		lines = append(lines, p.st.dim.Render(strings.Repeat("─", max(width, 0))))
	}
	return lines
}

// text is the watch's value as shown.
func (w watchValue) text() string {
	if w.absent {
		return "absent"
	}
	return w.value
}
