package replay_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
)

const benchEvents = 1_000_000

// applySum is called through a variable by the benchmark and by its
// baseline alike, so neither gets an inlined apply.
var applySum replay.Apply[int, int] = sum

// BenchmarkReplay folds a 1,000,000-event stream with a trivial apply:
// through Replay over a MemoryLog (which folds in place via SharedReader),
// through Replay over the copying Read path, and as a hand-written loop
// over a slice, the baseline. Compare the ns/event figures.
func BenchmarkReplay(b *testing.B) {
	log := ints(b, benchEvents)
	events, err := log.Read(context.Background(), "s", 1, benchEvents)
	if err != nil {
		b.Fatal(err)
	}
	want := triangle(benchEvents)
	b.Run("loop", func(b *testing.B) {
		for b.Loop() {
			s := 0
			for _, ev := range events {
				s = applySum(s, ev)
			}
			if s != want {
				b.Fatal(s)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchEvents, "ns/event")
	})
	for _, c := range []struct {
		name string
		log  replay.Log[int]
	}{{"MemoryLog", log}, {"Read", &readOnly[int]{log: log}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s, err := replay.Replay(context.Background(), c.log, nil, "s", 0, applySum, 0, replay.Options{})
				if err != nil || s != want {
					b.Fatal(s, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchEvents, "ns/event")
		})
	}
}

// BenchmarkReplayVsLoop alternates the hand-written loop and Replay over
// a MemoryLog within each iteration, so that both see the same machine
// (a shared one's load drifts between sub-benchmarks), and reports their
// ratio: the target is at most 1.3.
//
//	go test ./replay -run '^$' -bench ReplayVsLoop -count 5
func BenchmarkReplayVsLoop(b *testing.B) {
	log := ints(b, benchEvents)
	events, err := log.Read(context.Background(), "s", 1, benchEvents)
	if err != nil {
		b.Fatal(err)
	}
	want := triangle(benchEvents)
	var loop, fold time.Duration
	for b.Loop() {
		t0 := time.Now()
		s := 0
		for _, ev := range events {
			s = applySum(s, ev)
		}
		t1 := time.Now()
		r, err := replay.Replay(context.Background(), log, nil, "s", 0, applySum, 0, replay.Options{})
		t2 := time.Now()
		if s != want || r != want || err != nil {
			b.Fatal(s, r, err)
		}
		loop += t1.Sub(t0)
		fold += t2.Sub(t1)
	}
	b.ReportMetric(float64(loop.Nanoseconds())/float64(b.N)/benchEvents, "loop-ns/event")
	b.ReportMetric(float64(fold.Nanoseconds())/float64(b.N)/benchEvents, "replay-ns/event")
	b.ReportMetric(float64(fold)/float64(loop), "ratio")
}

// BenchmarkTimeline measures seeks over a 1,000,000-event stream with an
// int state once keyframes are built: random seeks anywhere, and one step
// back from a random position. It reports the latency quantiles.
func BenchmarkTimeline(b *testing.B) {
	ctx := context.Background()
	tl, err := replay.NewTimeline(ints(b, benchEvents), "s", chain, 0, replay.TimelineOptions[int]{})
	if err != nil {
		b.Fatal(err)
	}
	if err := tl.BuildKeyframes(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("keyframes: %+v", tl.Keyframes())
	rng := rand.New(rand.NewPCG(1, 2))
	measure := func(b *testing.B, prepare func() replay.Seq) {
		lat := make([]time.Duration, 0, b.N)
		for b.Loop() {
			target := prepare()
			start := time.Now()
			if _, _, err := tl.Seek(ctx, target); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportQuantiles(b, lat)
	}
	b.Run("random", func(b *testing.B) {
		measure(b, func() replay.Seq { return replay.Seq(1 + rng.IntN(benchEvents)) })
	})
	b.Run("stepBack", func(b *testing.B) {
		measure(b, func() replay.Seq {
			b.StopTimer()
			from := replay.Seq(2 + rng.IntN(benchEvents-1))
			if _, _, err := tl.Seek(ctx, from); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			return from - 1
		})
	})
}

func reportQuantiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(q(0.50), "p50-ns")
	b.ReportMetric(q(0.99), "p99-ns")
}

// The investigation benchmarks: a 1,000,000-event stream whose condition
// changes near the middle, searched with the timeline's keyframes and, as
// the baseline, by replaying from the first event at every step.
//
//	go test ./replay -run '^$' -bench 'ReverseContinue|Bisect' -benchtime 3x

const middle = 500_000

func middleTimeline(b *testing.B) (*replay.MemoryLog[int], *replay.Timeline[int, int]) {
	log := ints(b, benchEvents)
	tl, err := replay.NewTimeline(log, "s", applySum, 0, replay.TimelineOptions[int]{})
	if err != nil {
		b.Fatal(err)
	}
	if err := tl.BuildKeyframes(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	return log, tl
}

// before holds while the running sum has not reached the middle's.
func before(s int, _ replay.Event[int]) (bool, error) { return s < triangle(middle), nil }

func BenchmarkReverseContinue(b *testing.B) {
	log, tl := middleTimeline(b)
	ctx := context.Background()
	b.Run("keyframes", func(b *testing.B) {
		var cost replay.ScanCost
		for b.Loop() {
			seq, ok, c, err := tl.ReverseContinue(ctx, benchEvents, before, nil)
			if err != nil || !ok || seq != middle-1 {
				b.Fatal(seq, ok, err)
			}
			cost = c
		}
		b.ReportMetric(float64(cost.Folded), "events-folded")
	})
	// Replaying from the start for each seq going back from the end: it
	// would fold the sum of all those seqs. Measured over the last steps
	// and extrapolated; it would take far too long to run whole.
	b.Run("naive", func(b *testing.B) {
		const steps = 10
		var took time.Duration
		for b.Loop() {
			start := time.Now()
			for seq := replay.Seq(benchEvents - 1); seq > benchEvents-1-steps; seq-- {
				s, err := replay.Replay(ctx, log, nil, "s", seq, applySum, 0, replay.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if ok, _ := before(s, replay.Event[int]{}); ok {
					b.Fatal("found too early")
				}
			}
			took = time.Since(start)
		}
		var total float64 // events folded by the whole naive search
		for seq := middle - 1; seq < benchEvents; seq++ {
			total += float64(seq)
		}
		perEvent := took.Seconds() / float64(steps*(benchEvents-1-steps/2))
		b.ReportMetric(total, "events-folded")
		b.ReportMetric(total*perEvent, "est-s")
	})
}

func BenchmarkBisect(b *testing.B) {
	log, tl := middleTimeline(b)
	ctx := context.Background()
	reached := func(s int, ev replay.Event[int]) (bool, error) { ok, _ := before(s, ev); return !ok, nil }
	b.Run("keyframes", func(b *testing.B) {
		var cost replay.ScanCost
		for b.Loop() {
			seq, c, err := tl.Bisect(ctx, 0, benchEvents, reached)
			if err != nil || seq != middle {
				b.Fatal(seq, err)
			}
			cost = c
		}
		b.ReportMetric(float64(cost.Folded), "events-folded")
		b.ReportMetric(float64(cost.Seeks), "seeks")
	})
	b.Run("naive", func(b *testing.B) {
		folded := 0
		for b.Loop() {
			folded = 0
			lo, hi := replay.Seq(0), replay.Seq(benchEvents)
			for hi-lo > 1 {
				mid := lo + (hi-lo)/2
				s, err := replay.Replay(ctx, log, nil, "s", mid, applySum, 0, replay.Options{})
				if err != nil {
					b.Fatal(err)
				}
				folded += int(mid)
				if ok, _ := reached(s, replay.Event[int]{}); ok {
					hi = mid
				} else {
					lo = mid
				}
			}
			if hi != middle {
				b.Fatal(hi)
			}
		}
		b.ReportMetric(float64(folded), "events-folded")
	})
}
