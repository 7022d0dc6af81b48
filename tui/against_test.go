package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// bankAgainstDedupe opens testdata/bank.jsonl's stream with
// testdata/bank.jq against testdata/bank-dedupe.jq, which skips a
// transaction repeated by a client's retry: acct-bob's seq 7.
func bankAgainstDedupe(t *testing.T, stream replay.StreamKey, w, h int) *Model[any, jsonv.Payload] {
	t.Helper()
	log, err := jsonl.Open([]string{filepath.Join(pkgDir, "..", "testdata", "bank.jsonl")}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	if err := log.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	reducer := func(file string) replay.Apply[any, jsonv.Payload] {
		apply, _, err := reduce.ParseGuarded("jq:@"+filepath.Join(pkgDir, "..", "testdata", file), nil)
		if err != nil {
			t.Fatal(err)
		}
		return apply
	}
	cfg := jsonConfig(log)
	cfg.Stream = stream
	cfg.Apply, cfg.Against = reducer("bank.jq"), reducer("bank-dedupe.jq")
	cfg.ApplyName, cfg.AgainstName = "reduce jq:@bank.jq", "against jq:@bank-dedupe.jq"
	return newModel(t, cfg, w, h)
}

func TestTheNextDivergenceIsWhereTheTwoStatesStartToDiffer(t *testing.T) {
	m := bankAgainstDedupe(t, "acct-bob", 120, 35)
	press(t, m, "]")
	if m.events.cursor != 7 || m.status.text != "states differ first at seq 7: .balance -120 ≠ 80" {
		t.Fatalf("] from seq 1: seq %d, %q; want seq 7, the retried withdrawal", m.events.cursor, m.status.text)
	}
	// From a seq where they already differ, the next divergence needs
	// them to agree first: they never do again.
	press(t, m, "]")
	if m.events.cursor != 7 || m.status.text != "no divergence after seq 7: the states differ from there to the end (seq 9)" {
		t.Fatalf("] from seq 7: seq %d, %q", m.events.cursor, m.status.text)
	}
	press(t, m, "G", "[")
	if m.events.cursor != 7 || !strings.HasPrefix(m.status.text, "states differ first at seq 7") {
		t.Fatalf("[ from the end: seq %d, %q", m.events.cursor, m.status.text)
	}
	press(t, m, "[")
	if m.events.cursor != 7 || m.status.text != "no divergence before seq 7" {
		t.Fatalf("[ from seq 7: seq %d, %q", m.events.cursor, m.status.text)
	}
	press(t, m, "g", "]", "h", "h")
	if m.events.cursor != 5 {
		t.Fatalf("stepping back: seq %d", m.events.cursor)
	}

	alice := bankAgainstDedupe(t, "acct-alice", 120, 35)
	press(t, alice, "]")
	if alice.events.cursor != 1 || !strings.HasPrefix(alice.status.text, "no divergence after seq 1: the states agree to the end") {
		t.Fatalf("acct-alice, where the two agree: seq %d, %q", alice.events.cursor, alice.status.text)
	}
}

func TestTheTwoStatesShowSideBySideTheirDifferencesHighlighted(t *testing.T) {
	m := bankAgainstDedupe(t, "acct-bob", 120, 35)
	press(t, m, ":")
	typeText(t, m, "6")
	press(t, m, "enter")
	if len(m.state.changed) != 0 || len(m.other.changed) != 0 || m.other.side != "same · against jq:@bank-dedupe.jq" {
		t.Fatalf("at seq 6, where they agree: %v, %v, %q", m.state.changed, m.other.changed, m.other.side)
	}
	press(t, m, "l")
	o := m.s.shown.other
	if o == nil || len(o.diffs) != 1 || o.diffs[0].Path != ".balance" || o.diffs[0].Old != "-120" || o.diffs[0].New != "80" {
		t.Fatalf("at seq 7 the differences are %+v; want .balance -120 under bank.jq, 80 under bank-dedupe.jq", o)
	}
	for _, p := range []*statePane{&m.state, &m.other} {
		var highlighted []string
		for _, r := range p.rows {
			if r.Key != "" && p.isChanged(r) {
				highlighted = append(highlighted, r.Key)
			}
		}
		if strings.Join(highlighted, ",") != "balance" {
			t.Errorf("%s highlights %v; want balance only", p.side, highlighted)
		}
	}
	golden(t, "120x35", screen(m))
	// The keys move both panes.
	press(t, m, "tab", "down", "down")
	if m.other.row != m.state.row || m.state.row != 2 {
		t.Fatalf("the cursor is on row %d and row %d", m.state.row, m.other.row)
	}
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	press(t, m, "tab", "tab")
	golden(t, "80x24", screen(m))
	if f := footer(m); !strings.Contains(f, "]/[ diverge") {
		t.Errorf("the footer does not list ] [: %q", f)
	}
	press(t, m, "?")
	if s := screen(m); !strings.Contains(s, "next divergence of the two states") {
		t.Errorf("the help does not list ]:\n%s", s)
	}
}

func TestWithoutASecondApplyThereIsNoDivergenceKey(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 5)), 120, 35)
	if f := footer(m); strings.Contains(f, "diverge") {
		t.Errorf("the footer lists ] without --against: %q", f)
	}
	press(t, m, "?")
	if strings.Contains(screen(m), "divergence") {
		t.Errorf("the help lists ] without --against")
	}
	press(t, m, "x", "]")
	if m.events.cursor != 1 || !strings.Contains(m.status.text, "--against") {
		t.Errorf("] without a second apply: seq %d, %q", m.events.cursor, m.status.text)
	}
}

func TestAFailureSaysWhichApplyFailed(t *testing.T) {
	extra := make([]deposit, 6)
	extra[3] = deposit{Type: "double", Amount: 5}
	careful := func(s account, ev replay.Event[deposit]) account {
		if ev.Payload.Type == "double" {
			panic(errors.New("no such event type: double"))
		}
		return applyDeposit(s, ev)
	}
	cfg := typedConfig(t, ledger(t, 6, extra...))
	cfg.Against, cfg.AgainstName = careful, "against v2"
	m := newModel(t, cfg, 120, 35)
	press(t, m, "]")
	var side *replay.SideError
	if m.events.cursor != 1 || !strings.HasPrefix(m.status.text, "against v2: ") || !strings.Contains(m.status.text, "seq 4") {
		t.Fatalf("] over a failing apply: seq %d, %q", m.events.cursor, m.status.text)
	}
	press(t, m, ":")
	typeText(t, m, "4")
	press(t, m, "enter")
	if o := m.s.shown.other; o == nil || !errors.As(o.err, &side) || side.Side != "B" || m.s.shown.err != nil {
		t.Fatalf("at seq 4: %+v, %v", m.s.shown.other, m.s.shown.err)
	}
	s := screen(m)
	if !strings.Contains(s, "no state under against v2") || !strings.Contains(s, "apply failed at seq 4: no such") {
		t.Fatalf("the screen does not say which apply failed:\n%s", s)
	}
}

// BenchmarkNextDivergence is ] over a stream whose two applies agree
// until its last event: both folded over every event and their states
// compared after each (replay.Compare, by reflection).
func BenchmarkNextDivergence(b *testing.B) {
	const n = 100_000
	log := ledger(b, n)
	last := func(s account, ev replay.Event[deposit]) account {
		if ev.Seq == n {
			return s
		}
		return applyDeposit(s, ev)
	}
	cfg, err := withDefaults(Config[account, deposit]{Log: log, Apply: applyDeposit, Against: last, Stream: "acct"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		tl, _ := replay.NewTimeline(log, "acct", cfg.Apply, cfg.Initial, replay.TimelineOptions[account]{})
		other, _ := againstTimeline(&cfg, "acct")
		d, err := findDivergence(ctx, &cfg, tl, other, 0, false, nil)
		if err != nil || d.seq != n {
			b.Fatalf("found %+v, %v; want seq %d", d, err, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
}

func TestEscStopsTheSearchForADivergence(t *testing.T) {
	slow := func(s account, ev replay.Event[deposit]) account {
		time.Sleep(time.Millisecond)
		return applyDeposit(s, ev)
	}
	cfg := typedConfig(t, ledger(t, 1000))
	cfg.Against = slow
	m := newModel(t, cfg, 120, 35)
	cmd := m.goToDivergence(false)
	for m.inv.job != nil && m.inv.job.reached < 64 {
		_, cmd = m.Update(cmd())
	}
	if s := screen(m); !strings.Contains(s, "next divergence: seq") || !strings.Contains(s, "(esc stops)") {
		t.Fatalf("the status bar does not show the search going:\n%s", s)
	}
	press(t, m, "esc")
	drive(t, m, cmd)
	if m.inv.job != nil || m.events.cursor != 1 || !strings.Contains(m.status.text, "next divergence stopped at seq") {
		t.Fatalf("after esc: job %v, seq %d, %q; want the selection left at seq 1", m.inv.job, m.events.cursor, m.status.text)
	}
}

func TestTwoStatesFitEverySize(t *testing.T) {
	m := bankAgainstDedupe(t, "acct-bob", 120, 35)
	press(t, m, "]", "tab")
	for _, size := range [][2]int{{40, 10}, {59, 20}, {60, 15}, {80, 24}, {99, 30}, {100, 30}, {200, 60}} {
		drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: size[0], Height: size[1]} })
		press(t, m, "l", "h")
		lines := strings.Split(m.render(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines:\n%s", size[0], size[1], len(lines), screen(m))
		}
		if s := screen(m); size[1] >= 20 && (!strings.Contains(s, "balance: -120") || !strings.Contains(s, "balance: 80")) {
			t.Errorf("%dx%d: the two states are not both on screen:\n%s", size[0], size[1], s)
		}
	}
}

func TestAClickInTheSecondStateSelectsThatRow(t *testing.T) {
	m := bankAgainstDedupe(t, "acct-bob", 50, 30)
	press(t, m, "]")
	l := m.layout()
	if !stacked(l.state.w, l.state.h) {
		t.Fatalf("at 50x30 the state pane is %dx%d: the two should be stacked", l.state.w, l.state.h)
	}
	// The second pane's border, then its rows: { and balance.
	drive(t, m, func() tea.Msg {
		return tea.MouseClickMsg{Button: tea.MouseLeft, X: 5, Y: l.state.y + m.state.height + 2}
	})
	if m.focus != paneState || m.state.row != 1 || m.other.row != 1 {
		t.Fatalf("a click on balance in the second pane: focus %v, rows %d and %d\n%s", m.focus, m.state.row, m.other.row, screen(m))
	}
}
