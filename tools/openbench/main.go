// Command openbench measures how soon a large JSON Lines log shows its
// first events, how long indexing all of it takes, the peak memory, and
// how long a jump to a random seq of its first stream takes to read:
//
//	go run ./tools/genlog -events 7000000 -streams 1000 -o /tmp/1g.jsonl
//	go run ./tools/openbench /tmp/1g.jsonl
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

func main() {
	seeks := flag.Int("seeks", 1000, "random reads of 30 events of the first stream, once indexed")
	firstOnly := flag.Bool("first", false, "stop at the first screen, without waiting for the index")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: openbench [-seeks N] [-first] FILE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	start := time.Now()
	l, err := jsonl.Open(flag.Args(), jsonl.Options{})
	if err != nil {
		fail(err)
	}
	defer l.Close()
	key, _, err := l.FirstStream(ctx)
	if err != nil {
		fail(err)
	}
	// The first screen of the debugger: the first events of the first stream.
	events, err := l.Read(ctx, key, 1, 30)
	if err != nil {
		fail(err)
	}
	first := time.Since(start)
	if *firstOnly {
		fmt.Printf("first screen (%d events of %s): %v\n", len(events), key, first.Round(time.Millisecond))
		return
	}
	if err := l.Wait(ctx); err != nil {
		fail(err)
	}
	all := time.Since(start)
	st := l.Stats()
	fmt.Printf("first screen (%d events of %s): %v\n", len(events), key, first.Round(time.Millisecond))
	fmt.Printf("indexed %d events in %d streams (%.0f MB): %v\n", st.Events, st.Streams, float64(st.BytesIndexed)/1e6, all.Round(time.Millisecond))
	if *seeks > 0 {
		seek(ctx, l, key, *seeks)
	}
	fmt.Printf("peak RSS: %s\n", peakRSS())
}

// seek reads 30 events at n random seqs of key, as the debugger's jump
// does, and prints the median and the 99th percentile.
func seek(ctx context.Context, l *jsonl.Log, key replay.StreamKey, n int) {
	last, err := l.LastSeq(ctx, key)
	if err != nil {
		fail(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	took := make([]time.Duration, n)
	for i := range took {
		from := replay.Seq(1 + rng.Int64N(max(int64(last)-30, 1)))
		start := time.Now()
		if _, err := l.Read(ctx, key, from, 30); err != nil {
			fail(err)
		}
		took[i] = time.Since(start)
	}
	slices.Sort(took)
	fmt.Printf("read 30 events at a random seq of %s (%d events), %d times: p50 %v, p99 %v\n",
		key, last, n, took[n/2].Round(time.Microsecond), took[n*99/100].Round(time.Microsecond))
}

func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
