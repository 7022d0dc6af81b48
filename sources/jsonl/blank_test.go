package jsonl_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/sources/jsonl"
)

func TestBlankLinesTakeNoMemory(t *testing.T) {
	const blank = 1 << 20
	path := write(t, "blank.jsonl", lines("s", 1, 2)+strings.Repeat("\n", blank)+lines("s", 3, 4)+strings.Repeat("\r\n  \n", blank/2))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := open(t, jsonl.Options{}, path)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if st := l.Stats(); st.Events != 4 || st.Lines != 2*blank+4 {
		t.Fatalf("stats %+v", st)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("indexing %d blank lines allocated %.1f MB", 2*blank, float64(alloc)/(1<<20))
	// Reading 3.5 MB of file in 4 MB chunks takes a few of those; a few
	// dozen bytes per blank line would take over a hundred MB.
	if alloc > 64<<20 {
		t.Fatalf("indexing %d blank lines allocated %d MB", 2*blank, alloc>>20)
	}
}
