package tui

import (
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestTheStatusBarSaysWhyALogStoppedAndNeverThatItIsFollowed(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 5))
	cfg.Follow = true
	var stopped atomic.Bool
	var note atomic.Pointer[string]
	note.Store(new(string))
	cfg.Health = func() (bool, string) { return stopped.Load(), *note.Load() }
	m := newModel(t, cfg, 160, 30)
	// Health is polled off the UI loop, as the log is read: a tick polls.
	status := func() string {
		drive(t, m, func() tea.Msg { return tickMsg{} })
		return ansi.Strip(m.renderStatus())
	}
	if s := status(); !strings.HasSuffix(strings.TrimSpace(s), "following the log") {
		t.Fatalf("while following: %q", s)
	}
	rotated := "live.jsonl was replaced (rotated) at 12:00:03; following the new file"
	note.Store(&rotated)
	if s := status(); !strings.Contains(s, rotated) {
		t.Fatalf("after a rotation: %q", s)
	}
	gap := `live.jsonl:4: stream "acct" jumps from seq 3 (live.jsonl:3) to seq 5: seqs 4 to 4 are missing`
	note.Store(&gap)
	stopped.Store(true)
	s := status()
	if strings.Contains(s, "following") || !strings.Contains(s, "stopped: live.jsonl:4: stream") || !strings.HasPrefix(s, "seq 1/5") {
		t.Fatalf("after a gap: %q", s)
	}
	// Where we are stays in view beside a long reason.
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 60, Height: 30} })
	if s := status(); !strings.HasPrefix(s, "seq 1/5") || !strings.Contains(s, "stopped: live") || ansi.StringWidth(s) != 60 {
		t.Fatalf("narrow: %q", s)
	}
}
