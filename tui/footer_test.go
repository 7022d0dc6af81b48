package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/replay"
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
	m.inv.playing = true
	if f := footer(m); !strings.HasPrefix(f, "esc stop • →/l next") {
		t.Fatalf("while playing, the footer says how to stop first: %q", f)
	}
}

// TestASmallTerminal is 60x15: the watches leave the changes room, and a
// long message takes lines of its own until the next key.
func TestASmallTerminal(t *testing.T) {
	m := investigating(t, 30)
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 60, Height: 15} })
	press(t, m, "w")
	typeText(t, m, "state.Balance")
	press(t, m, "enter", "l", "l")
	rows := func() int { return len(strings.Split(screen(m), "\n")) }
	s := screen(m)
	if !strings.Contains(s, "state.Balance = 60") || !strings.Contains(s, "~ state.Count  2 → 3") || rows() != 15 {
		t.Fatalf("one watch, the changes under it:\n%s", s)
	}
	golden(t, "watch", s)
	press(t, m, "w")
	typeText(t, m, "state.Count / 10")
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "state.Balance = 60 · 1 more (W)") || !strings.Contains(s, "~ state.Balance  30 → 60") {
		t.Fatalf("two watches on one line, and the changes:\n%s", s)
	}
	press(t, m, ":")
	typeText(t, m, "yesterday at noon")
	press(t, m, "enter")
	s = screen(m)
	golden(t, "long-error", s)
	if !strings.Contains(s, "(2026-05-30T12:00:00Z) or a date (2026-05-30)") || rows() != 15 {
		t.Fatalf("the whole error, on lines of its own:\n%s", s)
	}
	press(t, m, "esc")
	if s := screen(m); strings.Contains(s, "neither") || rows() != 15 || m.statusRows != 1 {
		t.Fatalf("esc: the message goes, the panes get their rows back:\n%s", s)
	}
	// 80x24: the diff pane has six rows, three for the watches.
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	if s := screen(m); !strings.Contains(s, "state.Count / 10 = 0") || !strings.Contains(s, "│─────") {
		t.Fatalf("two watches and a rule under them:\n%s", s)
	}
	for _, w := range []string{"state.Balance > 5", "event.Type == refund"} {
		press(t, m, "w")
		typeText(t, m, w)
		press(t, m, "enter")
	}
	s = screen(m)
	if !strings.Contains(s, "state.Count / 10 = 0") || !strings.Contains(s, "… 2 more (W lists them)") || !strings.Contains(s, "~ state.Balance  30 → 60") {
		t.Fatalf("four watches in three lines:\n%s", s)
	}
}

func TestAWatchWithNoValueSaysAbsent(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 5))
	cfg.Compile = func(source string) (Evaluator[account, deposit], error) {
		return func(s account, _ replay.Event[deposit]) (any, error) {
			if source == "typed nil" {
				return (*account)(nil), nil
			}
			return nil, nil
		}, nil
	}
	m := newModel(t, cfg, 120, 35)
	for _, w := range []string{"state.Missing", "typed nil"} {
		press(t, m, "w")
		typeText(t, m, w)
		press(t, m, "enter")
	}
	s := screen(m)
	if !strings.Contains(s, "state.Missing = absent") || !strings.Contains(s, "typed nil = absent") || strings.Contains(s, "<nil>") {
		t.Fatalf("watches with no value:\n%s", s)
	}
}

func TestAStreamWithNoNameLeavesNoEmptySeparators(t *testing.T) {
	log := replay.NewMemoryLog[deposit]()
	for range 3 {
		if _, err := log.Append(context.Background(), replay.Event[deposit]{Payload: deposit{Type: "deposit", Amount: 5}}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := typedConfig(t, log)
	cfg.Stream = ""
	m := newModel(t, cfg, 80, 24)
	press(t, m, "g", "l", "b", "enter")
	s := screen(m)
	if !strings.Contains(s, "╭─ events─") || !strings.Contains(s, "seq 2/3 · from") || strings.Contains(s, "·  ·") {
		t.Fatalf("an unnamed stream:\n%s", s)
	}
	if title := m.View().WindowTitle; title != "replaytui" {
		t.Fatalf("window title %q", title)
	}
	press(t, m, "B")
	if s := screen(m); !strings.Contains(s, "╭─ bookmarks─") {
		t.Fatalf("the bookmarks of an unnamed stream:\n%s", s)
	}
}

func TestABookmarkAndTheMarkOnOneSeqShowBoth(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 5)), 80, 24)
	press(t, m, "l", "b", "enter", "m")
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, "2  2026-05-30 12:02") {
			if !strings.Contains(l, "★▸") {
				t.Fatalf("seq 2, bookmarked and marked: %q", l)
			}
			return
		}
	}
	t.Fatalf("no row for seq 2:\n%s", screen(m))
}
