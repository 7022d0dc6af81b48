package jsonl_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// The figures of the README's table of stores, for a JSON Lines file
// (the same as sources/postgres and sources/jetstream report):
//
//	go test ./sources/jsonl -run '^$' -bench Store -benchtime 1x
//
// They report events per second. Appends are written, not synced.

func BenchmarkStoreAppend(b *testing.B) {
	for _, writers := range []int{1, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			log, err := jsonl.Create(filepath.Join(b.TempDir(), "log.jsonl"))
			if err != nil {
				b.Fatal(err)
			}
			defer log.Close()
			const each = 2000
			ctx := context.Background()
			round := 0
			for b.Loop() {
				round++
				var wg sync.WaitGroup
				for w := range writers {
					wg.Go(func() {
						stream := replay.StreamKey(fmt.Sprintf("w%d-%d", w, round))
						for i := range each {
							ev := replay.Event[jsonv.Payload]{Stream: stream, Payload: jsonv.Payload{Value: []byte(fmt.Sprint(i))}}
							if _, err := log.Append(ctx, ev); err != nil {
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

// million writes a file holding a 1,000,000-event stream "big" whose
// payloads are {"n": i}, with a second stream every tenth line, and
// opens it indexed.
func million(b *testing.B) *jsonl.Typed[map[string]int] {
	path := filepath.Join(b.TempDir(), "million.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 1; i <= 1_000_000; i++ {
		fmt.Fprintf(w, `{"stream":"big","seq":%d,"payload":{"n":%d}}`+"\n", i, i)
		if i%10 == 0 {
			fmt.Fprintf(w, `{"stream":"other","seq":%d,"payload":{"n":%d}}`+"\n", i/10, i)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	log, err := jsonl.Open([]string{path}, jsonl.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { log.Close() })
	if err := log.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
	return jsonl.NewTyped(log, jsonl.Codec[map[string]int]{})
}

func BenchmarkStoreRead1M(b *testing.B) {
	log := million(b)
	ctx := context.Background()
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

// BenchmarkStoreReplay1M replays the stream whole: without checkpoints;
// saving one every 10,000 events on the way (in memory: a file has no
// checkpoints of its own, the debugger keeps keyframes); and again from
// those checkpoints.
func BenchmarkStoreReplay1M(b *testing.B) {
	log := million(b)
	ctx := context.Background()
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
	snap := replay.NewMemorySnapshotter[int]()
	b.Run("no-checkpoints", func(b *testing.B) { run(b, nil, 0) })
	b.Run("saving-every-10000", func(b *testing.B) { run(b, replay.NewMemorySnapshotter[int](), 10_000) })
	if _, err := replay.Replay(ctx, replay.Log[map[string]int](log), snap, "big", 999_990, sumN, 0, replay.Options{SnapshotEvery: 10_000}); err != nil {
		b.Fatal(err)
	}
	b.Run("from-checkpoints", func(b *testing.B) { run(b, snap, 0) })
}
