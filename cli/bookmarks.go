package cli

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
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
		out[i] = tui.Bookmark{ID: keyID(m.Key()), Seq: m.Seq, Note: m.Note, Time: m.Time}
		switch m.Status {
		case bookmarks.Verified:
			out[i].Status = tui.Usable
		case bookmarks.Stale:
			out[i].Status, out[i].Reason = tui.Unusable, m.Reason
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

func (b bookmarkStore[S]) Rename(stream replay.StreamKey, id string, note string) error {
	k, err := idKey(stream, id)
	if err != nil {
		return err
	}
	return b.Store.Rename(k, note)
}

func (b bookmarkStore[S]) Delete(stream replay.StreamKey, id string) error {
	k, err := idKey(stream, id)
	if err != nil {
		return err
	}
	return b.Store.Delete(k)
}

func (b bookmarkStore[S]) Undelete(stream replay.StreamKey, id string) error {
	k, err := idKey(stream, id)
	if err != nil {
		return err
	}
	return b.Store.Undelete(k)
}

func (b bookmarkStore[S]) Where() string { return b.Path() }

// keyID writes a bookmark's identity as the debugger's opaque id: its seq
// and when it was made.
func keyID(k bookmarks.Key) string {
	return strconv.FormatUint(uint64(k.Seq), 10) + "@" + k.Created.Format(time.RFC3339Nano)
}

func idKey(stream replay.StreamKey, id string) (bookmarks.Key, error) {
	seq, created, ok := strings.Cut(id, "@")
	n, err := strconv.ParseUint(seq, 10, 64)
	t, terr := time.Parse(time.RFC3339Nano, created)
	if !ok || err != nil || terr != nil {
		return bookmarks.Key{}, fmt.Errorf("no bookmark %q", id)
	}
	return bookmarks.Key{Stream: stream, Seq: replay.Seq(n), Created: t}, nil
}
