package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/tui"
)

// debugCmd opens the debugger: the default command.
type debugCmd[S, E any] struct {
	filesArg
	streamFlag
	Bookmarks string `placeholder:"FILE" help:"Where bookmarks are kept (default: beside the first log file, as FILE.bookmarks.json)."`
	Summary   string `placeholder:"FIELDS" help:"The payload values the event list shows after each event's type, comma-separated; a dotted path reaches inside a value (tags.White). S changes them in the debugger. Default: the short ones."`
}

func (c *debugCmd[S, E]) Help() string {
	return `Opens the time-travel debugger on a log. Keys: → ← step, g G first and last,
: go to a seq or a time, / search, b bookmark, B bookmarks, tab next pane,
s switch stream, ? all keys, q quit.

Examples:

    replaytui testdata/match.jsonl
    replaytui --summary retry,tx -r jq:@testdata/bank.jq testdata/bank.jsonl -s acct-bob
    replaytui --reduce jq:@testdata/bank.jq testdata/bank.jsonl --stream acct-bob
    zcat capture.jsonl.gz | replaytui -`
}

func (c *debugCmd[S, E]) Run(a *app[S, E]) error {
	// A mistyped command reaches here as a file name; "-" is standard
	// input.
	if len(c.Files) == 1 && c.Files[0] != "-" && !strings.ContainsAny(c.Files[0], "./") {
		f := c.Files[0]
		if _, err := os.Stat(f); errors.Is(err, os.ErrNotExist) {
			return usageError("no command or file named %q (commands: streams, state, diff, find, verify, export; see --help)", f)
		}
	}
	src, err := a.openWith(c.Files, jsonl.Options{Follow: a.follow})
	if err != nil {
		return err
	}
	defer src.Close()
	store, err := a.bookmarkStore(src.name, c.Bookmarks)
	if err != nil {
		return err
	}
	cfg := a.tuiConfig(src, store)
	if a.guard != nil {
		cfg.Interrupt = a.guard.Interrupt
	}
	if src.files != nil {
		files := src.files
		cfg.Indexed = files.Indexed
		cfg.FirstStream = func(ctx context.Context) (replay.StreamKey, error) {
			key, ok, err := files.FirstStream(ctx)
			if err == nil && !ok {
				err = errors.New("the log has no events")
			}
			return key, err
		}
		cfg.Reading = func() (int64, int64) {
			st := files.Stats()
			return st.BytesIndexed, st.BytesTotal
		}
		cfg.Health = func() (bool, string) {
			st := files.Stats()
			switch {
			case st.Err != nil:
				return true, st.Err.Error()
			case a.follow && st.Done && st.FollowNote != "":
				return true, st.FollowNote
			case st.FollowNote != "":
				return false, st.FollowNote
			case st.Truncated != nil && st.Done:
				return false, st.Truncated.Error()
			}
			return false, ""
		}
	}
	if c.Stream != nil {
		cfg.Stream = replay.StreamKey(*c.Stream)
	}
	cfg.SummaryFields = strings.FieldsFunc(c.Summary, func(r rune) bool { return r == ',' || r == ' ' })
	if err := a.cfg.debugger(a.ctx, cfg); err != nil {
		return err
	}
	// Problems met while reading the log, now that the screen is back:
	// a log that stopped at an error is bad input, however long it was
	// looked at before.
	a.warn(src)
	if src.files != nil {
		st := src.files.Stats()
		if st.FollowNote != "" {
			fmt.Fprintf(a.errOut, "%s: %s\n", a.cfg.name, st.FollowNote)
		}
		return st.Err
	}
	return nil
}

// bookmarkStore opens the bookmarks of the log: in path, or beside the
// first file; standard input and databases have nowhere of their own to
// keep them, so they are kept for the session unless --bookmarks says
// where. With --checkpoints the file lives in object storage, named
// after the log and its absolute path (bookmarks.ObjectKey). Bookmarks
// are trusted only under this apply and initial state, and a new file is
// as readable as the log.
func (a *app[S, E]) bookmarkStore(logName, path string) (*bookmarks.Store[S], error) {
	codec := bookmarks.Codec[S]{Marshal: a.cfg.marshal, Unmarshal: a.cfg.unmarshal}
	opts := bookmarks.Options[S]{Apply: a.applyID, Initial: a.initial}
	if logName != "" {
		if st, err := os.Stat(logName); err == nil {
			// The owner must be able to write them; others read them if
			// they can read the log (the states come from it).
			opts.Mode = st.Mode().Perm()&0o666 | 0o600
		}
	}
	if a.checkpoints != "" {
		key := "replaytui.bookmarks.json"
		if logName != "" {
			var err error
			if key, err = bookmarks.ObjectKey(logName); err != nil {
				return nil, err
			}
		}
		return bookmarks.OpenBucket(a.ctx, a.checkpoints, key, codec, opts)
	}
	if path == "" && logName != "" {
		path = bookmarks.DefaultPath(logName)
	}
	return bookmarks.Open(path, codec, opts)
}

// tuiConfig tells the debugger about the program's types and the log.
func (a *app[S, E]) tuiConfig(src *source[S, E], store *bookmarks.Store[S]) tui.Config[S, E] {
	cfg := tui.Config[S, E]{
		Log:     src.log,
		Apply:   a.apply,
		Initial: a.initial,
		Clone:   a.cfg.clone,
		Title:   a.cfg.name,
		Summary: func(ev replay.Event[E]) string {
			// A row of the event list has room for more than the type a
			// command prints: the payload's short values too.
			if p, ok := any(ev.Payload).(jsonv.Payload); ok {
				return p.Summary()
			}
			return a.cfg.summary(ev.Payload)
		},
		SummaryOf: func(ev replay.Event[E], fields []string, width int) string {
			p, ok := any(ev.Payload).(jsonv.Payload)
			if !ok {
				var err error
				if p, err = a.cfg.codec.Encode(ev.Payload); err != nil {
					return a.cfg.summary(ev.Payload)
				}
			}
			return p.SummaryOf(fields, width)
		},
		Doc:  a.cfg.doc,
		Diff: a.cfg.diff,
		Line: func(ev replay.Event[E]) string {
			p, err := a.cfg.codec.Encode(ev.Payload)
			if err != nil {
				return ""
			}
			line, _ := jsonl.MarshalLine(replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: p})
			return string(line)
		},
		Streams: src.infos,
		ParseTime: func(s string) (time.Time, error) {
			t, ok, err := jsonl.ParseTime([]byte(strconv.Quote(s)))
			if err != nil || !ok {
				return t, errors.New("want RFC 3339 (2026-05-30T12:00:00Z), a date or Unix time")
			}
			return t, nil
		},
		Follow: a.follow,
		Compile: func(source string) (tui.Evaluator[S, E], error) {
			c, err := compileCondition(a.cfg, source, false)
			if err != nil {
				return nil, err
			}
			return c.eval, nil
		},
	}
	cfg.FindAll = func(ctx context.Context, where string, progress func(done, total int)) (tui.FoundAll, error) {
		return a.findAll(ctx, src, where, progress)
	}
	if store != nil {
		cfg.Bookmarks = bookmarkStore[S]{store}
	}
	if a.cfg.accumulate != nil && a.reduceFlag != nil {
		// Seeks fold in place with the reducer's accumulator, when it has
		// one (merge, set, jq): far less to allocate, and to collect.
		spec := *a.reduceFlag
		cfg.Accumulate = func(from S) replay.Accumulator[S, E] { return a.cfg.accumulate(spec, a.guard, from) }
	}
	return cfg
}
