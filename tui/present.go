package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/internal/termtext"
	"github.com/replaytui/replaytui/replay"
)

// Presentation: pure functions from values and a width to strings. They
// never see the terminal; View composes them.

// clean makes text from events and states safe to print, as everything
// replaytui shows is: controls and bidirectional overrides are shown
// escaped, never sent (see termtext).
var clean = termtext.Clean

// streamTitle is how a stream is named on screen: the global order of
// streams (replay.GlobalKey) is described, not shown by its key.
func streamTitle(key replay.StreamKey) string {
	streams, ok := replay.GlobalStreams(key)
	switch {
	case !ok:
		return clean(string(key))
	case len(streams) == 0:
		return "(all streams, global order)"
	}
	names := make([]string, len(streams))
	for i, s := range streams {
		names[i] = clean(string(s))
	}
	return "(global order of " + strings.Join(names, ", ") + ")"
}

// fit cuts s to width cells, with an ellipsis when it was longer, and pads
// it to width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if pad := width - w; pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// formatTime shows an event time, to the second, in UTC.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// hasClock says whether t has a time of day: events dated at midnight
// UTC, as logs of dates are read, have none.
func hasClock(t time.Time) bool {
	h, m, s := t.UTC().Clock()
	return h != 0 || m != 0 || s != 0
}

// rowTime is a row's time and the space after it: to the second, or the
// date alone in a list whose events have no time of day; "-" for none,
// as wide, so that the summaries line up; nothing in a list whose events
// have no time.
func rowTime(r eventRow) string {
	if !r.dated {
		return ""
	}
	layout := "2006-01-02"
	if r.clock {
		layout = "2006-01-02 15:04:05"
	}
	if r.time.IsZero() {
		return "-" + strings.Repeat(" ", len(layout)-1) + "  "
	}
	return r.time.UTC().Format(layout) + "  "
}

// eventRow is what the event list shows of one event.
type eventRow struct {
	seq     uint64
	time    time.Time
	dated   bool // show the time
	clock   bool // to the second
	summary string
	loaded  bool
	match   bool   // the event matches the search
	id      string // "id 3": the log's own id of the event, when it has ids
	// stream is the event's own stream, shown in a column streamWidth
	// cells wide when it is not 0: in the global order of many streams
	stream      string
	streamWidth int
}

// rowStream is a row's stream column and the space after it; nothing
// when the list has no such column.
func rowStream(r eventRow) string {
	if r.streamWidth == 0 {
		return ""
	}
	return fit(clean(r.stream), r.streamWidth) + "  "
}

// summaryRoom is how many cells a row of width leaves its summary, after
// the flags, the seq and the time renderEvent puts before it.
func summaryRoom(r eventRow, width int) int {
	return width - 2 - len(fmt.Sprintf("%7d", r.seq)) - 2 - len(rowID(r)) - len(rowTime(r)) - r.streamWidth - min(r.streamWidth, 2)
}

// rowID is the event's own id and the room after it, when it has one.
func rowID(r eventRow) string {
	if r.id == "" {
		return ""
	}
	return r.id + "  "
}

// renderEvent renders one row of the event list: a bookmark flag, a mark
// flag, the seq, the time and the summary. The parts are styled first and
// the line is cut after, by cells, so that a cut never splits a character
// or a colour.
func renderEvent(st *styles, r eventRow, width int, selected, marked, bookmarked bool) string {
	if !r.loaded {
		return st.dim.Render(fit(fmt.Sprintf("  %7d  …", r.seq), width))
	}
	flags := " "
	if bookmarked {
		flags = "★"
	}
	if marked {
		flags += "▸"
	} else {
		flags += " "
	}
	seq := fmt.Sprintf("%7d", r.seq)
	rest := "  " + rowID(r) + rowTime(r) + rowStream(r) + clean(r.summary)
	if r.streamWidth > 0 && !selected && !r.match {
		rest = "  " + rowID(r) + rowTime(r) + st.dim.Render(rowStream(r)) + clean(r.summary)
	}
	if selected {
		return st.selected.Render(fit(flags+seq+rest, width))
	}
	if r.match {
		return fit(flags+st.match.Render(seq)+rest, width)
	}
	return fit(flags+st.seq.Render(seq)+rest, width)
}

// renderDiff renders the changes an event made, one a line, coloured by
// kind, cut to width; the first, when selected, is the one v shows.
func renderDiff(st *styles, list []Change, width, height, offset int, selected bool) []string {
	if len(list) == 0 {
		return []string{st.dim.Render(fit("no change", width))}
	}
	var lines []string
	for _, ch := range list[min(offset, len(list)):] {
		if len(lines) == height {
			break
		}
		// The values are cut before they are written: a change of a 50 MB
		// value costs a line, not the value.
		short := Change{Path: ch.Path, Kind: ch.Kind, Old: clip(ch.Old, width), New: clip(ch.New, width)}
		style := st.changed
		switch ch.Kind {
		case changes.Added:
			style = st.added
		case changes.Removed:
			style = st.removed
		}
		if selected && len(lines) == 0 {
			style = st.selected
		}
		lines = append(lines, style.Render(fit(clean(short.String()), width)))
	}
	return lines
}

// renderRow renders one row of the state document, scrolled left cells
// sideways; changed marks a value the selected event changed.
func renderRow(st *styles, r Row, width, left int, selected, match, changed bool) string {
	indent := strings.Repeat("  ", min(r.Depth, (left+width)/2)) // the rest is off screen
	marker := "  "
	if r.Foldable {
		marker = "▾ "
		if r.Folded {
			marker = "▸ "
		}
	}
	key := ""
	if r.Key != "" {
		key = clean(r.Key) + ": "
	}
	line := indent + marker + key + clean(r.Text)
	if left > 0 {
		line = ansi.Cut(line, left, left+width)
	}
	line = fit(line, width)
	switch {
	case selected:
		return st.selected.Render(line)
	case match:
		return st.match.Render(line)
	case changed:
		return st.changed.Render(line)
	}
	return line
}

// box draws a titled pane of exactly width x height cells around lines.
func box(st *styles, title string, lines []string, width, height int, focused bool) string {
	border := st.pane
	if focused {
		border = st.focusedPane
	}
	inner := max(width-2, 0)
	body := make([]string, 0, max(height-2, 0))
	for _, l := range lines {
		if len(body) == height-2 {
			break
		}
		body = append(body, fit(l, inner))
	}
	for len(body) < height-2 {
		body = append(body, strings.Repeat(" ", inner))
	}
	t := fit(" "+title+" ", max(inner-2, 0))
	top := border.Render("╭─") + st.title.Render(strings.TrimRight(t, " ")) + border.Render(strings.Repeat("─", max(inner-1-ansi.StringWidth(strings.TrimRight(t, " ")), 0))+"╮")
	side := border.Render("│") // the same for every line: styled once
	out := make([]string, 0, len(body)+2)
	out = append(out, top)
	even := inner > 0 // else the top is wider than the rest
	for _, l := range body {
		out = append(out, side+l+side)
		even = even && strings.IndexByte(l, '\n') < 0
	}
	out = append(out, border.Render("╰"+strings.Repeat("─", inner)+"╯"))
	if !even {
		return lipgloss.JoinVertical(lipgloss.Left, out...)
	}
	// Every line is inner+2 cells wide already: nothing to pad, so no
	// line needs measuring again.
	return strings.Join(out, "\n")
}
