package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// footer is the screen's last line.
func footer[S, E any](m *Model[S, E]) string {
	lines := strings.Split(screen(m), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

func TestTheFooterShowsTheKeysOfWhereTheFocusIs(t *testing.T) {
	m := investigating(t, 30)
	var got strings.Builder
	for _, width := range []int{120, 80, 60} {
		drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: width, Height: 24} })
		show := func(where string) {
			t.Helper()
			f := footer(m)
			if w := ansi.StringWidth(f); w > width {
				t.Errorf("%d columns, %s: the footer is %d wide: %q", width, where, w, f)
			}
			got.WriteString(where + " " + strings.Repeat("·", 12-len(where)) + " " + f + "\n")
		}
		got.WriteString("— " + strings.Repeat("─", width) + "\n")
		show("events")
		press(t, m, "tab")
		show("state")
		press(t, m, "tab")
		show("diff")
		press(t, m, "e", "tab")
		show("event")
		press(t, m, "e", "B")
		show("bookmarks")
		press(t, m, "?")
		show("help")
		press(t, m, "x")
		if m.list == nil {
			t.Fatal("closing the help from the bookmarks closed the bookmarks")
		}
		press(t, m, "esc", "W")
		show("watches")
		press(t, m, "esc", "s")
		show("streams")
		press(t, m, "esc", ":")
		show("prompt")
		press(t, m, "esc")
	}
	golden(t, "footers", got.String())
}
