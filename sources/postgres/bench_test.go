package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/replaytui/replaytui/replay"
)

// Benchmarks against the real server (REPLAY_TEST_POSTGRES):
//
//	go test ./sources/postgres -run '^$' -bench . -benchtime 1x
//
// They report events per second.

func BenchmarkAppend(b *testing.B) {
	p := pool(b)
	for _, writers := range []int{1, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			events, _ := tables(b, p)
			log, _ := NewLog[int](p, events)
			const each = 2000
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				var wg sync.WaitGroup
				for w := range writers {
					wg.Go(func() {
						stream := replay.StreamKey(fmt.Sprintf("w%d-%d", w, time.Now().UnixNano()))
						for i := range each {
							if _, err := log.Append(ctx, replay.Event[int]{Stream: stream, Payload: i}); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(writers*each*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkLoad appends as export --pg loads a capture: 1,000 events to
// a transaction (AppendBatch), of 1 stream or of 100 interleaved.
func BenchmarkLoad(b *testing.B) {
	p := pool(b)
	for _, streams := range []int{1, 100} {
		b.Run(fmt.Sprintf("streams=%d", streams), func(b *testing.B) {
			events, _ := tables(b, p)
			log, _ := NewLog[int](p, events)
			const n, batch = 100_000, 1000
			ctx := context.Background()
			round := 0
			for b.Loop() {
				round++
				next := map[replay.StreamKey]replay.Seq{}
				evs := make([]replay.Event[int], 0, batch)
				for i := range n {
					s := replay.StreamKey(fmt.Sprintf("r%d-s%d", round, i%streams))
					next[s]++
					evs = append(evs, replay.Event[int]{Stream: s, Seq: next[s], Payload: i})
					if len(evs) == batch {
						if err := log.AppendBatch(ctx, evs); err != nil {
							b.Fatal(err)
						}
						evs = evs[:0]
					}
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// million fills a table with a 1,000,000-event stream (COPY, fast) whose
// payloads are {"n": i}.
func million(b *testing.B) (*Log[map[string]int], string) {
	p := pool(b)
	events, checkpoints := tables(b, p)
	const n = 1_000_000
	rows := make([][]any, 0, n)
	for i := 1; i <= n; i++ {
		rows = append(rows, []any{"big", int64(i), []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	if _, err := p.CopyFrom(context.Background(), pgx.Identifier{events}, []string{"stream", "seq", "payload"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	log, _ := NewLog[map[string]int](p, events)
	return log, checkpoints
}

func BenchmarkRead1M(b *testing.B) {
	log, _ := million(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range replay.All(ctx, replay.Log[map[string]int](log), "big") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1_000_000 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(1_000_000*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func sumN(s int, ev replay.Event[map[string]int]) int { return s + ev.Payload["n"] }

// BenchmarkReplay1M replays the stream whole: without checkpoints; saving
// a checkpoint every 10,000 events on the way; and again once those
// checkpoints exist (the replay then folds the last few events only).
func BenchmarkReplay1M(b *testing.B) {
	log, checkpoints := million(b)
	ctx := context.Background()
	snap, _ := NewSnapshotter[int](log.pool, checkpoints, nil, nil)
	want := 1_000_000 * 1_000_001 / 2
	run := func(b *testing.B, s replay.Snapshotter[int], every int) {
		for b.Loop() {
			got, err := replay.Replay(ctx, replay.Log[map[string]int](log), s, "big", 0, sumN, 0, replay.Options{SnapshotEvery: every})
			if err != nil || got != want {
				b.Fatal(got, err)
			}
		}
		b.ReportMetric(1_000_000*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	}
	b.Run("no-checkpoints", func(b *testing.B) { run(b, nil, 0) })
	b.Run("saving-every-10000", func(b *testing.B) {
		run(b, snap, 10_000)
		log.pool.Exec(ctx, "DELETE FROM "+quote(checkpoints))
	})
	if err := func() error {
		_, err := replay.Replay(ctx, replay.Log[map[string]int](log), snap, "big", 999_990, sumN, 0, replay.Options{SnapshotEvery: 10_000})
		return err
	}(); err != nil {
		b.Fatal(err)
	}
	b.Run("from-checkpoints", func(b *testing.B) { run(b, snap, 0) })
}
