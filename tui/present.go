package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/internal/termtext"
)

// Presentation: pure functions from values and a width to strings. They
// never see the terminal; View composes them.

// clean makes text from events and states safe to print, as everything
// replaytui shows is: controls and bidirectional overrides are shown
// escaped, never sent (see termtext).
var clean = termtext.Clean

// fit cuts s to width cells, with an ellipsis when it was longer, and pads
// it to width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > width {
		s = ansi.Truncate(s, width, "…")
	}
	if pad := width - ansi.StringWidth(s); pad > 0 {
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

// eventRow is what the event list shows of one event.
type eventRow struct {
	seq     uint64
	time    time.Time
	stream  string
	summary string
	loaded  bool
}

// renderEvent renders one row of the event list.
func renderEvent(st *styles, r eventRow, width int, selected, marked, bookmarked bool) string {
	if !r.loaded {
		return st.dim.Render(fit(fmt.Sprintf(" %7d  …", r.seq), width))
	}
	flag := " "
	switch {
	case bookmarked && marked:
		flag = "◆"
	case bookmarked:
		flag = "★"
	case marked:
		flag = "▸"
	}
	seq := fmt.Sprintf("%7d", r.seq)
	// The summary comes before the stream, which every row of the list
	// shares: on a narrow screen it is the stream that is cut.
	head := fmt.Sprintf("%s%s  %s  ", flag, seq, formatTime(r.time))
	tail := clean(r.summary) + "  "
	line := fit(head+tail+clean(r.stream), width)
	if selected {
		return st.selected.Render(line)
	}
	n := len(flag) + len(seq)
	if len(line) < n || ansi.StringWidth(line) < ansi.StringWidth(head)+ansi.StringWidth(tail) {
		return st.seq.Render(line[:min(n, len(line))]) + line[min(n, len(line)):]
	}
	cut := len(head) + len(tail)
	return st.seq.Render(line[:n]) + line[n:cut] + st.dim.Render(line[cut:])
}

// renderDiff renders the changes an event made, one a line, coloured by
// kind, cut to width.
func renderDiff(st *styles, changes []Change, width, height, offset int) []string {
	if len(changes) == 0 {
		return []string{st.dim.Render(fit("no change", width))}
	}
	var lines []string
	for _, ch := range changes[min(offset, len(changes)):] {
		if len(lines) == height {
			break
		}
		path := clean(ch.Path)
		var line string
		switch ch.Kind {
		case "added":
			line = st.added.Render(fit("+ "+path+"  "+clean(clip(ch.New, width)), width))
		case "removed":
			line = st.removed.Render(fit("- "+path+"  "+clean(clip(ch.Old, width)), width))
		default:
			line = st.changed.Render(fit("~ "+path+"  "+clean(clip(ch.Old, width))+" → "+clean(clip(ch.New, width)), width))
		}
		lines = append(lines, line)
	}
	return lines
}

// renderRow renders one row of the state document.
func renderRow(st *styles, r Row, width int, selected, match bool) string {
	indent := strings.Repeat("  ", min(r.Depth, width/2)) // the rest is off screen
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
	text := clean(r.Text)
	line := fit(indent+marker+key+text, width)
	switch {
	case selected:
		return st.selected.Render(line)
	case match:
		return st.match.Render(line)
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
	out := []string{top}
	for _, l := range body {
		out = append(out, border.Render("│")+l+border.Render("│"))
	}
	out = append(out, border.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return lipgloss.JoinVertical(lipgloss.Left, out...)
}
