package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
)

// TestBookmarksInATable: two debuggers keep their bookmarks in one row,
// at the same time, and lose none; the table is made on the first write.
func TestBookmarksInATable(t *testing.T) {
	p := pool(t)
	var b [6]byte
	rand.Read(b[:])
	table := "test_bookmarks_" + hex.EncodeToString(b[:])
	t.Cleanup(func() { p.Exec(context.Background(), "DROP TABLE IF EXISTS "+quote(table)) })
	open := func(log string) *bookmarks.Store[int] {
		t.Helper()
		row, err := NewBookmarks(p, table, log)
		if err != nil {
			t.Fatal(err)
		}
		s, err := bookmarks.OpenBackend(row.Where(), row, bookmarks.JSONCodec[int](), bookmarks.Options[int]{Apply: "sum"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := open("replay_events")
	if n := len(first.List("")); n != 0 {
		t.Fatalf("a log with no row has %d bookmarks", n)
	}
	if err := exists(context.Background(), p, table); err == nil {
		t.Fatal("reading made the table")
	}
	second := open("replay_events")
	var wg sync.WaitGroup
	for i, s := range []*bookmarks.Store[int]{first, second} {
		wg.Go(func() {
			for seq := range 10 {
				cp := replay.Checkpoint[int]{Stream: replay.StreamKey(fmt.Sprint("s", i)), Seq: replay.Seq(seq + 1), State: seq}
				if err := s.Add(cp, "", time.Time{}, ""); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n := len(open("replay_events").List("")); n != 20 {
		t.Fatalf("after two debuggers added 10 bookmarks each, the row holds %d", n)
	}
	if n := len(open("another_log").List("")); n != 0 {
		t.Fatalf("another log's row holds %d bookmarks", n)
	}
	for i, b := range open("replay_events").List("s1") {
		if b.Seq != replay.Seq(i+1) {
			t.Fatalf("bookmark %d of s1 is at seq %d", i, b.Seq)
		}
	}
}
