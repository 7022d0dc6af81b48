package replay_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// eventsOnly is a global order that can only be learnt by reading events.
type eventsOnly struct{ *countingOrder }

func (e eventsOnly) GlobalPositions() {} // hides countingOrder's

// lineOrder is a global order of n events whose positions are 1..n, as a
// file's: known without reading anything.
type lineOrder struct {
	*countingOrder
	n uint64
}

func (o lineOrder) GlobalPositions(_ context.Context, _ []replay.StreamKey, from uint64, limit int) ([]uint64, error) {
	var pos []uint64
	for p := max(from, 1); p <= o.n && len(pos) < limit; p++ {
		pos = append(pos, p)
	}
	return pos, nil
}

// BenchmarkGlobalJump jumps near the end of the global order of a fresh
// GlobalLog over 1,000,000 events of 1,000 streams, as G does in the
// debugger: learning the positions before by reading the events, and
// from a GlobalPositioner whose positions are line numbers. It reports the events read a jump.
func BenchmarkGlobalJump(b *testing.B) {
	ctx := context.Background()
	log := &countingOrder{MemoryLog: replay.NewMemoryLog[int]()}
	const n = 1_000_000
	for i := range n {
		if _, err := log.Append(ctx, replay.Event[int]{Stream: replay.StreamKey(fmt.Sprint("acct-", i*7919%1000)), Payload: i}); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		log  replay.Log[int]
	}{{"reads=events", eventsOnly{log}}, {"reads=positions", lineOrder{log, n}}} {
		b.Run(tc.name, func(b *testing.B) {
			log.events = 0
			for b.Loop() {
				g, err := replay.Global(tc.log)
				if err != nil {
					b.Fatal(err)
				}
				if events, err := g.Read(ctx, g.Key(), n-40, 50); err != nil || len(events) != 41 {
					b.Fatalf("%d events, %v", len(events), err)
				}
			}
			b.ReportMetric(float64(log.events)/float64(b.N), "events-read/op")
		})
	}
}
