package replaytest

import (
	"context"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// The stores' benchmarks share these, so that their figures (the
// README's table of stores) measure the same thing: a stream whose
// events carry {"n": i} for i = 1..n, read whole and replayed whole.

// Counted is the payload of the benchmarks' stream: {"n": i}.
type Counted = map[string]int

// BenchRead reads stream, n events, whole and reports events/s.
func BenchRead(b *testing.B, log replay.Log[Counted], stream replay.StreamKey, n int) {
	ctx := context.Background()
	for b.Loop() {
		got := 0
		for _, err := range replay.All(ctx, log, stream) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != n {
			b.Fatalf("read %d events, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchReplay replays stream, n events, whole, summing n: without
// checkpoints; saving one every 10,000 events into what fresh gives (a
// store with none, each run: saving into one that holds them would
// replay from them); and again from checkpoints saved into saved, which
// then fold the last few events only. Each reports events/s.
func BenchReplay(b *testing.B, log replay.Log[Counted], stream replay.StreamKey, n int, fresh func(b *testing.B) replay.Snapshotter[int], saved replay.Snapshotter[int]) {
	ctx := context.Background()
	sum := func(s int, ev replay.Event[Counted]) int { return s + ev.Payload["n"] }
	want := n * (n + 1) / 2
	run := func(b *testing.B, s replay.Snapshotter[int], every int) {
		for b.Loop() {
			got, err := replay.Replay(ctx, log, s, stream, 0, sum, 0, replay.Options{SnapshotEvery: every})
			if err != nil || got != want {
				b.Fatal(got, err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
	}
	b.Run("no-checkpoints", func(b *testing.B) { run(b, nil, 0) })
	b.Run("saving-every-10000", func(b *testing.B) { run(b, fresh(b), 10_000) })
	if _, err := replay.Replay(ctx, log, saved, stream, replay.Seq(n-10), sum, 0, replay.Options{SnapshotEvery: 10_000}); err != nil {
		b.Fatal(err)
	}
	b.Run("from-checkpoints", func(b *testing.B) { run(b, saved, 0) })
}
