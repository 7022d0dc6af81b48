package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
)

// fleet is the ledger's acct (deposits of 10, 20, … 50) beside other
// (three deposits of 1000) and empty-handed (one deposit of 1), with a
// FindAll that answers found and records what it was asked.
func fleet(t *testing.T, found FoundAll, asked *[]string) *Model[account, deposit] {
	t.Helper()
	log := ledger(t, 5)
	t0 := time.Date(2026, 5, 31, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		log.Append(context.Background(), replay.Event[deposit]{Stream: "other", Time: t0.Add(time.Duration(i) * time.Hour), Payload: deposit{Type: "deposit", Amount: 1000}})
	}
	log.Append(context.Background(), replay.Event[deposit]{Stream: "empty-handed", Time: t0, Payload: deposit{Type: "deposit", Amount: 1}})
	cfg := typedConfig(t, log)
	cfg.Compile = compiler
	cfg.FindAll = func(ctx context.Context, condition string, progress func(done, total int)) (FoundAll, error) {
		*asked = append(*asked, condition)
		for i := range found.Streams {
			progress(i+1, found.Streams)
		}
		return found, nil
	}
	return newModel(t, cfg, 120, 35)
}

// balanceOver100 is where state.Balance > 100 first holds in each
// stream of fleet.
var balanceOver100 = FoundAll{Streams: 3, Matches: []FoundMatch{
	{Stream: "acct", Seq: 5, Time: time.Date(2026, 5, 30, 12, 5, 0, 0, time.UTC), Values: []NamedValue{{"state.Balance", "150"}}},
	{Stream: "other", Seq: 1, Time: time.Date(2026, 5, 31, 9, 0, 0, 0, time.UTC), Values: []NamedValue{{"state.Balance", "1000"}}},
}}

func TestFindInEveryStream(t *testing.T) {
	var asked []string
	m := fleet(t, balanceOver100, &asked)
	press(t, m, "f")
	typeText(t, m, "state.Balance > 100")
	press(t, m, "enter")
	if len(asked) != 1 || asked[0] != "state.Balance > 100" {
		t.Fatalf("FindAll was asked %q", asked)
	}
	if m.listKindOf() != foundList || m.inv.job != nil {
		t.Fatalf("no results list (list %v, job %v):\n%s", m.listKindOf(), m.inv.job, screen(m))
	}
	s := screen(m)
	for _, want := range []string{"found in 2 of 3 streams · state.Balance > 100", "acct        5  2026-05-30 12:05:00  state.Balance=150", "other       1  2026-05-31 09:00:00  state.Balance=1000"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the results list lacks %q:\n%s", want, s)
		}
	}

	// The filter narrows it; enter opens the stream at the seq, with the
	// condition as a watch.
	typeText(t, m, "oth")
	if got := len(m.list.shown); got != 1 {
		t.Fatalf("filtering by oth shows %d rows", got)
	}
	press(t, m, "enter")
	if m.list != nil || m.s.stream != "other" || m.events.cursor != 1 || m.s.shown.state.Balance != 1000 {
		t.Fatalf("enter: list %v, stream %q at %d, %+v", m.list, m.s.stream, m.events.cursor, m.s.shown.state)
	}
	if len(m.inv.watches) != 1 || m.inv.watches[0].source != "state.Balance > 100" {
		t.Fatalf("the condition is not watched: %+v", m.inv.watches)
	}
	if w := m.s.shown.watches; len(w) != 1 || w[0].value != "true" {
		t.Fatalf("the watch at other's seq 1: %+v", w)
	}

	// f and enter alone reopen the last results, without searching again;
	// going to the other stream does not watch the condition twice.
	press(t, m, "f", "enter")
	if m.listKindOf() != foundList || len(asked) != 1 {
		t.Fatalf("f, enter: list %v, searches %d", m.listKindOf(), len(asked))
	}
	press(t, m, "enter")
	if m.s.stream != "acct" || m.events.cursor != 5 || m.s.shown.state.Balance != 150 || len(m.inv.watches) != 1 {
		t.Fatalf("to acct: stream %q at %d, %+v, watches %d", m.s.stream, m.events.cursor, m.s.shown.state, len(m.inv.watches))
	}
	if !strings.Contains(screen(m), "state.Balance > 100 = true") {
		t.Fatalf("the watch is not shown:\n%s", screen(m))
	}
}

func TestFindInEveryStreamFindingNothing(t *testing.T) {
	var asked []string
	m := fleet(t, FoundAll{Streams: 3}, &asked)
	press(t, m, "f", "enter")
	if !m.prompt.open || !strings.Contains(screen(m), "a condition over state and event") {
		t.Fatalf("f, enter with no results yet:\n%s", screen(m))
	}
	typeText(t, m, "state.Balance > 5000")
	press(t, m, "enter")
	if m.list != nil || m.status.isErr || m.status.text != "state.Balance > 5000 holds in no stream (of 3)" {
		t.Fatalf("nothing found: list %v, status %q", m.list, m.status.text)
	}
	// Nothing found leaves nothing to reopen; a condition that does not
	// compile keeps the prompt open, and searches nothing.
	press(t, m, "f")
	typeText(t, m, "state.Balance +")
	press(t, m, "enter")
	if !m.prompt.open || len(asked) != 1 {
		t.Fatalf("a bad condition: prompt %v, searches %d", m.prompt.open, len(asked))
	}
}

func TestFindInEveryStreamSaysWhichStreamsFailed(t *testing.T) {
	var asked []string
	found := balanceOver100
	found.Failed = []StreamFailure{{Stream: "empty-handed", Err: errors.New("seq 1: cannot fetch Balance from nil")}}
	m := fleet(t, found, &asked)
	press(t, m, "f")
	typeText(t, m, "state.Balance > 100")
	press(t, m, "enter")
	want := "1 of 3 streams could not be searched; stream empty-handed: seq 1: cannot fetch Balance from nil"
	if m.listKindOf() != foundList || !m.status.isErr || m.status.text != want {
		t.Fatalf("some failed: list %v, status %q", m.listKindOf(), m.status.text)
	}
	if s := screen(m); !strings.Contains(s, "1 stream could not be searched; stream empty-handed") {
		t.Fatalf("the list does not say which stream failed:\n%s", s)
	}

	found.Matches = nil
	m = fleet(t, found, &asked)
	press(t, m, "f")
	typeText(t, m, "state.Balance > 100")
	press(t, m, "enter")
	if m.list != nil || !m.status.isErr || m.status.text != "state.Balance > 100: "+want {
		t.Fatalf("all failed or not found: list %v, status %q", m.list, m.status.text)
	}
}

func TestEscStopsAFindInEveryStream(t *testing.T) {
	m := investigating(t, 10)
	stopped := make(chan error, 1)
	m.c.cfg.FindAll = func(ctx context.Context, _ string, progress func(done, total int)) (FoundAll, error) {
		progress(312, 1229)
		<-ctx.Done()
		stopped <- ctx.Err()
		return FoundAll{}, ctx.Err()
	}
	cmd := m.inv.findAll(m.s.ctx, "state.Balance > 100")
	for m.inv.job != nil && m.inv.job.streams == 0 {
		_, cmd = m.Update(cmd())
	}
	if s := screen(m); !strings.Contains(s, "finding in every stream: 312/1,229 streams (esc stops)") {
		t.Fatalf("the status bar does not show the search going:\n%s", s)
	}
	press(t, m, "esc")
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Fatalf("FindAll's context: %v", err)
	}
	drive(t, m, cmd) // its last report arrives after it was stopped
	if m.inv.job != nil || m.list != nil || m.events.cursor != 1 || m.status.text != "finding in every stream stopped after 312 of 1,229 streams" {
		t.Fatalf("after esc: job %v, list %v, seq %d, %q", m.inv.job, m.list, m.events.cursor, m.status.text)
	}
}

func TestFindInEveryStreamScreens(t *testing.T) {
	var asked []string
	m := fleet(t, balanceOver100, &asked)
	press(t, m, "f")
	typeText(t, m, "state.Balance > 100")
	press(t, m, "enter")
	golden(t, "120x35", screen(m))
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	golden(t, "80x24", screen(m))
}

func TestALongListKeepsRoomForTheDetailAndTheFailures(t *testing.T) {
	found := FoundAll{Streams: 60, Failed: []StreamFailure{{Stream: "acct-99", Err: errors.New("boom")}}}
	for i := range 50 {
		found.Matches = append(found.Matches, FoundMatch{Stream: replay.StreamKey("acct-" + strings.Repeat("1", i%5+1)), Seq: replay.Seq(i + 1), Values: []NamedValue{
			{"state.balance", "97506.70000000001"}, {"event.expect.balance", "96031.5"}, {"event.expect.note", `"` + strings.Repeat("x", 40) + `"`},
		}})
	}
	var asked []string
	m := fleet(t, found, &asked)
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	press(t, m, "f")
	typeText(t, m, "state.Balance > 100")
	press(t, m, "enter")
	s := screen(m)
	for _, want := range []string{"event.expect.note=\"" + strings.Repeat("x", 10), "1 stream could not be searched; stream acct-99: boom"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the list lacks %q:\n%s", want, s)
		}
	}
}

// A search that finishes while the user reads a value whole leaves the
// detail view on screen and says how to see the results.
func TestFindInEveryStreamFinishingUnderTheDetailView(t *testing.T) {
	var asked []string
	m := fleet(t, balanceOver100, &asked)
	press(t, m, "f")
	typeText(t, m, "state.Balance > 100")
	_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	press(t, m, "v")
	drive(t, m, cmd)
	if m.detail == nil || m.list != nil || !strings.Contains(m.status.text, "f then enter lists them") {
		t.Fatalf("the results took the screen: detail %v, list %v, %q", m.detail != nil, m.list != nil, m.status.text)
	}
	press(t, m, "esc", "f", "enter")
	if m.listKindOf() != foundList || len(asked) != 1 {
		t.Fatalf("f then enter: list %v, asked %q", m.listKindOf(), asked)
	}
}
