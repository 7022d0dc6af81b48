package jsonl_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// BenchmarkGlobalJump opens a log of many interleaved streams, waits for
// its index, and jumps near the end of its global order, as G does in the
// debugger: the log REPLAY_BENCH_GLOBAL names (as genlog's
//
//	go run ./tools/genlog -events 3000000 -streams 1000 -o /tmp/3m.jsonl
//
// ), else 200,000 events of 1,000 streams written here. It reports the
// first jump (which works the global order out), a second one, the
// longest Stats call meanwhile (how long the index's lock was held), and
// the bytes allocated and kept for the global order, an event.
func BenchmarkGlobalJump(b *testing.B) {
	path := os.Getenv("REPLAY_BENCH_GLOBAL")
	if path == "" {
		path = filepath.Join(b.TempDir(), "log.jsonl")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		for i := range 200_000 {
			fmt.Fprintf(f, `{"stream":"acct-%d","payload":{"n":%d}}`+"\n", i*7919%1000, i)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	var first, second, stall time.Duration
	var allocated, kept, events float64
	for b.Loop() {
		l, err := jsonl.Open([]string{path}, jsonl.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Wait(ctx); err != nil {
			b.Fatal(err)
		}
		g, err := replay.Global(replay.Log[jsonv.Payload](l))
		if err != nil {
			b.Fatal(err)
		}
		n := l.Stats().Events
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)

		done := make(chan struct{})
		var wg sync.WaitGroup
		var longest time.Duration
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				t := time.Now()
				l.Stats()
				longest = max(longest, time.Since(t))
				time.Sleep(time.Millisecond)
			}
		})
		t := time.Now()
		read, err := g.Read(ctx, g.Key(), replay.Seq(n-40), 50)
		first += time.Since(t)
		close(done)
		wg.Wait()
		stall += longest
		if err != nil || len(read) != 41 {
			b.Fatalf("read %d events near the end, %v; want 41", len(read), err)
		}
		runtime.ReadMemStats(&after)
		allocated += float64(after.TotalAlloc - before.TotalAlloc)
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept += float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
		events += float64(n)

		t = time.Now()
		if _, err := g.Read(ctx, g.Key(), replay.Seq(n/2), 50); err != nil {
			b.Fatal(err)
		}
		second += time.Since(t)
		runtime.KeepAlive(g)
		l.Close()
	}
	runs := float64(b.N)
	b.ReportMetric(float64(first.Milliseconds())/runs, "first-jump-ms")
	b.ReportMetric(float64(second.Microseconds())/1000/runs, "next-jump-ms")
	b.ReportMetric(float64(stall.Microseconds())/1000/runs, "max-Stats-ms")
	b.ReportMetric(allocated/events, "alloc-B/event")
	b.ReportMetric(kept/events, "kept-B/event")
}
