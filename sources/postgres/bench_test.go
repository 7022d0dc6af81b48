package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
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
	replaytest.BenchRead(b, log, "big", 1_000_000)
}

// BenchmarkReplay1M replays the stream whole (replaytest.BenchReplay),
// its checkpoints in the checkpoints table.
func BenchmarkReplay1M(b *testing.B) {
	log, checkpoints := million(b)
	snap, _ := NewSnapshotter[int](log.pool, checkpoints, nil, nil)
	fresh := func(*testing.B) replay.Snapshotter[int] {
		log.pool.Exec(context.Background(), "DELETE FROM "+quote(checkpoints))
		return snap
	}
	replaytest.BenchReplay(b, log, "big", 1_000_000, fresh, snap)
}
