package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

type layout struct {
	events, state, diff, event rect
	tooSmall                   bool
}

// Smallest usable terminal.
const minWidth, minHeight = 40, 10

// bodyHeight is the rows above the status bar.
func (m *Model[S, E]) bodyHeight() int { return m.height - 1 - max(m.statusRows, 1) }

// layout places the panes: the event list left and state over diff right
// on a wide terminal, all stacked on a narrow one; the event pane, when
// shown, takes the bottom of the right side (or of the stack). Below
// them are the status bar (a line, more while a long message shows) and
// the footer or the prompt.
func (m *Model[S, E]) layout() layout {
	w, h := m.width, m.bodyHeight()
	if m.width < minWidth || m.height < minHeight {
		r := rect{0, 0, max(w, 1), 3}
		return layout{tooSmall: true, events: r, state: r, diff: r, event: r}
	}
	if w >= 100 {
		lw := max(48, w*9/20)
		right := rect{lw, 0, w - lw, h}
		var l layout
		l.events = rect{0, 0, lw, h}
		if m.showEvent {
			eh := max(3, right.h/3)
			l.event = rect{lw, h - eh, w - lw, eh}
			right.h -= eh
		}
		sh := max(3, m.stateRows(right.h))
		l.state = rect{lw, 0, w - lw, sh}
		l.diff = rect{lw, sh, w - lw, right.h - sh}
		return l
	}
	var l layout
	eh := max(3, h/3)
	rest := h - eh
	if m.showEvent {
		evh := max(3, rest/3)
		l.event = rect{0, h - evh, w, evh}
		rest -= evh
	}
	sh := max(3, m.stateRows(rest))
	l.events = rect{0, 0, w, eh}
	l.state = rect{0, eh, w, sh}
	l.diff = rect{0, eh + sh, w, rest - sh}
	return l
}

// stateRows is the state pane's share of the rows it has with the diff:
// three fifths, half when the diff pane shows watches too.
func (m *Model[S, E]) stateRows(rows int) int {
	if m.c.cfg.Against != nil && m.width < 2*minSideWidth {
		return min(rows*4/5, rows-2) // two states, one over the other
	}
	if len(m.inv.watches) > 0 {
		return rows / 2
	}
	return rows * 3 / 5
}

// layOut gives every component its size.
func (m *Model[S, E]) layOut() {
	l := m.layout()
	m.events.SetSize(l.events.w, l.events.h)
	m.sizeStates(l.state.w, l.state.h)
	m.diff.SetSize(l.diff.w, l.diff.h)
	m.event.SetSize(l.event.w, l.event.h)
	if m.list != nil {
		m.list.SetSize(m.width, m.bodyHeight())
	}
	if m.chart != nil {
		m.chart.SetSize(m.width, m.bodyHeight())
	}
	if m.detail != nil {
		m.detail.SetSize(m.width, m.bodyHeight())
	}
}

// View draws the debugger.
func (m *Model[S, E]) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	stream := ""
	if m.s != nil {
		stream = streamTitle(m.s.stream)
	}
	v.WindowTitle = joinNonEmpty(" — ", m.c.cfg.Title, stream)
	return v
}

// render draws the screen as text; View wraps it, tests read it.
func (m *Model[S, E]) render() string {
	l := m.layout()
	if l.tooSmall {
		lines := wrap(fmt.Sprintf("%s needs at least %dx%d; this terminal is %dx%d", m.c.cfg.Title, minWidth, minHeight, m.width, m.height), max(m.width, 1))
		return strings.Join(lines[:min(len(lines), max(m.height, 1))], "\n")
	}
	var body string
	switch {
	case m.showHelp:
		body = m.renderHelp()
	case m.list != nil:
		body = m.list.View()
	case m.chart != nil:
		body = m.chart.View()
	case m.detail != nil:
		body = m.detail.View()
	default:
		right := []string{m.statesView(), m.diff.View()}
		if m.showEvent {
			right = append(right, m.event.View())
		}
		if l.events.w == m.width {
			body = lipgloss.JoinVertical(lipgloss.Left, append([]string{m.events.View()}, right...)...)
		} else {
			body = lipgloss.JoinHorizontal(lipgloss.Top, m.events.View(), lipgloss.JoinVertical(lipgloss.Left, right...))
		}
	}
	return lipgloss.JoinVertical(lipgloss.Left, body, m.renderStatus(), m.renderBottom())
}

// renderStatus is the status bar: where we are, what the last seek cost,
// what runs in the background, and the last message. A message too long
// for the line gets lines of its own, up to maxStatusRows in all.
func (m *Model[S, E]) renderStatus() string {
	return strings.Join(m.statusLines(), "\n")
}

const maxStatusRows = 3

// statusLines is the status bar, one line or more.
func (m *Model[S, E]) statusLines() []string {
	st := m.c.st
	if m.s == nil {
		if m.status.text == "" {
			return []string{fit("opening…", m.width)}
		}
		return m.messageLines(st.statusErr, clean(m.status.text), maxStatusRows)
	}
	s := m.s
	total := seqText(m.events.last)
	if !m.events.final {
		total += "+"
	}
	parts := []string{fmt.Sprintf("seq %d/%s", m.events.cursor, total)}
	if id := m.events.idText(m.events.cursor); id != "" {
		parts[0] += " (" + id + ")"
	}
	if s.stream != "" {
		parts = append(parts, streamTitle(s.stream))
	}
	if s.shown != nil {
		c := s.shown.cost
		parts = append(parts, fmt.Sprintf("from %s@%d +%d folded in %s", c.Origin, c.From, c.Folded, c.Took.Round(time.Microsecond)))
	}
	right, rightStyle := m.statusRight()
	where := strings.Join(parts, " · ")
	width := max(m.width-lipgloss.Width(right)-1, 0)
	line := func(left string) string {
		return fit(st.status.Render(fit(left, width))+" "+rightStyle.Render(right), m.width)
	}
	msg, msgStyle := "", st.status
	switch {
	case m.prompt.open && m.prompt.err != "":
		first, _, _ := strings.Cut(m.prompt.err, "\n")
		msg, msgStyle = clean(first), st.statusErr
	case m.status.text != "" && m.status.isErr:
		msg, msgStyle = clean(m.status.text), st.statusErr
	case m.status.text != "":
		msg = clean(m.status.text)
	}
	switch {
	case msg == "":
		return []string{line(where)}
	case m.prompt.open && m.prompt.err != "" && lipgloss.Width(msg) <= width:
		return []string{line(msgStyle.Render(msg))} // the error in place of where we are
	case lipgloss.Width(where+" · "+msg) <= width || m.height < minHeight+maxStatusRows:
		return []string{line(where + " · " + msgStyle.Render(msg))}
	}
	return append([]string{line(where)}, m.messageLines(msgStyle, msg, maxStatusRows-1)...)
}

// messageLines is msg wrapped to the width on at most rows lines, the
// last cut when it is longer still.
func (m *Model[S, E]) messageLines(style lipgloss.Style, msg string, rows int) []string {
	lines := wrap(msg, m.width)
	if len(lines) > rows {
		lines[rows-1] = strings.Join(lines[rows-1:], " ")
		lines = lines[:rows]
	}
	for i, l := range lines {
		lines[i] = style.Render(fit(l, m.width))
	}
	return lines
}

// statusRight is the right of the status bar: what runs in the
// background, or how reading the log went.
func (m *Model[S, E]) statusRight() (string, lipgloss.Style) {
	st, s := m.c.st, m.s
	right, rightStyle := "", st.dim
	health := s.reading
	switch {
	case m.inv.job != nil && m.inv.job.overStreams && m.inv.job.streams > 0:
		j := m.inv.job
		right = fmt.Sprintf("%s: %s/%s streams (esc stops)", j.what, thousands(j.streamsDone), thousands(j.streams))
	case m.inv.job != nil && m.inv.job.overStreams:
		right = m.inv.job.what + "… (esc stops)"
	case m.inv.job != nil:
		right = fmt.Sprintf("%s: seq %d… (esc stops)", m.inv.job.what, m.inv.job.reached)
	case m.inv.playing:
		right = fmt.Sprintf("▶ playing, a step every %s (space stops)", m.inv.playEvery)
	case health.stopped:
		// Not "following": the log will not grow, and the user must know
		// why.
		right, rightStyle = "stopped: "+clean(health.note), st.statusErr
	case s.seeking && s.shown != nil && s.shown.seq != m.events.cursor:
		right = "folding…"
	case m.c.cfg.Follow && health.note != "" && (health.total < 0 || health.done >= health.total):
		right = clean(health.note)
	case m.c.cfg.Follow && (health.total < 0 || health.done >= health.total):
		right = "following the log"
	case !m.events.final && health.total > 0:
		right = "reading " + bar(float64(health.done)/float64(health.total), 12)
	case !m.events.final && health.done > 0:
		right = fmt.Sprintf("reading… %d MB", health.done>>20)
	case !m.events.final:
		right = "reading the log…"
	case health.note != "":
		right, rightStyle = clean(health.note), st.statusErr // a problem with the log, such as a cut last line
	case s.keyframes.running():
		right = "keyframes " + bar(float64(s.keyframes.done)/float64(max(s.keyframes.total, 1)), 12)
	case s.checkingBookmarks:
		right = "checking bookmarks…"
	}
	if health.note != "" {
		// A long reason leaves room for where we are.
		right = fit(right, min(lipgloss.Width(right), max(m.width*2/3, 20)))
	}
	return right, rightStyle
}

// bar draws a progress bar of width cells.
func bar(frac float64, width int) string {
	n := int(frac * float64(width))
	n = max(0, min(n, width))
	return "[" + strings.Repeat("█", n) + strings.Repeat("░", width-n) + fmt.Sprintf("] %3.0f%%", frac*100)
}

// renderBottom is the prompt when one is open, else the footer.
func (m *Model[S, E]) renderBottom() string {
	if m.prompt.open {
		return m.prompt.View(m.width, m.footerKeys(inPrompt, m.width))
	}
	return m.footerKeys(m.place(), m.width)
}

// place is where the keys go now.
func (m *Model[S, E]) place() place {
	switch {
	case m.prompt.open:
		return inPrompt
	case m.showHelp:
		return inHelp
	case m.chart != nil:
		return inPlot
	case m.detail != nil:
		return inDetail
	}
	switch m.listKindOf() {
	case bookmarksList:
		return inBookmarks
	case watchesList:
		return inWatches
	case streamsList:
		return inStreams
	case blameList:
		return inHistory
	case foundList:
		return inFound
	}
	switch m.focus {
	case paneState:
		return inState
	case paneDiff:
		return inDiff
	case paneEvent:
		return inEvent
	}
	return inEvents
}

// footerKeys is the keys of p on one line of at most width cells: the
// less important ones go first when they do not all fit, and "? help"
// stays at the end where ? opens the help. "" when none fits.
func (m *Model[S, E]) footerKeys(p place, width int) string {
	k := m.c.keys
	keys := m.withAgainstKeys(p, k.footer(p))
	if m.s != nil && (m.inv.job != nil || m.inv.playing) && p < inHelp {
		keys = append([]key.Binding{short(k.Cancel, "esc", "stop")}, keys...)
	}
	var end []key.Binding
	if helpOpens(p) {
		end = []key.Binding{short(k.Help, "?", "help")}
	}
	h := m.help
	h.SetWidth(0) // fitting is done here, by dropping keys
	view := func(n int) string { return h.ShortHelpView(append(keys[:n:n], end...)) }
	// The line only grows with each key, so the most keys that fit are
	// found by halving, a few renders a frame instead of one a key.
	fits := sort.Search(len(keys)+1, func(n int) bool { return lipgloss.Width(view(n)) > width }) - 1
	if fits < 0 {
		return ""
	}
	return view(fits)
}

func (m *Model[S, E]) renderHelp() string {
	lines := helpColumns(m.c.st, m.helpGroups(), m.width-2)
	where := "The event list is on the left; the state after the selected event and what that event changed are on the right."
	if m.layout().events.w == m.width {
		where = "The event list is at the top; the state after the selected event and what that event changed are below it."
	}
	lines = append(lines, "")
	lines = append(lines, wrap(where+" tab moves between them; in the state pane, enter folds and unfolds, and the title shows the path. e shows the event itself, v the value under the cursor whole, and < > scroll the state and event panes sideways. p plots the value under the state pane's cursor over every seq, or, from another pane, the first watch (p in the watch list W plots that one). Bookmarks (b) are saved beside the log and speed up seeking next time.", m.width-2)...)
	lines = append(lines, "", "any other key closes this help")
	// Scroll when it does not fit: ↓ and ↑ move it, and the title says
	// there is more.
	h := m.bodyHeight() - 2
	top := max(0, min(m.helpTop, len(lines)-h))
	title := "help"
	if len(lines) > h {
		title = fmt.Sprintf("help · lines %d–%d of %d · ↓↑ scroll", top+1, min(top+h, len(lines)), len(lines))
	}
	return box(m.c.st, title, lines[top:], m.width, m.bodyHeight(), true)
}

// helpColumns lays the key groups out in columns, as many side by side
// as the width allows, the rest below: every key shows whatever the width.
func helpColumns(st *styles, groups [][]key.Binding, width int) []string {
	type column struct {
		lines []string
		width int
	}
	var cols []column
	for _, g := range groups {
		keyWidth := 0
		for _, b := range g {
			keyWidth = max(keyWidth, lipgloss.Width(b.Help().Key))
		}
		var c column
		for _, b := range g {
			h := b.Help()
			line := st.title.Render(h.Key) + strings.Repeat(" ", keyWidth-lipgloss.Width(h.Key)+1) + st.dim.Render(h.Desc)
			c.lines = append(c.lines, line)
			c.width = max(c.width, lipgloss.Width(line))
		}
		cols = append(cols, c)
	}
	var out []string
	for len(cols) > 0 {
		// Take as many columns as fit, at least one.
		n, used := 0, 0
		for n < len(cols) && (n == 0 || used+3+cols[n].width <= width) {
			used += cols[n].width + 3
			n++
		}
		rows := 0
		for _, c := range cols[:n] {
			rows = max(rows, len(c.lines))
		}
		for r := range rows {
			var line strings.Builder
			for _, c := range cols[:n] {
				cell := ""
				if r < len(c.lines) {
					cell = c.lines[r]
				}
				line.WriteString(cell + strings.Repeat(" ", c.width-lipgloss.Width(cell)+3))
			}
			out = append(out, strings.TrimRight(line.String(), " "))
		}
		out = append(out, "")
		cols = cols[n:]
	}
	return out[:len(out)-1]
}

// wrap breaks text into lines of at most width cells, at spaces where it
// can, sanitised.
func wrap(s string, width int) []string {
	s = clean(s)
	if width <= 0 {
		return []string{s}
	}
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		for len([]rune(word)) > width { // a word longer than a line
			if line != "" {
				out, line = append(out, line), ""
			}
			r := []rune(word)
			out, word = append(out, string(r[:width])), string(r[width:])
		}
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			out, line = append(out, line), word
		}
	}
	return append(out, line)
}
