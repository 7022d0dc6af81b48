package tui

import (
	"bytes"
	"context"
	"encoding/base64"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// probed wraps the model for end-to-end tests: a probe message makes the
// program report what it shows, from its own goroutine.
type probed struct{ *Model[account, deposit] }

type snapshot struct {
	cursor, shown uint64
	count         int
	seeking       bool
	chart         uint64 // the chart's cursor; 0: no chart open
}

type probeMsg chan snapshot

func (p probed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ch, ok := msg.(probeMsg); ok {
		snap := snapshot{cursor: uint64(p.events.cursor)}
		if p.chart != nil {
			snap.chart = p.chart.cursor
		}
		if p.s != nil && p.s.shown != nil {
			snap.shown, snap.count, snap.seeking = uint64(p.s.shown.seq), p.s.shown.state.Count, p.s.seeking
		}
		ch <- snap
		return p, nil
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

// waitUntil probes the running program until cond holds.
func waitUntil(t *testing.T, tm *teatest.TestModel, cond func(snapshot) bool) snapshot {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ch := make(probeMsg, 1)
		tm.Send(ch)
		select {
		case s := <-ch:
			if cond(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the program never got there; it shows %+v", s)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the program does not answer")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// running starts the debugger on cfg in the real Bubble Tea runtime, at
// 120x35 with no colours, and waits for its first event.
func running(t *testing.T, cfg Config[account, deposit]) (*teatest.TestModel, *Model[account, deposit]) {
	t.Helper()
	m, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.shutdown)
	tm := teatest.NewTestModel(t, probed{m}, teatest.WithInitialTermSize(120, 35),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitUntil(t, tm, func(s snapshot) bool { return s.shown == 1 })
	return tm, m
}

// End to end: the real Bubble Tea runtime, with its own goroutines and
// timers, driven by keys.
func TestEndToEnd(t *testing.T) {
	tm, _ := running(t, typedConfig(t, ledger(t, 200)))
	for _, k := range "lllll" {
		tm.Send(tea.KeyPressMsg{Code: k, Text: string(k)})
	}
	waitUntil(t, tm, func(s snapshot) bool { return s.shown == 6 && s.count == 6 && !s.seeking })
	tm.Send(tea.KeyPressMsg{Code: ':', Text: ":"})
	tm.Type("150")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: 'h', Text: "h"})
	s := waitUntil(t, tm, func(s snapshot) bool { return s.shown == 149 && !s.seeking })
	if s.cursor != 149 || s.count != 149 {
		t.Fatalf("after :150 and a step back: %+v", s)
	}
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestEndToEndQuitsFromAnyScreen(t *testing.T) {
	m, err := New(context.Background(), typedConfig(t, ledger(t, 5)))
	if err != nil {
		t.Fatal(err)
	}
	defer m.shutdown()
	tm := teatest.NewTestModel(t, probed{m}, teatest.WithInitialTermSize(80, 24))
	tm.Send(tea.KeyPressMsg{Code: '?', Text: "?"})
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(probed)
	if !final.showHelp {
		t.Fatal("ctrl+c should quit straight from the help")
	}
}

// osc52 is what a program writes to put text on the terminal's clipboard.
func osc52(text string) []byte {
	return []byte("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)))
}

// Search and copy, end to end: / finds the first match and says where it
// is among all of them, n goes to the next, y puts the event on the
// clipboard through the terminal, and Y in the state pane the path.
func TestEndToEndSearchAndCopy(t *testing.T) {
	extra := make([]deposit, 200)
	extra[49] = deposit{Type: "refund", Amount: -5, Note: "chargeback"}
	extra[149] = deposit{Type: "refund", Amount: -7, Note: "chargeback again"}
	log := ledger(t, 200, extra...)
	tm, m := running(t, typedConfig(t, log))
	tm.Send(tea.KeyPressMsg{Code: '/', Text: "/"})
	tm.Type("chargeback")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitUntil(t, tm, func(s snapshot) bool { return s.shown == 50 && !s.seeking })
	tm.Send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	waitUntil(t, tm, func(s snapshot) bool { return s.shown == 150 && !s.seeking })
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("match 2/2")) },
		teatest.WithDuration(10*time.Second))

	events, err := log.Read(context.Background(), "acct", 150, 1)
	if err != nil {
		t.Fatal(err)
	}
	tm.Send(tea.KeyPressMsg{Code: 'y', Text: "y"})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, osc52(m.c.cfg.Line(events[0]))) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"})
	tm.Send(tea.KeyPressMsg{Code: 'Y', Text: "Y"})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, osc52(".Balance")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
