package tui

import (
	"cmp"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/replay"
)

// statePane shows the state after the selected event as rows that fold.
// Its cursor follows a path, not a row number: when a step adds a member
// above it, it stays on the value it was on.
type statePane struct {
	*theme
	width, height int
	focused       bool

	doc     Doc
	seq     replay.Seq
	title   string // when there is no state to show: why
	failure []string
	folded  map[string]bool
	total   int    // rows in all, with the folds
	row     int    // the selected row
	top     int    // the first row shown
	path    string // the selected row's path, which the cursor follows
	rows    []Row  // the rows on screen, laid out when something changes
	changed map[string]bool
	search  string
	left    int // cells scrolled sideways
	// side titles the pane when it shows one of two states (Config.Against)
	side string
}

func newStatePane(t *theme) statePane {
	return statePane{theme: t, folded: map[string]bool{}}
}

func (p *statePane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layOut()
}

// reset forgets folds and the cursor: another stream.
func (p *statePane) reset() {
	*p = statePane{theme: p.theme, width: p.width, height: p.height, focused: p.focused, folded: map[string]bool{}, side: p.side}
}

// show takes the state of a seek, keeping the cursor on its path.
func (p *statePane) show(doc Doc, seq replay.Seq, changed []Change) {
	p.doc, p.seq, p.failure = doc, seq, nil
	p.changed = map[string]bool{}
	for _, c := range changed {
		// Go states are compared from "state"; their rows start at "".
		p.changed[strings.TrimPrefix(c.Path, "state")] = true
	}
	if p.path != "" {
		if i, ok := findPath(doc, p.folded, p.path); ok {
			p.row = i
		}
	}
	p.layOut()
}

// fail shows why there is no state at seq.
func (p *statePane) fail(seq replay.Seq, lines []string) {
	p.seq, p.failure, p.doc, p.rows = seq, lines, nil, nil
}

// findPath is the row of path, or of its nearest ancestor on show (a
// value inside a folded one, or one the step removed).
func findPath(doc Doc, folded map[string]bool, path string) (int, bool) {
	if f, ok := doc.(pathFinder); ok {
		return f.Find(folded, path)
	}
	_, total := doc.Rows(folded, 0, 0)
	rows, _ := doc.Rows(folded, 0, total)
	best, found := 0, false
	for i, r := range rows {
		switch {
		case r.Path == path && (r.Key != "" || i == 0):
			return i, true
		case r.Key != "" && isAncestor(r.Path, path):
			best, found = i, true
		}
	}
	return best, found
}

// pathFinder is a Doc that finds a path's row without laying out rows.
type pathFinder interface {
	Find(folded map[string]bool, path string) (int, bool)
}

// isAncestor reports whether the value at path a holds the one at b.
func isAncestor(a, b string) bool {
	if a == "." || a == "" {
		return b != a
	}
	return len(b) > len(a) && strings.HasPrefix(b, a) && (b[len(a)] == '.' || b[len(a)] == '[')
}

// move goes down (or up) delta rows.
func (p *statePane) move(delta int) {
	p.row += delta
	p.clamp()
	p.follow()
}

func (p *statePane) clamp() {
	p.row = max(0, min(p.row, p.total-1))
	h := max(p.height-2, 1)
	if p.row < p.top {
		p.top = p.row
	}
	if p.row >= p.top+h {
		p.top = p.row - h + 1
	}
	p.top = max(0, min(p.top, max(p.total-h, 0)))
}

// follow remembers the path of the selected row.
func (p *statePane) follow() {
	p.layOut()
	if sel := p.selected(); sel != nil {
		p.path = sel.Path
	}
}

// layOut computes the rows on screen. Counting the rows walks the whole
// state, so it is done once, with the rows, and again only when the
// count moves the view.
func (p *statePane) layOut() {
	if p.doc == nil {
		return
	}
	h := max(p.height-2, 1)
	top := p.top
	p.rows, p.total = p.doc.Rows(p.folded, p.top, h)
	p.clamp()
	if p.top != top {
		p.rows, p.total = p.doc.Rows(p.folded, p.top, h)
	}
}

// selected is the row under the cursor, if on screen.
func (p *statePane) selected() *Row {
	if i := p.row - p.top; i >= 0 && i < len(p.rows) {
		return &p.rows[i]
	}
	return nil
}

// toggleFold folds or unfolds the value under the cursor.
func (p *statePane) toggleFold() {
	sel := p.selected()
	if sel == nil || !sel.Foldable {
		return
	}
	p.folded[sel.ID] = !p.folded[sel.ID]
	p.layOut()
}

// scroll moves the view by delta rows, the cursor with it when it would
// leave the screen (the mouse wheel).
func (p *statePane) scroll(delta int) {
	p.top = max(0, p.top+delta)
	p.row = max(p.row, p.top)
	p.move(0)
}

// scrollSideways moves the rows delta cells right (left when negative),
// no further than the widest row on screen needs; it reports whether
// they moved.
func (p *statePane) scrollSideways(delta int) bool {
	was, widest := p.left, 0
	for _, r := range p.rows {
		w := 2*r.Depth + 2 + ansi.StringWidth(clean(r.Text))
		if r.Key != "" {
			w += ansi.StringWidth(clean(r.Key)) + 2
		}
		widest = max(widest, w)
	}
	p.left = max(0, min(p.left+delta, widest-(p.width-2)))
	return p.left != was
}

// clickRow selects row y of the pane (0 is its top border).
func (p *statePane) clickRow(y int) {
	if y >= 1 {
		p.row = p.top + y - 1
		p.move(0)
	}
}

// Update handles the keys of the focused state pane.
func (p *statePane) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || p.doc == nil {
		return nil
	}
	keys := p.keys
	switch {
	case key.Matches(k, keys.Down):
		p.move(1)
	case key.Matches(k, keys.Up):
		p.move(-1)
	case key.Matches(k, keys.PageDown):
		p.move(max(p.height-3, 1))
	case key.Matches(k, keys.PageUp):
		p.move(-max(p.height-3, 1))
	case key.Matches(k, keys.Fold):
		p.toggleFold()
	}
	return nil
}

// nextMatch selects the next row (or the previous) that holds text; it
// reports the match's position among all of them, or 0 when none does.
func (p *statePane) nextMatch(text string, backward bool) (n, of int) {
	if p.doc == nil || p.total == 0 {
		return 0, 0
	}
	rows, _ := p.doc.Rows(p.folded, 0, p.total)
	var matches []int
	for i, r := range rows {
		if rowMatches(r, text) {
			matches = append(matches, i)
		}
	}
	if len(matches) == 0 {
		return 0, 0
	}
	pick := -1
	for i, r := range matches {
		if !backward && r > p.row {
			pick = i
			break
		}
		if backward && r < p.row {
			pick = i
		}
	}
	if pick < 0 { // wrap around
		pick = map[bool]int{false: 0, true: len(matches) - 1}[backward]
	}
	p.row = matches[pick]
	p.move(0)
	return pick + 1, len(matches)
}

// isChanged reports a row whose value the event changed: its own path,
// or, for a value shown on one line, a path inside it.
func (p *statePane) isChanged(r Row) bool {
	if r.Key == "" && r.Depth > 0 || len(p.changed) == 0 {
		return false // a closing bracket
	}
	if p.changed[r.Path] {
		return true
	}
	if r.Foldable {
		return false
	}
	for c := range p.changed {
		if isAncestor(r.Path, c) {
			return true
		}
	}
	return false
}

func (p *statePane) View() string {
	st := p.st
	title := "state"
	var lines []string
	switch {
	case p.failure != nil:
		title = cmp.Or(p.side, "state after seq "+seqText(p.seq))
		lines = p.failure
	case p.doc == nil:
		lines = []string{st.dim.Render("folding…")}
	default:
		if p.seq == 0 {
			title = "state before the first event"
		} else {
			title = "state after seq " + seqText(p.seq)
		}
		for i, row := range p.rows {
			selected := p.focused && p.top+i == p.row
			match := p.search != "" && rowMatches(row, p.search)
			lines = append(lines, renderRow(st, row, p.width-2, p.left, selected, match, p.isChanged(row)))
		}
		if p.side != "" {
			title = p.side
		}
		if sel := p.selected(); p.focused && sel != nil && sel.Path != "" {
			title += " · " + clean(sel.Path)
		}
		if p.left > 0 {
			title += fmt.Sprintf(" · →%d", p.left)
		}
	}
	return box(st, title, lines, p.width, p.height, p.focused)
}
