package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
)

// accounts is a ledger of three accounts whose deposits interleave.
func accounts(t *testing.T) *replay.GlobalLog[deposit] {
	t.Helper()
	log := replay.NewMemoryLog[deposit]()
	t0 := time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC)
	names := []replay.StreamKey{"acct-alice", "acct-bob", "acct-alice", "acct-carol-with-a-long-name", "acct-bob", "acct-alice"}
	for i, s := range names {
		d := deposit{Type: "deposit", Amount: (i + 1) * 10, Note: fmt.Sprintf("tx-%d", i+1)}
		if _, err := log.Append(context.Background(), replay.Event[deposit]{Stream: s, Time: t0.Add(time.Duration(i) * time.Minute), Payload: d}); err != nil {
			t.Fatal(err)
		}
	}
	g, err := replay.Global(replay.Log[deposit](log))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestTheGlobalOrderShowsEachEventsStream(t *testing.T) {
	g := accounts(t)
	cfg := typedConfig(t, g)
	cfg.Stream = g.Key()
	m := newModel(t, cfg, 140, 14)
	press(t, m, "G")
	if m.events.cursor != 6 || m.s.shown.state.Balance != 210 {
		t.Fatalf("at the end of the global order: seq %d, %+v; want seq 6, the sum of every deposit (210)", m.events.cursor, m.s.shown.state)
	}
	s := screen(m)
	for _, want := range []string{"events · (all streams, global order)", "acct-bob ", "acct-carol-wi…  deposit tx-4", "seq 6/6 · (all streams, global order)"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen does not show %q:\n%s", want, s)
		}
	}
	golden(t, "global", s)
	// A stream of its own has no stream column.
	drive(t, m, m.openStream("acct-bob"))
	if s := screen(m); strings.Contains(s, "acct-bob  deposit") {
		t.Errorf("one stream's list shows the stream:\n%s", s)
	}
}

// An event of the global order has its place there as its seq; the
// event pane, its detail and a copy show its line as its own stream has
// it, at its own seq.
func TestTheEventPaneShowsAnEventsOwnSeqInTheGlobalOrder(t *testing.T) {
	g := accounts(t)
	cfg := typedConfig(t, g)
	cfg.Stream = g.Key()
	cfg.Line = func(ev replay.Event[deposit]) string {
		return fmt.Sprintf(`{"stream":%q,"seq":%d,"note":%q}`, ev.Stream, ev.Seq, ev.Payload.Note)
	}
	m := newModel(t, cfg, 120, 35)
	press(t, m, "e", "G") // the event pane; seq 6, alice's third
	if want := `{"stream":"acct-alice","seq":3,"note":"tx-6"}`; m.s.shown.line != want || !strings.Contains(screen(m), `"seq": 3,`) {
		t.Errorf("at seq 6 of the global order, the event pane shows %q:\n%s", m.s.shown.line, screen(m))
	}
	if s := screen(m); !strings.Contains(s, "event 6 · acct-alice seq 3") {
		t.Errorf("the event pane's title does not say where the event stands in its stream:\n%s", s)
	}
	drive(t, m, m.openStream("acct-bob"))
	press(t, m, "G") // bob's second, seq 5 of the global order
	if want := `{"stream":"acct-bob","seq":2,"note":"tx-5"}`; m.s.shown.line != want {
		t.Errorf("at acct-bob's last seq, the event pane shows %q, want %q", m.s.shown.line, want)
	}
	if s := screen(m); !strings.Contains(s, "event 2") || strings.Contains(s, "acct-bob seq 2") {
		t.Errorf("in a stream of its own, the event pane's title names only the seq:\n%s", s)
	}
}

// A second apply that fails in the global order is reported at the global
// order's seq, as a fold of it reports the first apply's failures.
func TestAFailureOfTheSecondApplyInTheGlobalOrderNamesItsSeq(t *testing.T) {
	g := accounts(t)
	cfg := typedConfig(t, g)
	cfg.Stream = g.Key()
	cfg.Against, cfg.AgainstName = func(s account, ev replay.Event[deposit]) account {
		if ev.Payload.Note == "tx-5" {
			panic(errors.New("no tx-5"))
		}
		return applyDeposit(s, ev)
	}, "against v2"
	m := newModel(t, cfg, 120, 35)
	press(t, m, "]")
	if want := "apply failed at stream (all streams, global order) seq 5: no tx-5"; !strings.Contains(m.status.text, want) {
		t.Errorf("] over a failing apply in the global order says %q, want %q", m.status.text, want)
	}
}
