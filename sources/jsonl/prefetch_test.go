package jsonl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// A batch is read ahead only once reads go on from one another in steps
// of one size, as a fold's do: a lone read (a page of the debugger's
// list, the events around a seq) or the shorter last read of a range is
// not followed by a batch that nobody asks for.
func TestReadsAheadOnlyWhenReadsAreSequential(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // reading ahead needs two
	var text strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&text, `{"stream":"s","payload":{"n":%d}}`+"\n", i)
	}
	path := filepath.Join(t.TempDir(), "log.jsonl")
	if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open([]string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	pending := func() (replay.Seq, int, bool) {
		l.prefetch.mu.Lock()
		defer l.prefetch.mu.Unlock()
		if b := l.prefetch.pending; b != nil {
			return b.from, b.limit, true
		}
		return 0, 0, false
	}
	read := func(from replay.Seq, limit int) {
		t.Helper()
		events, err := l.Read(ctx, "s", from, limit)
		if err != nil || len(events) != min(limit, 100-int(from)+1) || events[0].Seq != from {
			t.Fatalf("read %d from seq %d: %d events, %v", limit, from, len(events), err)
		}
	}
	read(40, 10) // alone
	if from, limit, ok := pending(); ok {
		t.Fatalf("a lone read of seqs 40–49 reads %d from seq %d ahead", limit, from)
	}
	read(50, 5) // on from it, another size: the end of a range
	if from, limit, ok := pending(); ok {
		t.Fatalf("a read of 5 after one of 10 reads %d from seq %d ahead", limit, from)
	}
	read(1, 10)
	read(11, 10) // sequential
	if from, limit, ok := pending(); !ok || from != 21 || limit != 10 {
		t.Fatalf("two reads of 10 in a row read ahead %d from seq %d (any: %v); want 10 from seq 21", limit, from, ok)
	}
	read(21, 10) // the batch read ahead
	read(31, 10)
	if from, limit, ok := pending(); !ok || from != 41 || limit != 10 {
		t.Fatalf("reading on after the batch read ahead reads %d from seq %d ahead (any: %v); want 10 from seq 41", limit, from, ok)
	}
}
