package tui

import (
	"context"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
)

// sessionBookmarks is the BookmarkStore of a debugger given none: the
// bookmarks of this session, in memory, always usable (nothing can change
// the log under them without the session seeing it).
type sessionBookmarks[S any] struct {
	mu      sync.Mutex
	snap    *replay.MemorySnapshotter[S]
	marks   map[replay.StreamKey][]Bookmark
	deleted map[replay.StreamKey][]Bookmark
	watches []string
}

func newSessionBookmarks[S any]() *sessionBookmarks[S] {
	return &sessionBookmarks[S]{snap: replay.NewMemorySnapshotter[S](), marks: map[replay.StreamKey][]Bookmark{}, deleted: map[replay.StreamKey][]Bookmark{}}
}

func (b *sessionBookmarks[S]) Save(ctx context.Context, c replay.Checkpoint[S]) error {
	return b.Add(ctx, c, "", time.Time{}, nil)
}

func (b *sessionBookmarks[S]) Load(ctx context.Context, stream replay.StreamKey, atOrBefore replay.Seq) (*replay.Checkpoint[S], error) {
	return b.snap.Load(ctx, stream, atOrBefore)
}

func (b *sessionBookmarks[S]) List(stream replay.StreamKey) []Bookmark {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.marks[stream])
}

func (b *sessionBookmarks[S]) Add(ctx context.Context, c replay.Checkpoint[S], note string, at time.Time, _ iter.Seq2[string, error]) error {
	if err := b.snap.Save(ctx, c); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	marks := slices.DeleteFunc(b.marks[c.Stream], func(m Bookmark) bool { return m.Seq == c.Seq })
	marks = append(marks, Bookmark{ID: seqText(c.Seq), Seq: c.Seq, Note: note, Time: at, Status: Usable})
	slices.SortFunc(marks, func(x, y Bookmark) int { return int(x.Seq) - int(y.Seq) })
	b.marks[c.Stream] = marks
	return nil
}

func (b *sessionBookmarks[S]) Check(context.Context, replay.StreamKey, iter.Seq2[string, error]) (int, error) {
	return 0, nil
}

func (b *sessionBookmarks[S]) Rename(stream replay.StreamKey, id string, note string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.marks[stream] {
		if b.marks[stream][i].ID == id {
			b.marks[stream][i].Note = note
		}
	}
	return nil
}

func (b *sessionBookmarks[S]) Delete(stream replay.StreamKey, id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i := slices.IndexFunc(b.marks[stream], func(m Bookmark) bool { return m.ID == id }); i >= 0 {
		b.deleted[stream] = append(b.deleted[stream], b.marks[stream][i])
		b.marks[stream] = slices.Delete(b.marks[stream], i, i+1)
	}
	// The checkpoint stays in the snapshotter; with no bookmark listing it
	// it is still a correct state, so seeks may keep using it.
	return nil
}

func (b *sessionBookmarks[S]) Undelete(stream replay.StreamKey, id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := slices.IndexFunc(b.deleted[stream], func(m Bookmark) bool { return m.ID == id })
	if i < 0 {
		return errorf("no bookmark %s was deleted", id)
	}
	m := b.deleted[stream][i]
	b.deleted[stream] = slices.Delete(b.deleted[stream], i, i+1)
	if slices.ContainsFunc(b.marks[stream], func(o Bookmark) bool { return o.Seq == m.Seq }) {
		return errorf("seq %d was bookmarked again since", m.Seq) // one bookmark a seq, here
	}
	marks := append(b.marks[stream], m)
	slices.SortFunc(marks, func(x, y Bookmark) int { return int(x.Seq) - int(y.Seq) })
	b.marks[stream] = marks
	return nil
}

func (b *sessionBookmarks[S]) Watches() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.watches)
}

func (b *sessionBookmarks[S]) SaveWatches(watches []string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.watches = slices.Clone(watches)
	return nil
}

func (b *sessionBookmarks[S]) Where() string { return "" }

// lines is the stream's events from seq 1 to until (0: all) as Config.Line
// writes them, for a BookmarkStore to digest.
func lines[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, until replay.Seq) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for ev, err := range replay.All(ctx, cfg.Log, stream) {
			if err != nil {
				yield("", err)
				return
			}
			if until != 0 && ev.Seq > until {
				return
			}
			if !yield(cfg.Line(ev), nil) {
				return
			}
		}
	}
}

// Messages of the bookmark store, emitted by the commands below.
type (
	// bookmarksMsg is the stream's bookmarks as the store lists them now,
	// after a change or a check, with what to say about it.
	bookmarksMsg struct {
		stream  replay.StreamKey
		marks   []Bookmark
		checked bool // the outcome of a check
		message string
		err     error
		// undoable is the bookmark deleted, or not brought back after
		// all: u may bring it back.
		undoable *Bookmark
	}
)

// listBookmarksCmd reads the store's list, off the UI loop: a store may
// take a lock or a file.
func listBookmarksCmd[S, E any](cfg *Config[S, E], stream replay.StreamKey, message string, err error) tea.Cmd {
	return func() tea.Msg {
		return bookmarksMsg{stream: stream, marks: cfg.Bookmarks.List(stream), message: message, err: err}
	}
}

func addBookmarkCmd[S, E any](ctx context.Context, cfg *Config[S, E], c replay.Checkpoint[S], at time.Time, note string) tea.Cmd {
	return func() tea.Msg {
		err := cfg.Bookmarks.Add(ctx, c, note, at, lines(ctx, cfg, c.Stream, c.Seq))
		msg := "bookmarked seq " + seqText(c.Seq)
		if note != "" {
			msg += " " + note
		}
		return bookmarksMsg{stream: c.Stream, marks: cfg.Bookmarks.List(c.Stream), message: msg, err: wrapErr("bookmark", err)}
	}
}

func renameBookmarkCmd[S, E any](cfg *Config[S, E], stream replay.StreamKey, b Bookmark, note string) tea.Cmd {
	return func() tea.Msg {
		err := cfg.Bookmarks.Rename(stream, b.ID, note)
		return bookmarksMsg{stream: stream, marks: cfg.Bookmarks.List(stream), err: wrapErr("rename bookmark", err)}
	}
}

func deleteBookmarkCmd[S, E any](cfg *Config[S, E], stream replay.StreamKey, b Bookmark) tea.Cmd {
	return func() tea.Msg {
		err := cfg.Bookmarks.Delete(stream, b.ID)
		msg := bookmarksMsg{stream: stream, marks: cfg.Bookmarks.List(stream), message: "deleted the bookmark at seq " + seqText(b.Seq) + " · u undoes", err: wrapErr("delete bookmark", err)}
		if err == nil {
			msg.undoable = &b
		}
		return msg
	}
}

// undeleteBookmarkCmd brings back a bookmark deleted in this session,
// with its checkpoint. One that cannot come back (its seq bookmarked
// again, the store's copy gone) leaves the undo list all the same, so
// that the next u goes on to the one deleted before it.
func undeleteBookmarkCmd[S, E any](cfg *Config[S, E], stream replay.StreamKey, b Bookmark) tea.Cmd {
	return func() tea.Msg {
		err := cfg.Bookmarks.Undelete(stream, b.ID)
		return bookmarksMsg{stream: stream, marks: cfg.Bookmarks.List(stream), message: "restored the bookmark at seq " + seqText(b.Seq), err: wrapErr("restore bookmark", err)}
	}
}

// checkBookmarksCmd checks the stream's bookmarks from an earlier session
// (or another debugger) against the log, so that they are used only when
// their events still match, and says which cannot be, and why. Quiet, it
// says nothing but errors: a check of what a change of the user's brought
// in from the store.
func checkBookmarksCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, quiet bool) tea.Cmd {
	return func() tea.Msg {
		marks := cfg.Bookmarks.List(stream)
		if len(marks) == 0 {
			return bookmarksMsg{stream: stream, checked: true}
		}
		_, err := cfg.Bookmarks.Check(ctx, stream, lines(ctx, cfg, stream, 0))
		msg := bookmarksMsg{stream: stream, marks: cfg.Bookmarks.List(stream), checked: true, err: wrapErr("checking bookmarks", err)}
		var reasons []string
		unusable := 0
		for _, b := range msg.marks {
			if b.Status == Unusable {
				unusable++
				if !slices.Contains(reasons, b.Reason) {
					reasons = append(reasons, b.Reason)
				}
			}
		}
		switch {
		case err != nil || quiet:
		case unusable == 1:
			msg.err = errorf("a bookmark of %s is not used: %s (B lists it)", stream, reasons[0])
		case unusable > 1:
			msg.err = errorf("%d bookmarks of %s are not used: %s (B lists them)", unusable, stream, strings.Join(reasons, "; "))
		}
		return msg
	}
}
