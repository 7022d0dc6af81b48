package replay_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
)

// The signatures of replay v0.4.0's published docs (../shared/seed), each
// assigned to a variable of the seed's exact type: if one drifts, this file
// stops compiling. The seed is the contract; everything else is additive.
var (
	_ func(ctx context.Context, log replay.Log[int], snap replay.Snapshotter[string], stream replay.StreamKey,
		targetSeq replay.Seq, apply replay.Apply[string, int], initial string, opts replay.Options) (string, error) = replay.Replay[string, int]

	_ func() *replay.MemoryLog[int]                                                                                 = replay.NewMemoryLog[int]
	_ func(*replay.MemoryLog[int], context.Context, replay.Event[int]) (replay.Seq, error)                          = (*replay.MemoryLog[int]).Append
	_ func(*replay.MemoryLog[int], context.Context, replay.StreamKey, replay.Seq, int) ([]replay.Event[int], error) = (*replay.MemoryLog[int]).Read
	_ func(*replay.MemoryLog[int], replay.StreamKey) replay.Seq                                                     = (*replay.MemoryLog[int]).Latest

	_ func() *replay.MemorySnapshotter[string]                                                                                   = replay.NewMemorySnapshotter[string]
	_ func(*replay.MemorySnapshotter[string], context.Context, replay.StreamKey, replay.Seq) (*replay.Checkpoint[string], error) = (*replay.MemorySnapshotter[string]).Load
	_ func(*replay.MemorySnapshotter[string], context.Context, replay.Checkpoint[string]) error                                  = (*replay.MemorySnapshotter[string]).Save

	_ replay.Log[int]            = (*replay.MemoryLog[int])(nil)
	_ replay.Snapshotter[string] = (*replay.MemorySnapshotter[string])(nil)

	// Apply is a named function type of exactly this shape.
	_ replay.Apply[string, int]              = func(state string, ev replay.Event[int]) string { return state }
	_ func(string, replay.Event[int]) string = replay.Apply[string, int](nil)

	// Options has the seed's two fields, and nothing it does not know of
	// is needed to build one.
	_ = replay.Options{BatchSize: 1024, SnapshotEvery: 0}
)

// Every method of the seed's interfaces, with the seed's exact shape: a
// type with only these methods must satisfy them.
type seedLog struct{}

func (seedLog) Append(ctx context.Context, ev replay.Event[int]) (replay.Seq, error) { return 0, nil }
func (seedLog) Read(ctx context.Context, stream replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[int], error) {
	return nil, nil
}

type seedSnapshotter struct{}

func (seedSnapshotter) Save(ctx context.Context, c replay.Checkpoint[string]) error { return nil }
func (seedSnapshotter) Load(ctx context.Context, stream replay.StreamKey, atOrBefore replay.Seq) (*replay.Checkpoint[string], error) {
	return nil, nil
}

var (
	_ replay.Log[int]            = seedLog{}
	_ replay.Snapshotter[string] = seedSnapshotter{}
)

// TestSeedTypes pins the seed's types and values that are not functions:
// the struct fields of Event and Checkpoint, the underlying types of Seq
// and StreamKey, and the sentinel errors' text.
func TestSeedTypes(t *testing.T) {
	ev := replay.Event[int]{Stream: replay.StreamKey("s"), Seq: replay.Seq(1), Time: time.Time{}, Payload: 7}
	cp := replay.Checkpoint[string]{Stream: ev.Stream, Seq: ev.Seq, State: "x"}
	var seq uint64 = uint64(cp.Seq)
	var key string = string(cp.Stream)
	_, _ = seq, key
	for _, c := range []struct {
		err  error
		text string
	}{
		{replay.ErrSeqMismatch, "replay: seq does not match next expected"},
		{replay.ErrEmptyStream, "replay: stream has no events"},
	} {
		if c.err.Error() != c.text {
			t.Errorf("error text %q, the seed says %q", c.err.Error(), c.text)
		}
	}
}

// TestSeedBehaviour checks what the seed's docs say, one sentence each.
func TestSeedBehaviour(t *testing.T) {
	ctx := context.Background()
	count := func(n int, ev replay.Event[int]) int { return n + ev.Payload }

	log := replay.NewMemoryLog[int]()
	// "Latest returns the highest Seq currently appended to stream, or 0 if empty."
	if got := log.Latest("s"); got != 0 {
		t.Fatalf("Latest of an empty stream = %d, want 0", got)
	}
	// "The implementation assigns the Seq if the caller passes 0."
	for i := 1; i <= 10; i++ {
		if seq, err := log.Append(ctx, replay.Event[int]{Stream: "s", Payload: 1}); err != nil || seq != replay.Seq(i) {
			t.Fatalf("Append #%d = %d, %v; want seq %d", i, seq, err, i)
		}
	}
	// "otherwise the implementation must verify the Seq is the next expected value"
	if _, err := log.Append(ctx, replay.Event[int]{Stream: "s", Seq: 10}); !errors.Is(err, replay.ErrSeqMismatch) {
		t.Fatalf("Append at a used seq: %v, want ErrSeqMismatch", err)
	}
	if _, err := log.Append(ctx, replay.Event[int]{Stream: "s", Seq: 11, Payload: 1}); err != nil {
		t.Fatalf("Append at the next seq: %v", err)
	}
	if got := log.Latest("s"); got != 11 {
		t.Fatalf("Latest = %d, want 11", got)
	}
	// "Read returns up to limit events for stream starting at Seq >= from.
	// Returns an empty slice when there are no more events."
	if evs, err := log.Read(ctx, "s", 5, 3); err != nil || len(evs) != 3 || evs[0].Seq != 5 || evs[2].Seq != 7 {
		t.Fatalf("Read(from 5, limit 3) = %v, %v", evs, err)
	}
	if evs, err := log.Read(ctx, "s", 12, 3); err != nil || evs == nil || len(evs) != 0 {
		t.Fatalf("Read past the end = %#v, %v; want an empty slice", evs, err)
	}

	snap := replay.NewMemorySnapshotter[int]()
	// "Returns (nil, nil) if no such checkpoint exists."
	if cp, err := snap.Load(ctx, "s", 100); cp != nil || err != nil {
		t.Fatalf("Load with no checkpoint = %v, %v; want (nil, nil)", cp, err)
	}
	// "If targetSeq == 0 the entire stream is replayed."
	if got, err := replay.Replay(ctx, log, snap, "s", 0, count, 0, replay.Options{}); err != nil || got != 11 {
		t.Fatalf("Replay(0) = %d, %v; want 11", got, err)
	}
	// "Snapshot ... after applying every N events ... N == 0 disables."
	if cp, _ := snap.Load(ctx, "s", 100); cp != nil {
		t.Fatalf("SnapshotEvery 0 saved a checkpoint at seq %d", cp.Seq)
	}
	if _, err := replay.Replay(ctx, log, snap, "s", 0, count, 0, replay.Options{SnapshotEvery: 4}); err != nil {
		t.Fatal(err)
	}
	// "Load returns the most recent checkpoint with Seq <= atOrBefore."
	if cp, err := snap.Load(ctx, "s", 11); err != nil || cp == nil || cp.Seq != 8 || cp.State != 8 {
		t.Fatalf("Load(<= 11) = %+v, %v; want the checkpoint at seq 8", cp, err)
	}
	// "Replay reconstructs state at targetSeq by loading the latest
	// checkpoint at or before targetSeq (if any), then folding the events
	// between checkpoint.Seq and targetSeq through apply": a checkpoint that
	// lies (state 1000 at seq 8) shows it was used.
	if err := snap.Save(ctx, replay.Checkpoint[int]{Stream: "s", Seq: 8, State: 1000}); err != nil {
		t.Fatal(err)
	}
	if got, err := replay.Replay(ctx, log, snap, "s", 10, count, 0, replay.Options{}); err != nil || got != 1002 {
		t.Fatalf("Replay(10) from the checkpoint at 8 = %d, %v; want 1002", got, err)
	}
	// "If snap is nil or no checkpoint exists, replay starts from initial."
	if got, err := replay.Replay(ctx, log, nil, "s", 10, count, 5, replay.Options{}); err != nil || got != 15 {
		t.Fatalf("Replay(10) with no snapshotter from 5 = %d, %v; want 15", got, err)
	}
	// ErrEmptyStream: "stream has no events".
	if _, err := replay.Replay(ctx, log, nil, "none", 0, count, 0, replay.Options{}); !errors.Is(err, replay.ErrEmptyStream) {
		t.Fatalf("Replay of an empty stream: %v, want ErrEmptyStream", err)
	}
}

// The seed's own usage: a MemoryLog, a MemorySnapshotter, and Replay
// saving a checkpoint every N events, so that the next replay starts
// there instead of at genesis.
func Example_seed() {
	type Trade struct {
		Symbol string
		Qty    int
	}
	type Portfolio map[string]int

	// Pure: never writes into the map it is given.
	apply := func(p Portfolio, ev replay.Event[Trade]) Portfolio {
		next := make(Portfolio, len(p)+1)
		for k, v := range p {
			next[k] = v
		}
		next[ev.Payload.Symbol] += ev.Payload.Qty
		return next
	}

	ctx := context.Background()
	log := replay.NewMemoryLog[Trade]()
	snap := replay.NewMemorySnapshotter[Portfolio]()
	for _, t := range []Trade{{"ACME", 100}, {"INIT", 50}, {"ACME", -30}, {"INIT", 10}, {"ACME", 5}} {
		if _, err := log.Append(ctx, replay.Event[Trade]{Stream: "desk-7", Payload: t}); err != nil {
			panic(err)
		}
	}

	state, err := replay.Replay(ctx, log, snap, "desk-7", 0, apply, Portfolio{}, replay.Options{SnapshotEvery: 2})
	fmt.Println(state, err)

	cp, err := snap.Load(ctx, "desk-7", log.Latest("desk-7"))
	fmt.Println(cp.Seq, cp.State, err)

	// Up to seq 3 only: from the checkpoint at seq 2, one event folded.
	state, err = replay.Replay(ctx, log, snap, "desk-7", 3, apply, Portfolio{}, replay.Options{})
	fmt.Println(state, err)
	// Output:
	// map[ACME:75 INIT:60] <nil>
	// 4 map[ACME:70 INIT:60] <nil>
	// map[ACME:70 INIT:50] <nil>
}
