package tui

import (
	"context"
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
