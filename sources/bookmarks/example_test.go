package bookmarks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
)

// A bookmark saved by one apply is listed, but never used, by another.
func Example() {
	dir, _ := os.MkdirTemp("", "bookmarks")
	defer os.RemoveAll(dir)
	path := bookmarks.DefaultPath(filepath.Join(dir, "bank.jsonl"))
	ctx := context.Background()
	line := func(ev replay.Event[int]) string { return fmt.Sprint(ev.Payload) }
	log := replay.NewMemoryLog[int]()
	for _, amount := range []int{100, -30, 5} {
		log.Append(ctx, replay.Event[int]{Stream: "acct", Payload: amount})
	}

	v1, _ := bookmarks.Open(path, bookmarks.JSONCodec[int](), bookmarks.Options[int]{Apply: "bank v1"})
	digest, _ := bookmarks.Digest(ctx, log, "acct", 2, line)
	v1.Add(replay.Checkpoint[int]{Stream: "acct", Seq: 2, State: 70}, "after the fee", time.Time{}, digest)

	for _, apply := range []string{"bank v1", "bank v2"} {
		s, _ := bookmarks.Open(path, bookmarks.JSONCodec[int](), bookmarks.Options[int]{Apply: apply})
		bookmarks.VerifyStream(ctx, s, log, "acct", line)
		b := s.List("acct")[0]
		cp, _ := s.Load(ctx, "acct", 3)
		fmt.Printf("%s: %q is %v %s; used: %v\n", apply, b.Note, b.Status, b.Reason, cp != nil)
	}
	// Output:
	// bank v1: "after the fee" is verified ; used: true
	// bank v2: "after the fee" is stale made by another apply: "bank v1" (this session: "bank v2"); used: false
}
