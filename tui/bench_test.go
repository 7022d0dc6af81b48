package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// BenchmarkStep measures one step of the debugger as the user sees it —
// the seek to a random seq (and its previous one), the diff, and the
// rendering of the rows on screen — over a 1,000,000-event stream whose
// JSON state has 10,000 keys, once keyframes are built. Target: p99 under
// 16 ms, one frame at 60 Hz.
//
//	go test ./tui -run '^$' -bench Step -benchtime 2000x
func BenchmarkStep(b *testing.B) {
	const events, keys = 1_000_000, 10_000
	ctx := context.Background()
	log := replay.NewMemoryLog[jsonv.Payload]()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range events {
		p := fmt.Sprintf(`{"k%05d":%d}`, rng.IntN(keys), i)
		if _, err := log.Append(ctx, replay.Event[jsonv.Payload]{Stream: "s", Payload: jsonv.Payload{Value: []byte(p)}}); err != nil {
			b.Fatal(err)
		}
	}
	names, vals := make([]string, keys), make([]any, keys)
	for i := range keys {
		names[i], vals[i] = fmt.Sprintf("k%05d", i), float64(0)
	}
	cfg, err := withDefaults(jsonConfig(log))
	if err != nil {
		b.Fatal(err)
	}
	cfg.Initial = jsonv.ObjectOf(names, vals)
	tl, err := replay.NewTimeline(cfg.Log, "s", cfg.Apply, cfg.Initial, replay.TimelineOptions[any]{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := tl.BuildKeyframes(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("keyframes %+v built in %v", tl.Keyframes(), time.Since(start))
	st := newStyles(true)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		target := replay.Seq(1 + rng.IntN(events))
		t0 := time.Now()
		msg := seekCmd(ctx, &cfg, tl, 1, seekReq[any, jsonv.Payload]{seq: target})().(seekedMsg[any, jsonv.Payload])
		if msg.err != nil {
			b.Fatal(msg.err)
		}
		rows, _ := msg.doc.Rows(nil, rng.IntN(keys), 30)
		for _, r := range rows {
			_ = renderRow(st, r, 80, false, false, false)
		}
		_ = renderDiff(st, msg.changes, 80, 10, 0)
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
