package changes_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/replay"
)

func TestAChangeReadsTheSameEverywhere(t *testing.T) {
	for _, c := range []struct {
		ch           changes.Change
		line, effect string
	}{
		{changes.Change{Path: ".balance", Kind: changes.Changed, Old: "80", New: "-120"}, "~ .balance  80 → -120", "80 → -120"},
		{changes.Change{Path: ".alive", Kind: changes.Added, New: "false"}, "+ .alive  false", "+ false"},
		{changes.Change{Path: ".ana", Kind: changes.Removed, Old: `{"hp":1}`}, `- .ana  {"hp":1}`, `- {"hp":1}`},
	} {
		if got := c.ch.String(); got != c.line {
			t.Errorf("String() = %q, want %q", got, c.line)
		}
		if got := c.ch.Effect(); got != c.effect {
			t.Errorf("Effect() = %q, want %q", got, c.effect)
		}
	}
}

func TestTouches(t *testing.T) {
	for _, c := range []struct {
		changed, path string
		want          bool
	}{
		{".players.ana.hp", ".players.ana.hp", true},
		{".players.ana.hp", ".players.ana", true},  // inside it
		{".players", ".players.ana.hp", true},      // the whole object replaced
		{".players.anabel", ".players.ana", false}, // a name that starts the same
		{`state.Players["bo"].HP`, `.Players["bo"]`, true},
		{`state.Players["ana"].HP`, `.Players["bo"]`, false},
		{".x", ".", true},
	} {
		if got := changes.Touches(c.changed, c.path); got != c.want {
			t.Errorf("Touches(%q, %q) = %v, want %v", c.changed, c.path, got, c.want)
		}
	}
}

func TestBlameListsTheEventsThatChangedAValue(t *testing.T) {
	log := replay.NewMemoryLog[[2]string]()
	for _, kv := range [][2]string{{"a", "1"}, {"b", "1"}, {"a", "2"}, {"b", "2"}, {"a", "3"}} {
		log.Append(context.Background(), replay.Event[[2]string]{Stream: "s", Payload: kv})
	}
	apply := func(m map[string]string, ev replay.Event[[2]string]) map[string]string {
		next := maps.Clone(m)
		if next == nil {
			next = map[string]string{}
		}
		next[ev.Payload[0]] = ev.Payload[1]
		return next
	}
	h := changes.History[map[string]string, [2]string]{
		Log: log, Stream: "s", Apply: apply,
		Diff:    func(a, b map[string]string) []changes.Change { return changes.FromDifferences(replay.Compare(a, b)) },
		Summary: func(ev replay.Event[[2]string]) string { return "set " + ev.Payload[0] },
	}
	entries, err := changes.Blame(context.Background(), h, `["a"]`, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("blame of a up to seq 4: %+v", entries)
	}
	if got := fmt.Sprintf("%d %d %d %s %s", len(entries), entries[0].Seq, entries[1].Seq, entries[1].Effect(), entries[1].Summary); got != `2 1 3 "1" → "2" set a` {
		t.Fatalf("blame of a up to seq 4: %s (%+v)", got, entries)
	}
}
