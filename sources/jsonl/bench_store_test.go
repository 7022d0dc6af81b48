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
	"github.com/replaytui/replaytui/replay/replaytest"
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
	replaytest.BenchRead(b, million(b), "big", 1_000_000)
}

// BenchmarkStoreReplay1M replays the stream whole (replaytest.BenchReplay),
// its checkpoints in memory: a file has no checkpoints of its own, the
// debugger keeps keyframes.
func BenchmarkStoreReplay1M(b *testing.B) {
	fresh := func(*testing.B) replay.Snapshotter[int] { return replay.NewMemorySnapshotter[int]() }
	replaytest.BenchReplay(b, million(b), "big", 1_000_000, fresh, replay.NewMemorySnapshotter[int]())
}
