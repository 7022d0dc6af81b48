package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
)

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

type layout struct {
	events, state, diff rect
	tooSmall            bool
}

// Smallest usable terminal.
const minWidth, minHeight = 40, 10

// layout places the panes: the event list left and state over diff right
// on a wide terminal, all three stacked on a narrow one. Two lines at the
// bottom hold the status bar and the help line or the prompt.
func (m *Model[S, E]) layout() layout {
	w, h := m.width, m.height-2
	if m.width < minWidth || m.height < minHeight {
		return layout{tooSmall: true, events: rect{0, 0, max(w, 1), 3}, state: rect{0, 0, 1, 3}, diff: rect{0, 0, 1, 3}}
	}
	if w >= 100 {
		lw := max(48, w*9/20)
		sh := max(3, h*3/5)
		return layout{
			events: rect{0, 0, lw, h},
			state:  rect{lw, 0, w - lw, sh},
			diff:   rect{lw, sh, w - lw, h - sh},
		}
	}
	eh := max(3, h/3)
	sh := max(3, (h-eh)*3/5)
	return layout{
		events: rect{0, 0, w, eh},
		state:  rect{0, eh, w, sh},
		diff:   rect{0, eh + sh, w, h - eh - sh},
	}
}

// View draws the debugger.
func (m *Model[S, E]) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = fmt.Sprintf("%s — %s", m.cfg.Title, clean(string(m.stream)))
	return v
}

// render draws the screen as text; View wraps it, tests read it.
func (m *Model[S, E]) render() string {
	l := m.layout()
	if l.tooSmall {
		lines := wrap(fmt.Sprintf("replaytui needs at least %dx%d; this terminal is %dx%d", minWidth, minHeight, m.width, m.height), max(m.width, 1))
		return strings.Join(lines[:min(len(lines), max(m.height, 1))], "\n")
	}
	var body string
	switch m.overlay {
	case overlayHelp:
		body = m.renderHelp()
	case overlayBookmarks:
		body = m.renderBookmarks()
	case overlayStreams:
		body = m.renderStreams()
	case overlayWatches:
		body = m.renderWatches()
	case overlayBlame:
		body = m.renderBlame()
	default:
		events := m.renderEvents(l.events)
		state := m.renderState(l.state)
		diff := m.renderDiffPane(l.diff)
		if l.events.w == m.width {
			body = lipgloss.JoinVertical(lipgloss.Left, events, state, diff)
		} else {
			body = lipgloss.JoinHorizontal(lipgloss.Top, events, lipgloss.JoinVertical(lipgloss.Left, state, diff))
		}
	}
	return lipgloss.JoinVertical(lipgloss.Left, body, m.renderStatus(), m.renderBottom())
}

func (m *Model[S, E]) renderEvents(r rect) string {
	marks := m.cfg.Bookmarks.List(m.stream)
	var lines []string
	for i := 0; i < r.h-2; i++ {
		seq := m.listTop + replay.Seq(i)
		if m.lastFinal && seq > m.last {
			break
		}
		if !m.lastFinal && seq > m.last && m.last > 0 && i > 0 && seq > m.last+1 {
			break
		}
		ev, ok := m.event(seq)
		row := eventRow{seq: uint64(seq), loaded: ok}
		if ok {
			row.time, row.stream, row.summary = ev.Time, string(ev.Stream), m.cfg.Summary(ev)
		}
		lines = append(lines, renderEvent(m.st, row, r.w-2, seq == m.cursor, m.hasMark && seq == m.mark, m.bookmarkAt(marks, seq)))
	}
	if len(lines) == 0 {
		switch {
		case m.tl == nil:
			lines = []string{m.st.dim.Render("opening…")}
		case m.lastFinal:
			lines = []string{m.st.dim.Render("no events in this stream")}
		default:
			lines = []string{m.st.dim.Render("reading…")}
		}
	}
	title := fmt.Sprintf("events · %s", clean(string(m.stream)))
	return box(m.st, title, lines, r.w, r.h, m.focus == paneEvents)
}

func (m *Model[S, E]) renderState(r rect) string {
	title := "state"
	var lines []string
	switch {
	case !m.hasShown:
		lines = []string{m.st.dim.Render("folding…")}
	case m.shown.err != nil:
		title = fmt.Sprintf("state after seq %d", m.shown.seq)
		lines = m.renderFailure(r.w - 2)
	default:
		if m.cursor == 0 {
			title = "state before the first event"
		} else {
			title = fmt.Sprintf("state after seq %d", m.shown.seq)
		}
		rows, _ := m.shown.doc.Rows(m.folded, m.stateTop, r.h-2)
		for i, row := range rows {
			selected := m.focus == paneState && m.stateTop+i == m.stateRow
			match := m.search != "" && rowMatches(row, m.search)
			lines = append(lines, renderRow(m.st, row, r.w-2, selected, match))
		}
		if m.focus == paneState {
			if sel, _ := m.shown.doc.Rows(m.folded, m.stateRow, 1); len(sel) == 1 && sel[0].Path != "" {
				title += " · " + clean(sel[0].Path)
			}
		}
	}
	if m.seeking {
		title += " · folding…"
	}
	return box(m.st, title, lines, r.w, r.h, m.focus == paneState)
}

// renderFailure explains why there is no state at the selected seq.
func (m *Model[S, E]) renderFailure(width int) []string {
	err := m.shown.err
	var ae *replay.ApplyError
	lines := []string{m.st.statusErr.Render(fit("no state here", width))}
	if errors.As(err, &ae) {
		what := "failed"
		if ae.Panic != nil {
			what = "panicked"
		}
		lines = append(lines, wrap(fmt.Sprintf("apply %s at seq %d: %v", what, ae.Seq, ae.Err), width)...)
		if ae.Seq < m.shown.seq {
			lines = append(lines, "", m.st.dim.Render(fit(fmt.Sprintf("every state after seq %d needs that event; step back before it (g, ←, :%d)", ae.Seq-1, ae.Seq-1), width)))
		} else {
			lines = append(lines, "", m.st.dim.Render(fit("← shows the state before this event", width)))
		}
		return lines
	}
	return append(lines, wrap(err.Error(), width)...)
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

func (m *Model[S, E]) renderDiffPane(r rect) string {
	title := "changes"
	var lines []string
	if m.hasShown && len(m.shown.watches) > 0 {
		for _, w := range m.shown.watches {
			line := fmt.Sprintf("  %s = %s", clean(w.source), clean(w.value))
			if w.changed {
				line = m.st.changed.Render(fit("* "+line[2:], r.w-2))
			}
			lines = append(lines, line)
		}
		lines = append(lines, m.st.dim.Render(strings.Repeat("─", max(r.w-2, 0))))
	}
	switch {
	case !m.hasShown || m.shown.err != nil:
	case m.shown.mark != 0 || m.hasMark && m.shown.seq == 0:
		title = fmt.Sprintf("from the mark at seq %d to seq %d (%d)", m.shown.mark, m.shown.seq, len(m.shown.changes))
		lines = append(lines, renderDiff(m.st, m.shown.changes, r.w-2, r.h-2-len(lines), m.diffTop)...)
	case m.shown.seq == 0:
		lines = append(lines, m.st.dim.Render("the initial state"))
	default:
		title = fmt.Sprintf("changed by seq %d (%d)", m.shown.seq, len(m.shown.changes))
		lines = append(lines, renderDiff(m.st, m.shown.changes, r.w-2, r.h-2-len(lines), m.diffTop)...)
	}
	if len(m.watches) > 0 {
		title = "watches · " + title
	}
	return box(m.st, title, lines, r.w, r.h, m.focus == paneDiff)
}

func (m *Model[S, E]) renderWatches() string {
	lines := []string{m.st.dim.Render("enter: edit · d: delete · esc: close · w adds one"), ""}
	if len(m.watches) == 0 {
		lines = append(lines, "no watches yet: w watches an expression over state and event, e.g. state.balance")
	}
	for i, w := range m.watches {
		value := ""
		if m.hasShown && i < len(m.shown.watches) {
			value = " = " + m.shown.watches[i].value
		}
		line := fit(clean(w.source+value), m.width-2)
		if i == m.listIndex {
			line = m.st.selected.Render(line)
		}
		lines = append(lines, line)
	}
	return box(m.st, "watches", lines, m.width, m.height-2, true)
}

func (m *Model[S, E]) renderBlame() string {
	lines := []string{m.st.dim.Render("every event that changed the value, oldest first · enter: go to · esc: close"), ""}
	h := m.height - 6
	start := max(0, m.listIndex-h+1)
	for i := start; i < len(m.blameList) && i < start+h; i++ {
		e := m.blameList[i]
		change := e.Old + " → " + e.New
		switch e.Kind {
		case "added":
			change = "+ " + e.New
		case "removed":
			change = "- " + e.Old
		}
		line := fit(clean(fmt.Sprintf("%7d  %s  %-14s %s  %s", e.Seq, formatTime(e.Event.Time), e.Summary, e.Path, change)), m.width-2)
		if i == m.listIndex {
			line = m.st.selected.Render(line)
		}
		lines = append(lines, line)
	}
	return box(m.st, fmt.Sprintf("history (%d changes)", len(m.blameList)), lines, m.width, m.height-2, true)
}

// renderStatus is the status bar: where we are, what the last seek cost,
// and what runs in the background.
func (m *Model[S, E]) renderStatus() string {
	total := fmt.Sprint(m.last)
	if !m.lastFinal {
		total += "+"
	}
	parts := []string{fmt.Sprintf("seq %d/%s", m.cursor, total), clean(string(m.stream))}
	if m.hasShown {
		c := m.shown.cost
		parts = append(parts, fmt.Sprintf("from %s@%d +%d folded in %s", c.Origin, c.From, c.Folded, c.Took.Round(time.Microsecond)))
	}
	right, rightStyle := "", m.st.dim
	stopped, note := false, ""
	if m.cfg.Health != nil {
		stopped, note = m.cfg.Health()
	}
	switch {
	case stopped:
		// Not "following": the log will not grow, and the user must know
		// why.
		right, rightStyle = "stopped: "+clean(note), m.st.statusErr
	case m.job != nil:
		right = fmt.Sprintf("%s: seq %d… (esc stops)", m.job.what, m.job.reached.Load())
	case m.playing:
		right = fmt.Sprintf("▶ playing, a step every %s (space stops)", m.playEvery)
	case m.cfg.Follow && m.caughtUp() && note != "":
		right = clean(note)
	case m.cfg.Follow && m.caughtUp():
		right = "following the log"
	case !m.lastFinal && m.cfg.Reading != nil:
		if done, all := m.cfg.Reading(); all > 0 {
			right = "reading " + bar(float64(done)/float64(all), 12)
		} else {
			right = fmt.Sprintf("reading… %d MB", done>>20)
		}
	case !m.lastFinal:
		right = "reading the log…"
	case m.keyframes != nil && m.keyframes.running.Load():
		done, all := m.keyframes.done.Load(), max(m.keyframes.total.Load(), 1)
		right = "keyframes " + bar(float64(done)/float64(all), 12)
	case m.verifying:
		right = "checking bookmarks…"
	case note != "":
		right, rightStyle = clean(note), m.st.statusErr // a problem with the log, such as a cut last line
	}
	left := strings.Join(parts, " · ")
	if m.promptFor != promptNone && m.promptErr != "" {
		first, _, _ := strings.Cut(m.promptErr, "\n")
		left = m.st.statusErr.Render(clean(first))
	} else if m.message != "" {
		style := m.st.status
		if m.messageErr {
			style = m.st.statusErr
		}
		left += " · " + style.Render(clean(m.message))
	}
	if note != "" {
		// A long reason leaves room for where we are.
		right = fit(right, min(lipgloss.Width(right), max(m.width*2/3, 20)))
	}
	width := m.width - lipgloss.Width(right) - 1
	return fit(m.st.status.Render(fit(left, max(width, 0)))+" "+rightStyle.Render(right), m.width)
}

// bar draws a progress bar of width cells.
func bar(frac float64, width int) string {
	n := int(frac * float64(width))
	n = max(0, min(n, width))
	return "[" + strings.Repeat("█", n) + strings.Repeat("░", width-n) + fmt.Sprintf("] %3.0f%%", frac*100)
}

// caughtUp reports that a followed log has been read to its end so far.
func (m *Model[S, E]) caughtUp() bool {
	if m.cfg.Reading == nil {
		return true
	}
	done, total := m.cfg.Reading()
	return total < 0 || done >= total
}

// renderBottom is the prompt when one is open, else the short help.
func (m *Model[S, E]) renderBottom() string {
	if m.promptFor != promptNone {
		return fit(m.st.prompt.Render(m.prompt.View()), m.width)
	}
	return fit(m.help.ShortHelpView(m.keys.ShortHelp()), m.width)
}

func (m *Model[S, E]) renderHelp() string {
	h := m.help
	h.ShowAll = true
	lines := strings.Split(h.FullHelpView(m.keys.FullHelp()), "\n")
	lines = append(lines, "",
		"The event list is on the left; the state after the selected event and",
		"what that event changed are on the right. tab moves between them; in the",
		"state pane, enter folds and unfolds, and the title shows the path.",
		"Bookmarks (b) are saved beside the log and speed up seeking next time.",
		"", "any key closes this help")
	l := m.layout()
	return box(m.st, "help", lines, m.width, l.events.h+max(0, m.height-2-l.events.h), true)
}

func (m *Model[S, E]) renderBookmarks() string {
	marks := m.cfg.Bookmarks.List(m.stream)
	lines := []string{m.st.dim.Render("enter: go to · m: mark (then enter on another: the diff between them) · r: rename · d: delete · esc: close"), ""}
	if len(marks) == 0 {
		lines = append(lines, "no bookmarks in this stream yet: b bookmarks the selected seq")
	}
	for i, b := range marks {
		status := ""
		switch b.Status {
		case bookmarks.Stale:
			status = "  STALE, not used: " + b.Reason
		case bookmarks.Unverified:
			status = "  (checking)"
		}
		line := fmt.Sprintf("%7d  %s  %s%s", b.Seq, formatTime(b.Time), clean(b.Note), clean(status))
		line = fit(line, m.width-2)
		if i == m.listIndex {
			line = m.st.selected.Render(line)
		}
		lines = append(lines, line)
	}
	// A reason can be longer than the line has room for: the selected
	// bookmark's is shown whole.
	if m.listIndex < len(marks) && marks[m.listIndex].Status == bookmarks.Stale {
		b := marks[m.listIndex]
		why := fmt.Sprintf("seq %d is not used as a checkpoint: %s", b.Seq, b.Reason)
		for _, l := range wrap(clean(why), m.width-2) {
			lines = append(lines, m.st.dim.Render(l))
		}
	}
	if p := m.cfg.Bookmarks.Path(); p != "" {
		lines = append(lines, "", m.st.dim.Render("saved in "+clean(p)))
	} else {
		lines = append(lines, "", m.st.dim.Render("kept for this session only (the log has no file beside which to save them)"))
	}
	return box(m.st, "bookmarks · "+clean(string(m.stream)), lines, m.width, m.height-2, true)
}

func (m *Model[S, E]) renderStreams() string {
	lines := []string{m.filter.View(), ""}
	list := m.filteredStreams()
	if len(m.streams) == 0 {
		lines = append(lines, "listing streams…")
	}
	h := m.height - 6
	start := max(0, m.listIndex-h+1)
	for i := start; i < len(list) && i < start+h; i++ {
		s := list[i]
		line := fmt.Sprintf("%-30s %8d events  %s … %s", clean(string(s.Key)), s.Events, formatTime(s.First), formatTime(s.Last))
		line = fit(line, m.width-2)
		if i == m.listIndex {
			line = m.st.selected.Render(line)
		}
		lines = append(lines, line)
	}
	return box(m.st, fmt.Sprintf("streams (%d of %d)", len(list), len(m.streams)), lines, m.width, m.height-2, true)
}
