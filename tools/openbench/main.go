// Command openbench measures how soon a large JSON Lines log shows its
// first events, how long indexing all of it takes, and the peak memory:
//
//	go run ./tools/genlog -events 7000000 -streams 1000 -o /tmp/1g.jsonl
//	go run ./tools/openbench /tmp/1g.jsonl
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/replaytui/replaytui/sources/jsonl"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: openbench FILE...")
		os.Exit(2)
	}
	ctx := context.Background()
	start := time.Now()
	l, err := jsonl.Open(os.Args[1:], jsonl.Options{})
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
	if err := l.Wait(ctx); err != nil {
		fail(err)
	}
	all := time.Since(start)
	st := l.Stats()
	fmt.Printf("first screen (%d events of %s): %v\n", len(events), key, first.Round(time.Millisecond))
	fmt.Printf("indexed %d events in %d streams (%.0f MB): %v\n", st.Events, st.Streams, float64(st.BytesIndexed)/1e6, all.Round(time.Millisecond))
	fmt.Printf("peak RSS: %s\n", peakRSS())
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
