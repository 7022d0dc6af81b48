package replay_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// everyN holds at the events whose payload is a multiple of n.
func everyN(n int) replay.Condition[int, int] {
	return func(_ int, ev replay.Event[int]) (bool, error) { return ev.Payload%n == 0, nil }
}

func TestNextAndPrevAgreeWithBruteForce(t *testing.T) {
	const n = 5000
	tl := newTimeline(t, ints(t, n), chain, 0, replay.TimelineOptions[int]{KeyframeEvery: 64})
	ctx := context.Background()
	cond := func(s int, ev replay.Event[int]) (bool, error) { return s%97 == 3, nil } // depends on the state
	holds := make([]bool, n+1)
	for seq := 1; seq <= n; seq++ {
		holds[seq] = chainAt(replay.Seq(seq))%97 == 3
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 40 {
		from := replay.Seq(rng.IntN(n + 1))
		want, wantOK := replay.Seq(0), false
		for s := from + 1; s <= n; s++ {
			if holds[s] {
				want, wantOK = s, true
				break
			}
		}
		got, ok, _, err := tl.Continue(ctx, from, cond, nil)
		if err != nil || ok != wantOK || got != want {
			t.Fatalf("Next(%d) = %d %v %v; want %d %v", from, got, ok, err, want, wantOK)
		}
		want, wantOK = 0, false
		for s := int(from) - 1; s >= 1; s-- {
			if holds[s] {
				want, wantOK = replay.Seq(s), true
				break
			}
		}
		got, ok, cost, err := tl.ReverseContinue(ctx, from, cond, nil)
		if err != nil || ok != wantOK || got != want {
			t.Fatalf("Prev(%d) = %d %v %v; want %d %v", from, got, ok, err, want, wantOK)
		}
		if wantOK && cost.Folded > int(from-want)+3*64 {
			t.Fatalf("Prev(%d) folded %d events to go back %d", from, cost.Folded, from-want)
		}
	}
}

func TestBisectFindsTheFirstBreak(t *testing.T) {
	const n = 100_000
	tl := newTimeline(t, ints(t, n), sum, 0, replay.TimelineOptions[int]{})
	ctx := context.Background()
	// The running sum passes a billion at a point found by bisection, in
	// few seeks.
	cond := func(s int, _ replay.Event[int]) (bool, error) { return s > 1_000_000_000, nil }
	got, cost, err := tl.Bisect(ctx, 0, n, cond)
	if err != nil {
		t.Fatal(err)
	}
	if triangle(int(got)) <= 1_000_000_000 || triangle(int(got-1)) > 1_000_000_000 {
		t.Fatalf("Bisect = %d; the sum first passes a billion at another seq", got)
	}
	if cost.Seeks > 20 {
		t.Fatalf("%d seeks for 100,000 events", cost.Seeks)
	}
	if _, _, err := tl.Bisect(ctx, 0, 10, cond); err == nil {
		t.Fatal("Bisect of a range where the condition never holds succeeded")
	}
}

func TestAConditionThatFailsNamesTheSeq(t *testing.T) {
	tl := newTimeline(t, ints(t, 100), sum, 0, replay.TimelineOptions[int]{})
	boom := errors.New("no such field")
	cond := func(_ int, ev replay.Event[int]) (bool, error) {
		if ev.Seq == 42 {
			return false, boom
		}
		return false, nil
	}
	_, _, _, err := tl.Continue(context.Background(), 0, cond, nil)
	var ce *replay.ConditionError
	if !errors.As(err, &ce) || ce.Seq != 42 || !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

func TestScansStopWhenCancelled(t *testing.T) {
	tl := newTimeline(t, ints(t, 100_000), sum, 0, replay.TimelineOptions[int]{BatchSize: 100})
	ctx, cancel := context.WithCancel(context.Background())
	reached := replay.Seq(0)
	_, ok, _, err := tl.Continue(ctx, 0, everyN(1_000_000), func(at replay.Seq) {
		reached = at
		if at >= 5000 {
			cancel()
		}
	})
	if ok || !errors.Is(err, context.Canceled) || reached > 5100 {
		t.Fatalf("cancelled Next: ok %v err %v reached %d", ok, err, reached)
	}
}
