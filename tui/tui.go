// Package tui is the replaytui debugger: a Bubble Tea program over any
// replay.Log, generic in the state S and the event payload E. Every seek
// goes through a replay.Timeline and runs in a command, never in Update,
// so a long fold never freezes the screen, and a newer seek cancels an
// older one still running.
//
//	err := tui.Run(ctx, tui.Config[bank.State, bank.Event]{
//		Log: log, Apply: bank.Apply, Initial: bank.State{},
//	})
package tui

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/replay"
)

// Config is what the debugger is opened on. Log and Apply are required;
// everything else has a default.
type Config[S, E any] struct {
	Log     replay.Log[E]
	Apply   replay.Apply[S, E]
	Initial S
	// Stream is the stream to open; "" opens the first one the log lists
	// (the log must then be a replay.StreamLister, or Streams be set).
	Stream replay.StreamKey
	// Clone protects checkpoints from an apply that mutates its input
	// (see replay.TimelineOptions.Clone).
	Clone func(S) S
	// Bookmarks stores bookmarks; nil keeps them for this session only.
	Bookmarks BookmarkStore[S]
	// Title is shown in the terminal's title bar.
	Title string

	// Summary is the one-line description of an event in the event list
	// (default: its payload, shortened).
	Summary func(replay.Event[E]) string
	// SummaryOf describes an event by the values at fields, payload
	// member names or dotted paths to members inside them, chosen by the
	// user (S), in about width cells; nil: the user cannot choose.
	SummaryOf func(ev replay.Event[E], fields []string, width int) string
	// SummaryFields are the fields the rows show at the start (with
	// SummaryOf); none: Summary's.
	SummaryFields []string
	// Doc lays a state out in rows (default: PrettyDoc, kr/pretty).
	Doc func(S) Doc
	// Diff lists what changed between two states (default: by
	// reflection, replay.Compare).
	Diff func(before, after S) []Change
	// Line is the canonical text of an event: what search looks in, what
	// the event pane shows, and what bookmarks are checked against
	// (default: encoding/json).
	Line func(replay.Event[E]) string
	// Streams lists the streams to switch between (default: the log's
	// replay.StreamLister and replay.LastSeqReporter).
	Streams func(context.Context) ([]StreamInfo, error)
	// Indexed reports, without waiting, how many events of a stream a log
	// that is still being read has so far, and whether it is complete
	// (sources/jsonl's Log.Indexed).
	Indexed func(replay.StreamKey) (replay.Seq, bool)
	// FirstStream returns the stream to open when Stream is "", as soon as
	// it is known (default: the first of Streams, which may wait for the
	// whole log to be read).
	FirstStream func(context.Context) (replay.StreamKey, error)
	// Reading reports how far a log that is still being read has got, in
	// bytes, for a progress bar (total < 0: unknown).
	Reading func() (done, total int64)
	// Follow watches the log for new events, as they are appended, and
	// keeps the selection at the end when it is there.
	Follow bool
	// Health reports, without waiting, how reading a log in the
	// background goes: stopped is true once it ended early (at an error,
	// a followed file truncated) and note says why; else note says what
	// the user should know of it ("" when nothing): a followed file
	// rotated, a last line cut short. The status bar shows it; a stopped
	// log is never said to be followed.
	Health func() (stopped bool, note string)
	// Compile turns an expression over state and event into an
	// Evaluator, for watches (w), continue (c, C), bisect (F) and play
	// conditions; nil leaves those out. The replaytui command line gives
	// expr-lang expressions.
	Compile func(source string) (Evaluator[S, E], error)
	// ParseTime reads a time typed at the : prompt (default: RFC 3339 or
	// a date); the command line reads times as its logs write them.
	ParseTime func(string) (time.Time, error)
	// Accumulate, when set, gives an accumulator that folds in place from
	// a state, for the long part of a seek (replay.Timeline.Accumulate):
	// the built-in merge reducer has one. It may return nil.
	Accumulate func(from S) replay.Accumulator[S, E]
	// FindAll, when set, searches every stream of the log for the first
	// seq where a condition (as Compile reads it) holds, telling progress
	// how many streams it has answered of how many; progress may be
	// called from several goroutines at once. It stops when ctx ends. f
	// uses it; nil leaves f out. The command line gives find's search of
	// every stream.
	FindAll func(ctx context.Context, condition string, progress func(done, total int)) (FoundAll, error)
	// Interrupt, when set, is called when the user stops a seek or a
	// search (esc), to stop an apply that is running now: a fold can only
	// notice the end of its context between events, and one apply may run
	// for ever (a jq reducer's reduce.Guard.Interrupt).
	Interrupt func()

	// Against, when set, is a second apply the stream is folded through
	// beside Apply, from the same Initial, on a timeline of its own: the
	// state pane shows the two states side by side, the values that
	// differ highlighted, and ] and [ go to the next and the previous seq
	// where they start to differ. ApplyName and AgainstName title the two
	// (default "apply" and "against").
	Against                replay.Apply[S, E]
	ApplyName, AgainstName string
}

// BookmarkStore keeps the user's bookmarks: checkpoints with a note, that
// seeks start from (it is a replay.Snapshotter whose Load returns only
// bookmarks it can vouch for). The command line keeps them in a file
// beside the log (sources/bookmarks); with none, they last the session.
type BookmarkStore[S any] interface {
	replay.Snapshotter[S]
	// List returns the bookmarks of stream, by seq.
	List(stream replay.StreamKey) []Bookmark
	// Add bookmarks the state c with a note. lines are the stream's
	// events from seq 1 to c.Seq as Config.Line writes them, which the
	// store may keep a digest of to check the bookmark later.
	Add(ctx context.Context, c replay.Checkpoint[S], note string, at time.Time, lines iter.Seq2[string, error]) error
	// Check compares the bookmarks of stream not checked yet with its
	// events (lines, from seq 1), and returns how many can no longer be
	// used.
	Check(ctx context.Context, stream replay.StreamKey, lines iter.Seq2[string, error]) (unusable int, err error)
	// Rename and Delete act on the bookmark with id (Bookmark.ID): there
	// may be several at one seq, from other debuggers or reducers.
	Rename(stream replay.StreamKey, id string, note string) error
	Delete(stream replay.StreamKey, id string) error
	// Undelete brings back, as it was, the bookmark with id that Delete
	// deleted in this session: u undoes a delete.
	Undelete(stream replay.StreamKey, id string) error
	// Watches returns the watches saved for this log and apply: a watch
	// over one reducer's states means nothing over another's.
	Watches() []string
	// SaveWatches saves the session's watches, in order, whenever they
	// change. Other debuggers' changes since this one's last save are
	// kept: what one adds, or deletes, is not undone by another.
	SaveWatches(watches []string) error
	// Where says where the bookmarks are kept (a file, an object), or ""
	// when they last the session only.
	Where() string
}

// Bookmark is a bookmark as the debugger lists it.
type Bookmark struct {
	ID     string // which bookmark, for Rename and Delete
	Seq    replay.Seq
	Note   string
	Time   time.Time // the event's
	Status BookmarkStatus
	// Reason says why an Unusable bookmark is not used.
	Reason string
}

// BookmarkStatus says whether seeks may start from a bookmark.
type BookmarkStatus int

const (
	Checking BookmarkStatus = iota // not compared with the log yet
	Usable
	Unusable // shown, never used: see Reason
)

// Evaluator is a compiled expression over a state and the event that led
// to it.
type Evaluator[S, E any] func(state S, ev replay.Event[E]) (any, error)

// StreamInfo describes a stream in the stream switcher.
type StreamInfo = replay.StreamInfo

// Change is one thing an event changed, for the diff pane.
type Change = changes.Change

// Run opens the debugger in the terminal and returns when the user quits
// (or ctx is cancelled). An apply that panics is shown, not fatal, and
// the terminal is always given back as it was.
func Run[S, E any](ctx context.Context, cfg Config[S, E]) error {
	m, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if os.Getenv("NO_COLOR") != "" {
		// Any value means no colour (no-color.org), not only "1" and "true".
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err = tea.NewProgram(m, opts...).Run()
	m.shutdown()
	if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// withDefaults fills in the defaults of a Config.
func withDefaults[S, E any](cfg Config[S, E]) (Config[S, E], error) {
	if cfg.Log == nil {
		return cfg, errors.New("tui: Config.Log is nil")
	}
	if cfg.Apply == nil {
		return cfg, errors.New("tui: Config.Apply is nil")
	}
	if cfg.Title == "" {
		cfg.Title = "replaytui"
	}
	cfg.ApplyName, cfg.AgainstName = cmp.Or(cfg.ApplyName, "apply"), cmp.Or(cfg.AgainstName, "against")
	if cfg.Summary == nil {
		cfg.Summary = func(ev replay.Event[E]) string {
			s := fmt.Sprintf("%+v", ev.Payload)
			if len(s) > 80 {
				s = s[:79] + "…"
			}
			return s
		}
	}
	if cfg.Doc == nil {
		cfg.Doc = func(s S) Doc { return PrettyDoc(s) }
	}
	if cfg.Diff == nil {
		cfg.Diff = func(a, b S) []Change { return changes.FromDifferences(replay.Compare(a, b)) }
	}
	if cfg.Line == nil {
		cfg.Line = func(ev replay.Event[E]) string {
			b, err := json.Marshal(ev)
			if err != nil {
				return fmt.Sprintf("%+v", ev)
			}
			return string(b)
		}
	}
	if cfg.Streams == nil {
		cfg.Streams = func(ctx context.Context) ([]StreamInfo, error) {
			lister, ok := cfg.Log.(replay.StreamLister)
			if !ok {
				if cfg.Stream != "" {
					return []StreamInfo{{Key: cfg.Stream}}, nil
				}
				return nil, errors.New("this log cannot list its streams; open one by name")
			}
			keys, err := lister.Streams(ctx)
			if err != nil {
				return nil, err
			}
			infos := make([]StreamInfo, len(keys))
			for i, k := range keys {
				infos[i].Key = k
				if lr, ok := cfg.Log.(replay.LastSeqReporter); ok {
					last, err := lr.LastSeq(ctx, k)
					if err != nil {
						return nil, err
					}
					infos[i].Events = int(last)
				}
			}
			return infos, nil
		}
	}
	if cfg.FirstStream == nil {
		cfg.FirstStream = func(ctx context.Context) (replay.StreamKey, error) {
			infos, err := cfg.Streams(ctx)
			if err != nil {
				return "", err
			}
			if len(infos) == 0 {
				return "", errors.New("the log has no events")
			}
			return infos[0].Key, nil
		}
	}
	if cfg.Bookmarks == nil {
		cfg.Bookmarks = newSessionBookmarks[S]()
	}
	if cfg.ParseTime == nil {
		cfg.ParseTime = func(s string) (time.Time, error) {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
				if t, err := time.Parse(layout, s); err == nil {
					return t, nil
				}
			}
			return time.Time{}, errors.New("want RFC 3339 (2026-05-30T12:00:00Z) or a date (2026-05-30)")
		}
	}
	return cfg, nil
}
