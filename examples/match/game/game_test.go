package game

import (
	"context"
	"testing"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

func simulated(t *testing.T, n int) *replay.MemoryLog[Event] {
	log := replay.NewMemoryLog[Event]()
	for _, ev := range Simulate(1, n) {
		if _, err := log.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

func TestApplyIsPure(t *testing.T) {
	if err := replay.CheckPurity(context.Background(), simulated(t, 300), "match-1", Apply, State{}); err != nil {
		t.Fatal(err)
	}
}

// The match has a bug: healing is not capped, so a player can go above
// 100 HP. This is how a test hands such a bug to the debugger: it finds
// the first event that breaks the invariant and, when there is one, dumps
// the log and logs the command that opens it at the right place.
func TestFindsTheFirstEventAboveMaxHP(t *testing.T) {
	log := simulated(t, 300)
	var first replay.Seq
	for step, err := range replay.Fold(context.Background(), log, "match-1", Apply, State{}) {
		if err != nil {
			t.Fatal(err)
		}
		if p := step.State.Players[step.Event.Payload.Player]; p.HP > 100 {
			first = step.Event.Seq
			break
		}
	}
	if first == 0 {
		t.Fatal("no player ever went above 100 HP; the example lost its bug")
	}
	if path := jsonl.DumpForDebugging(t, log, "go run ./examples/match/replay"); path != "" {
		t.Logf("…then :%d in the debugger, or: go run ./examples/match/replay find %s --where 'state.Players[event.Payload.Player].HP > 100'", first, path)
	}
}
