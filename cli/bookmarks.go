package cli

import (
	"context"
	"iter"
	"time"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
	"github.com/replaytui/replaytui/tui"
)

// bookmarkStore is a sources/bookmarks store as the debugger sees it: the
// debugger hands it the stream's events as lines, and it keeps and checks
// digests of them.
type bookmarkStore[S any] struct{ *bookmarks.Store[S] }

var _ tui.BookmarkStore[int] = bookmarkStore[int]{}

func (b bookmarkStore[S]) List(stream replay.StreamKey) []tui.Bookmark {
	marks := b.Store.List(stream)
	out := make([]tui.Bookmark, len(marks))
	for i, m := range marks {
		out[i] = tui.Bookmark{Seq: m.Seq, Note: m.Note, Time: m.Time}
		switch m.Status {
		case bookmarks.Verified:
			out[i].Status = tui.Usable
		case bookmarks.Stale:
			out[i].Status, out[i].Reason = tui.Unusable, "the log changed since it was made"
		}
	}
	return out
}

func (b bookmarkStore[S]) Add(ctx context.Context, c replay.Checkpoint[S], note string, at time.Time, lines iter.Seq2[string, error]) error {
	var d bookmarks.Digester
	for line, err := range lines {
		if err != nil {
			return err
		}
		d.Add([]byte(line))
	}
	return b.Store.Add(c, note, at, d.String())
}

// Check walks the stream up to its last bookmark not checked yet and
// compares each one's digest with the events'.
func (b bookmarkStore[S]) Check(ctx context.Context, stream replay.StreamKey, lines iter.Seq2[string, error]) (int, error) {
	want := map[replay.Seq]bool{}
	for _, m := range b.Store.List(stream) {
		if m.Status == bookmarks.Unverified {
			want[m.Seq] = true
		}
	}
	var d bookmarks.Digester
	unusable := 0
	seq := replay.Seq(0)
	for line, err := range lines {
		if err != nil {
			return unusable, err
		}
		if len(want) == 0 {
			break
		}
		seq++
		d.Add([]byte(line))
		if want[seq] {
			if !b.Store.Verify(stream, seq, d.String()) {
				unusable++
			}
			delete(want, seq)
		}
	}
	for seq := range want { // past the end of the stream now
		b.Store.Verify(stream, seq, "")
		unusable++
	}
	return unusable, nil
}

func (b bookmarkStore[S]) Where() string { return b.Path() }
