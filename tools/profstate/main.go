package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

func main() {
	f, _ := os.Create("/tmp/cpu.prof")
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	start := time.Now()
	l, err := jsonl.Open(os.Args[1:], jsonl.Options{})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	l.ReadAhead("stream-0", os.Getenv("DECODE") != "")
	var empty any = (*jsonv.Object)(nil)
	s, err := replay.Replay(ctx, l, nil, "stream-0", 0, reduce.Merge, empty, replay.Options{})
	fmt.Println("folded", time.Since(start), err, len(jsonv.Marshal(s)))
}
