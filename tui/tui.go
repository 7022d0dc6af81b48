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
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
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
	Bookmarks *bookmarks.Store[S]
	// Title is shown in the terminal's title bar.
	Title string

	// Summary is the one-line description of an event in the event list
	// (default: its payload, shortened).
	Summary func(replay.Event[E]) string
	// Doc lays a state out in rows (default: PrettyDoc, kr/pretty).
	Doc func(S) Doc
	// Diff lists what changed between two states (default: by
	// reflection, replay.Compare).
	Diff func(before, after S) []Change
	// Line is the canonical text of an event: what search looks in, and
	// what bookmark digests are made of (default: encoding/json).
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
	// Interrupt, when set, is called when the user stops a seek or a
	// search (esc), to stop an apply that is running now: a fold can only
	// notice the end of its context between events, and one apply may run
	// for ever (a jq reducer's reduce.Guard.Interrupt).
	Interrupt func()
}

// Evaluator is a compiled expression over a state and the event that led
// to it.
type Evaluator[S, E any] func(state S, ev replay.Event[E]) (any, error)

// StreamInfo describes a stream in the stream switcher.
type StreamInfo struct {
	Key         replay.StreamKey
	Events      int
	First, Last time.Time
}

// Change is one thing an event changed, rendered for the diff pane.
type Change struct {
	Path, Kind, Old, New string // Kind: added, removed or changed
}

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
		cfg.Diff = func(a, b S) []Change {
			var out []Change
			for _, d := range replay.Compare(a, b) {
				out = append(out, Change{Path: d.Path, Kind: d.Kind(), Old: d.A, New: d.B})
			}
			return out
		}
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
		store, err := bookmarks.Open("", bookmarks.JSONCodec[S](), bookmarks.Options[S]{})
		if err != nil {
			return cfg, err
		}
		cfg.Bookmarks = store
	}
	return cfg, nil
}
