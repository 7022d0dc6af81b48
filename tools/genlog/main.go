// Command genlog writes large synthetic JSON Lines logs for benchmarks:
// events whose payloads are merge patches of a ledger-like state.
//
//	go run ./tools/genlog -events 1000000 -o /tmp/1m.jsonl
//	go run ./tools/genlog -events 10000000 -streams 1000 -o /tmp/1g.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

func main() {
	events := flag.Int("events", 1_000_000, "how many events")
	streams := flag.Int("streams", 1, "how many streams, interleaved")
	keys := flag.Int("keys", 50, "distinct accounts a payload patches")
	out := flag.String("o", "-", "output file (- for standard output)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()

	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(*seed, 2))
	seqs := make([]int, *streams)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var line []byte
	for i := range *events {
		s := rng.IntN(*streams)
		seqs[s]++
		line = append(line[:0], `{"stream":"s`...)
		line = strconv.AppendInt(line, int64(s), 10)
		line = append(line, `","seq":`...)
		line = strconv.AppendInt(line, int64(seqs[s]), 10)
		line = append(line, `,"time":"`...)
		line = t0.Add(time.Duration(i)*time.Second).AppendFormat(line, time.RFC3339)
		line = append(line, `","payload":{"acct-`...)
		line = strconv.AppendInt(line, int64(rng.IntN(*keys)), 10)
		line = append(line, `":{"balance":`...)
		line = strconv.AppendInt(line, int64(rng.IntN(100_000)), 10)
		line = append(line, `,"tx":`...)
		line = strconv.AppendInt(line, int64(i), 10)
		line = append(line, `},"n":`...)
		line = strconv.AppendInt(line, int64(i+1), 10)
		line = append(line, "}}\n"...)
		bw.Write(line)
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
