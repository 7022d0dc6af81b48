package jsonl

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// TestPositions checks that the blocks of deltas give back every position
// and line number added, one at a time and in runs, across files, across
// large gaps and in a block being filled.
func TestPositions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var a arena
	var p positions
	var wantPos []uint64
	var wantLine []uint32
	input, off, no := uint64(0), uint64(0), uint32(0)
	for i := range 5*posBlockLen + 37 {
		switch {
		case i%300 == 299: // the next file: offsets and lines start again
			input++
			off, no = uint64(rng.IntN(10)), uint32(1+rng.IntN(3))
		case i%50 == 49: // a stream far from its last event
			off += 1 << 40
			no += 1 << 30
		default:
			off += uint64(1 + rng.IntN(200_000))
			no += uint32(1 + rng.IntN(2000))
		}
		pos := input<<posShift | off
		p.add(&a, pos, no, uint32(rng.IntN(1<<17)))
		wantPos, wantLine = append(wantPos, pos), append(wantLine, no)

		// Every event added so far, one by one.
		for j := range wantPos {
			if gp, gl := p.at(j); gp != wantPos[j] || gl != wantLine[j] {
				t.Fatalf("after %d events: event %d at %#x line %d, want %#x line %d", i+1, j, gp, gl, wantPos[j], wantLine[j])
			}
		}
	}
	if p.n != len(wantPos) {
		t.Fatalf("n = %d, want %d", p.n, len(wantPos))
	}
	// Runs of every length from every start.
	for from := range p.n {
		for _, n := range []int{1, 2, posBlockLen - 1, posBlockLen, posBlockLen + 1, 3 * posBlockLen, p.n} {
			n = min(n, p.n-from)
			pos, lines := make([]uint64, n), make([]uint32, n)
			p.run(pos, lines, from)
			for k := range n {
				if pos[k] != wantPos[from+k] || lines[k] != wantLine[from+k] {
					t.Fatalf("run of %d from %d: event %d at %#x line %d, want %#x line %d", n, from, from+k, pos[k], lines[k], wantPos[from+k], wantLine[from+k])
				}
			}
		}
	}
}

// writeInterleaved writes a log of events spread at random over streams,
// as tools/genlog does, and returns its path.
func writeInterleaved(tb testing.TB, events, streams int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "log.jsonl")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(1, 1))
	seqs := make([]int, streams)
	for i := range events {
		s := rng.IntN(streams)
		seqs[s]++
		fmt.Fprintf(w, `{"stream":"s%d","seq":%d,"time":"2026-01-01T00:00:00Z","payload":{"acct-%d":{"balance":%d,"tx":%d},"n":%d}}`+"\n",
			s, seqs[s], rng.IntN(50), rng.IntN(100_000), i, i+1)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkIndexBytes indexes a log of 1,000 interleaved streams (as the
// 1 GB and 10 GB logs of bench/run.sh are, smaller) and reports the
// bytes the index keeps per event.
func BenchmarkIndexBytes(b *testing.B) {
	for _, streams := range []int{1, 1000} {
		b.Run(fmt.Sprintf("streams=%d", streams), func(b *testing.B) {
			const events = 500_000
			path := writeInterleaved(b, events, streams)
			var size int
			for b.Loop() {
				l, err := Open([]string{path}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := l.Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
				size = l.indexBytes()
				l.Close()
			}
			b.ReportMetric(float64(size)/events, "index-bytes/event")
		})
	}
}

// BenchmarkSeekRead reads 30 events at random seqs of one stream of a
// log of 1,000 streams, as a jump in the debugger does: the index finds
// the positions, the file gives the lines.
func BenchmarkSeekRead(b *testing.B) {
	path := writeInterleaved(b, 500_000, 1000)
	l, err := Open([]string{path}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil {
		b.Fatal(err)
	}
	key := replay.StreamKey("s1")
	last, err := l.LastSeq(ctx, key)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for b.Loop() {
		from := replay.Seq(1 + rng.IntN(int(last)-30))
		if _, err := l.read(ctx, key, from, 30); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPositionsRun finds the positions of a run of 2,048 events at a
// random seq (the most a jump in the debugger folds) among 1,000,000:
// what the index adds to reading them back.
func BenchmarkPositionsRun(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var a arena
	var p positions
	off, no := uint64(0), uint32(0)
	for range 1_000_000 {
		off += uint64(1 + rng.IntN(250_000))
		no += uint32(1 + rng.IntN(2000))
		p.add(&a, off, no, 65536/125)
	}
	const run = 2048
	pos, lines := make([]uint64, run), make([]uint32, run)
	for b.Loop() {
		p.run(pos, lines, rng.IntN(p.n-run))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*run), "ns/event")
}

// TestEveryEventIsFoundAgain opens two files of interleaved streams, of
// lines of uneven length with blank lines between, long enough to fill
// many blocks of the index, and reads every event back: by runs, and one
// by one with the file and line it is on.
func TestEveryEventIsFoundAgain(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	dir := t.TempDir()
	type place struct {
		file string
		line int
		text string
	}
	where := map[replay.StreamKey][]place{}
	var paths []string
	for f := range 2 {
		path := filepath.Join(dir, fmt.Sprintf("part%d.jsonl", f))
		var b []byte
		no := 0
		for range 3000 {
			for range rng.IntN(3) { // blank lines count as lines
				b = append(b, '\n')
				no++
			}
			key := replay.StreamKey(fmt.Sprintf("s%d", rng.IntN(5)))
			line := fmt.Sprintf(`{"stream":%q,"payload":{"pad":"%s"}}`, key, strings.Repeat("x", rng.IntN(300)))
			b = append(b, line...)
			b = append(b, '\n')
			no++
			where[key] = append(where[key], place{path, no, line})
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	l, err := Open(paths, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for key, places := range where {
		for from := 1; from <= len(places); from += 97 {
			events, err := l.read(ctx, key, replay.Seq(from), 300)
			if err != nil {
				t.Fatal(err)
			}
			if want := min(300, len(places)-from+1); len(events) != want {
				t.Fatalf("%s from seq %d: %d events, want %d", key, from, len(events), want)
			}
			for i, ev := range events {
				if ev.Stream != key || ev.Seq != replay.Seq(from+i) {
					t.Fatalf("%s from seq %d: event %d is %s seq %d", key, from, i, ev.Stream, ev.Seq)
				}
			}
		}
		for i, want := range places {
			at, line, err := l.RawLine(ctx, key, replay.Seq(i+1))
			if err != nil {
				t.Fatal(err)
			}
			if at.File != want.file || at.Line != want.line || string(line) != want.text {
				t.Fatalf("%s seq %d at %s: %.40s, want %s:%d: %.40s", key, i+1, at, line, want.file, want.line, want.text)
			}
		}
	}
}

func TestPositionsBelowAndCursor(t *testing.T) {
	var a arena
	var p positions
	var all []uint64
	r := rand.New(rand.NewPCG(1, 2))
	at := uint64(10)
	for i := range 1000 {
		at += 1 + r.Uint64N(300)
		if i == 600 {
			at = 1<<posShift | 5 // the next file
		}
		p.add(&a, at, uint32(i+1), 1<<12)
		all = append(all, at)
	}
	c := posCursor{p: &p}
	c.load()
	for i, want := range all {
		if c.i != i || c.at != want {
			t.Fatalf("cursor at event %d position %d, want %d %d", c.i, c.at, i, want)
		}
		if more := c.next(); more != (i < len(all)-1) {
			t.Fatalf("next after event %d = %v", i, more)
		}
	}
	for _, probe := range []uint64{0, all[0], all[0] + 1, all[127], all[128], all[128] + 1, all[599] + 1, all[600], all[999], all[999] + 1} {
		want := 0
		for _, x := range all {
			if x < probe {
				want++
			}
		}
		if got := p.below(probe); got != want {
			t.Errorf("below(%d) = %d, want %d", probe, got, want)
		}
	}
}

func TestStreamIDsWiden(t *testing.T) {
	var s, t2 streamIDs
	s.add(3)
	t2.add(7)
	t2.add(70_000)
	s.add(9)
	s.addAll(&t2)
	s.add(1)
	want := []uint32{3, 9, 7, 70_000, 1}
	if s.len() != len(want) {
		t.Fatalf("%d ids, want %d", s.len(), len(want))
	}
	for i, id := range want {
		if s.at(i) != id {
			t.Errorf("id %d = %d, want %d", i, s.at(i), id)
		}
	}
}
