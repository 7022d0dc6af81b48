package replay_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/replaytui/replaytui/replay"
)

// An account's events and its pure apply.
type deposit struct{ Amount int }

type account struct{ Balance, Deposits int }

func applyDeposit(s account, ev replay.Event[deposit]) account {
	return account{Balance: s.Balance + ev.Payload.Amount, Deposits: s.Deposits + 1}
}

func Example() {
	ctx := context.Background()
	log := replay.NewMemoryLog[deposit]()
	for _, amount := range []int{50, 20, -30} {
		log.Append(ctx, replay.Event[deposit]{Stream: "acct-42", Payload: deposit{amount}})
	}
	state, err := replay.Replay(ctx, log, nil, "acct-42", 0, applyDeposit, account{}, replay.Options{})
	fmt.Println(state, err)
	// Output: {40 3} <nil>
}

func ExampleReplay() {
	ctx := context.Background()
	log := replay.NewMemoryLog[deposit]()
	for i := 1; i <= 10; i++ {
		log.Append(ctx, replay.Event[deposit]{Stream: "acct-42", Payload: deposit{i}})
	}
	snap := replay.NewMemorySnapshotter[account]()

	// Fold up to seq 4, saving a checkpoint at every multiple of 2 on the way.
	state, _ := replay.Replay(ctx, log, snap, "acct-42", 4, applyDeposit, account{}, replay.Options{SnapshotEvery: 2})
	fmt.Println("after seq 4:", state)

	// The next replay starts from the checkpoint at seq 4.
	cp, _ := snap.Load(ctx, "acct-42", 7)
	fmt.Println("starts from checkpoint at seq", cp.Seq)
	state, _ = replay.Replay(ctx, log, snap, "acct-42", 7, applyDeposit, account{}, replay.Options{})
	fmt.Println("after seq 7:", state)

	// Asking for a seq the stream does not have is an error, not a guess.
	_, err := replay.Replay(ctx, log, snap, "acct-42", 11, applyDeposit, account{}, replay.Options{})
	fmt.Println(errors.Is(err, replay.ErrPastEnd), err)
	// Output:
	// after seq 4: {10 4}
	// starts from checkpoint at seq 4
	// after seq 7: {28 7}
	// true replay stream "acct-42" to seq 11: the stream ends at seq 10: replay: seq past the end of the stream
}

func ExampleMemoryLog() {
	ctx := context.Background()
	log := replay.NewMemoryLog[string]()

	seq, _ := log.Append(ctx, replay.Event[string]{Stream: "match-7", Payload: "kickoff"})
	fmt.Println("assigned seq", seq)

	// An explicit seq must be the next one: optimistic concurrency.
	_, err := log.Append(ctx, replay.Event[string]{Stream: "match-7", Seq: 1, Payload: "kickoff again"})
	fmt.Println(errors.Is(err, replay.ErrSeqMismatch))
	log.Append(ctx, replay.Event[string]{Stream: "match-7", Seq: 2, Payload: "goal"})

	for ev, err := range replay.All(ctx, log, "match-7") {
		if err != nil {
			break
		}
		fmt.Println(ev.Seq, ev.Payload)
	}
	// Output:
	// assigned seq 1
	// true
	// 1 kickoff
	// 2 goal
}

func ExampleTimeline() {
	ctx := context.Background()
	log := replay.NewMemoryLog[deposit]()
	for i := 1; i <= 1000; i++ {
		log.Append(ctx, replay.Event[deposit]{Stream: "acct-42", Payload: deposit{1}})
	}
	tl, _ := replay.NewTimeline(log, "acct-42", applyDeposit, account{}, replay.TimelineOptions[account]{KeyframeEvery: 100})
	tl.BuildKeyframes(ctx, nil)

	state, cost, _ := tl.Seek(ctx, 742)
	fmt.Println(state, cost.Origin, cost.From, cost.Folded)
	state, cost, _ = tl.Seek(ctx, 743) // a step forward: one apply
	fmt.Println(state, cost.Origin, cost.From, cost.Folded)
	state, cost, _ = tl.Seek(ctx, 741) // a step back: kept from the first seek
	fmt.Println(state, cost.Origin, cost.From, cost.Folded)
	state, cost, _ = tl.Seek(ctx, 300) // far back: from a keyframe
	fmt.Println(state, cost.Origin, cost.From, cost.Folded)
	// Output:
	// {742 742} keyframe 700 42
	// {743 743} current 742 1
	// {741 741} trail 741 0
	// {300 300} keyframe 300 0
}

func ExampleCheckPurity() {
	ctx := context.Background()
	log := replay.NewMemoryLog[deposit]()
	log.Append(ctx, replay.Event[deposit]{Stream: "acct-42", Payload: deposit{50}})

	// Writes into the map it was given: every checkpoint sharing it changes.
	buggy := func(s map[string]int, ev replay.Event[deposit]) map[string]int {
		s["balance"] += ev.Payload.Amount
		return s
	}
	err := replay.CheckPurity(ctx, log, "acct-42", buggy, map[string]int{"balance": 10})
	fmt.Println(err)
	// Output: apply mutated the state it was given at stream "acct-42" seq 1: state["balance"] was 10, became 60
}
