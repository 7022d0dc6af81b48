package tui

import (
	"bytes"
	"encoding/json"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/internal/jsonscan"
)

// detailView shows one value whole, over the panes: a string as its
// text, anything else as indented JSON, wrapped to the width. It opens on
// the value under the cursor (v) and scrolls like a pane.
type detailView struct {
	*theme
	width, height int
	what          string // what it shows, in words: the title
	text          string // what y copies
	rows          wrapped
	top           int
	place         float64 // how far into the text the reader scrolled: kept across sizes
}

// newDetailView shows text; indented text (JSON) wraps its long lines
// under their indentation.
func newDetailView(t *theme, what, text string, indented bool) *detailView {
	return &detailView{theme: t, what: what, text: text, rows: newWrapped(text, 1, indented)}
}

// openDetail shows whole the value under the cursor: in the state pane
// the value at its path, in the changes pane the change on top, else the
// selected event.
func (m *Model[S, E]) openDetail() {
	var what, text string
	indented := true
	shown := m.s.shown
	switch sel := m.state.selected(); {
	case m.focus == paneState && sel != nil:
		path := sel.Path
		if path == "" {
			path = "."
		}
		what = fmt.Sprintf("the value at %s after seq %d", clean(path), m.state.seq)
		text, indented = readableValue(m.state.doc, m.state.folded, *sel)
	case m.focus == paneState:
		m.say("no value here to show")
		return
	case m.focus == paneDiff:
		ch, ok := m.diff.selected()
		if !ok {
			m.say("no change here to show")
			return
		}
		what, text = fmt.Sprintf("the change at %s by seq %d", clean(ch.Path), m.diff.seq), changeText(ch)
	case shown != nil && shown.seq > 0 && shown.event.Seq == shown.seq:
		what, text = fmt.Sprintf("the event at seq %d", shown.seq), readable(shown.line)
	default:
		m.say("no event here to show")
		return
	}
	m.detail = newDetailView(m.c.theme, what, text, indented)
	m.detail.SetSize(m.width, m.bodyHeight())
}

// changeText is a change whole: the value before it, and after.
func changeText(ch Change) string {
	switch {
	case ch.Kind == changes.Added:
		return "added:\n" + readable(ch.New)
	case ch.Kind == changes.Removed:
		return "removed:\n" + readable(ch.Old)
	}
	return "was:\n" + readable(ch.Old) + "\n\nnow:\n" + readable(ch.New)
}

// readable is a value's text as the detail view shows it: a JSON string
// as the text it holds, other JSON indented; anything else as it is.
func readable(text string) string {
	if len(text) > 0 && text[0] == '"' {
		if s, err := jsonscan.Unquote([]byte(text)); err == nil {
			return s
		}
	}
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(text), "", "  ") == nil {
		return buf.String()
	}
	return text
}

func (d *detailView) SetSize(w, h int) {
	d.width, d.height = w, h
	d.rows.resize(w - 2)
	if d.place > 0 {
		d.top = d.rows.rowHolding(d.place)
	}
}

// page is how many rows show.
func (d *detailView) page() int { return max(d.height-2, 1) }

// scroll moves by delta rows, never past the last page.
func (d *detailView) scroll(delta int) {
	top := max(d.top+delta, 0)
	d.rows.row(top+d.page(), d.width) // find the rows up to there, no further
	if n, all := d.rows.found(); all && top > n-d.page() {
		top = max(n-d.page(), 0)
	}
	d.top = top
	d.place = d.rows.progress(d.top)
}

// Update handles the keys of the detail view; it reports whether the view
// closes.
func (d *detailView) Update(msg tea.KeyPressMsg) (closed bool) {
	k := d.keys
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Detail):
		return true
	case key.Matches(msg, k.Down):
		d.scroll(1)
	case key.Matches(msg, k.Up):
		d.scroll(-1)
	case key.Matches(msg, k.PageDown):
		d.scroll(d.page() - 1)
	case key.Matches(msg, k.PageUp):
		d.scroll(-(d.page() - 1))
	case key.Matches(msg, k.First):
		d.top = 0
	case key.Matches(msg, k.Last):
		d.top = max(d.rows.count()-d.page(), 0)
	}
	d.place = d.rows.progress(d.top)
	return false
}

// View is the rows of the value that fit, in a box whose title says
// which rows of how many are shown.
func (d *detailView) View() string {
	var lines []string
	for i := d.top; i < d.top+d.page(); i++ {
		row, ok := d.rows.row(i, d.width)
		if !ok {
			break
		}
		lines = append(lines, row)
	}
	title := d.what
	n, all := d.rows.found()
	last := d.top + len(lines)
	switch {
	case all && n <= d.page():
	case all:
		title += fmt.Sprintf(" · rows %d–%d of %d", d.top+1, last, n)
	default:
		title += fmt.Sprintf(" · rows %d–%d · %.0f%%", d.top+1, last, 100*d.rows.progress(d.top))
	}
	return box(d.st, title, lines, d.width, d.height, true)
}
