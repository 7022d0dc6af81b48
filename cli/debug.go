package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/replaytui/replaytui/internal/collector"
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
	Bookmarks string `placeholder:"FILE" help:"Where bookmarks are kept (default: beside the first log file, as FILE.bookmarks.json; with --pg, in the database, table replay_bookmarks, made on the first bookmark, one row per events table; for a log in a bucket (a URL), in your cache directory: replaytui/bookmarks/NAME.HASH.bookmarks.json, or in the --checkpoints bucket)."`
	Summary   string `placeholder:"FIELDS" help:"The payload values the event list shows after each event's type, comma-separated; a dotted path reaches inside a value (tags.White). S changes them in the debugger. Default: the short ones."`
	Against   string `placeholder:"REDUCER" help:"Fold the stream through this reducer too (merge, patch, set or jq:PROGRAM) and show its state beside the one under --reduce, the values that differ highlighted; ] and [ go to the next and the previous seq where they start to differ. A program built on cli.Main with cli.WithAgainst shows its two applies side by side without it."`
}

func (c *debugCmd[S, E]) Help() string {
	return `Opens the time-travel debugger on a log. Keys: → ← step, g G first and last,
: go to a seq or a time, / search, b bookmark, B bookmarks, tab next pane,
s switch stream, ? all keys, q quit. With --against, the states under two
reducers side by side, and ] [ the next and previous seq where they start to
differ.

Examples:

    replaytui testdata/match.jsonl
    replaytui --summary retry,tx -r jq:@testdata/bank.jq testdata/bank.jsonl -s acct-bob
    replaytui --reduce jq:@testdata/bank.jq testdata/bank.jsonl --stream acct-bob
    replaytui -r jq:@testdata/bank.jq --against jq:@testdata/bank-dedupe.jq testdata/bank.jsonl -s acct-bob
    replaytui -r jq:@testdata/bank.jq testdata/bank.jsonl --global   (every stream, in the log's order)
    zcat capture.jsonl.gz | replaytui -
    replaytui file://$PWD/testdata/bank.jsonl
    replaytui s3://bucket/captures/day.jsonl.gz   (a binary built with -tags cloud)`
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
	if a.cfg.tuneCollector {
		// Keyframes are most of what a debugger holds: fewer collections
		// marking them all, fewer frames drawn while one runs.
		defer collector.Headroom(collector.Room)()
	}
	src, err := a.openWith(c.Files, jsonl.Options{Follow: a.follow})
	if err != nil {
		return err
	}
	defer src.Close()
	store, err := a.bookmarkStore(src, c.Bookmarks)
	if err != nil {
		return err
	}
	start, err := a.globalView(src, c.streamFlag)
	if err != nil {
		return err
	}
	cfg := a.tuiConfig(src, store)
	if err := c.withAgainst(a, &cfg); err != nil {
		return err
	}
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
			if st.BytesTotal < 0 {
				// Compressed: how much of the files as stored is read.
				return files.ReadProgress()
			}
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
	if src.global != nil {
		offerGlobal(&cfg, src)
	}
	if start != "" {
		cfg.Stream = start
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

// withAgainst sets the second apply the debugger shows beside the
// first: --against's reducer, or the program's WithAgainst apply.
func (c *debugCmd[S, E]) withAgainst(a *app[S, E], cfg *tui.Config[S, E]) error {
	if c.Against == "" && a.cfg.against == nil {
		return nil
	}
	d := &divergeCmd[S, E]{Against: c.Against}
	against, left, right, err := d.applies(a)
	if err != nil {
		return err
	}
	cfg.Against, cfg.ApplyName, cfg.AgainstName = against, left, right
	if a.reduceFlag != nil {
		cfg.ApplyName += " " + reducerTitle(*a.reduceFlag)
	}
	if c.Against != "" {
		cfg.AgainstName += " " + reducerTitle(c.Against)
	}
	return nil
}

// reducerTitle names a reducer in a pane's title, where room is short:
// a jq program in a file by the file's name.
func reducerTitle(spec string) string {
	if file, ok := strings.CutPrefix(spec, "jq:@"); ok {
		return "jq:@" + filepath.Base(file)
	}
	return spec
}

// globalView gives the debugger the global order of the log's streams
// when the log has one: the order the flags choose (--global, --streams,
// --order), which it opens, or that of every stream, which the stream
// switcher offers.
//
// A table's global order is not followed (-f): it is the order of its
// ids, and a writer can commit an id below one already read, which would
// be skipped for good.
func (a *app[S, E]) globalView(src *source[S, E], f streamFlag) (replay.StreamKey, error) {
	_, ordered := src.log.(replay.GlobalReader[E])
	followTable := a.follow && src.files == nil
	switch {
	case f.global() && followTable && ordered:
		return "", usageError("-f follows one stream of a table, not its global order (--global, --streams): the order is that of the table's ids, and a writer can commit an id below one already shown, which the debugger would skip for good; drop -f to debug the global order as the table holds it, or follow one stream with -f --stream NAME")
	case f.global():
		return a.chosen(src, f)
	case !ordered || followTable:
		return "", nil
	}
	g, err := replay.Global(src.log)
	if err != nil {
		return "", nil // a log without one is debugged stream by stream
	}
	src.log, src.global, a.global = g, g, g
	return "", nil
}

// offerGlobal puts the global order first in the stream switcher, and
// tells the debugger how much of it files have indexed: all the events
// indexed of the streams it folds.
func offerGlobal[S, E any](cfg *tui.Config[S, E], src *source[S, E]) {
	g := src.global
	chosen := g.Chosen()
	in := func(key replay.StreamKey) bool { return len(chosen) == 0 || slices.Contains(chosen, key) }
	streams := cfg.Streams
	if cfg.FirstStream == nil {
		cfg.FirstStream = func(ctx context.Context) (replay.StreamKey, error) {
			infos, err := streams(ctx)
			if err == nil && len(infos) == 0 {
				err = errors.New("the log has no events")
			}
			if err != nil {
				return "", err
			}
			return infos[0].Key, nil
		}
	}
	cfg.Streams = func(ctx context.Context) ([]tui.StreamInfo, error) {
		infos, err := streams(ctx)
		if err != nil {
			return nil, err
		}
		all := tui.StreamInfo{Key: g.Key()}
		for _, info := range infos {
			if !in(info.Key) {
				continue
			}
			all.Events += info.Events
			if !info.First.IsZero() && (all.First.IsZero() || info.First.Before(all.First)) {
				all.First = info.First
			}
			if info.Last.After(all.Last) {
				all.Last = info.Last
			}
		}
		return append([]tui.StreamInfo{all}, infos...), nil
	}
	if indexed := cfg.Indexed; indexed != nil {
		files := src.files
		cfg.Indexed = func(key replay.StreamKey) (replay.Seq, bool) {
			switch {
			case key != g.Key():
				return indexed(key)
			case len(chosen) == 0:
				st := files.Stats()
				return replay.Seq(st.Events), st.Done
			}
			var n replay.Seq
			done := false
			for _, s := range chosen {
				got, over := indexed(s)
				n, done = n+got, over
			}
			return n, done
		}
	}
}

// bookmarkStore opens the bookmarks of the log: in path, or beside the
// first file, or for a log in PostgreSQL in its replay_bookmarks table;
// standard input has nowhere of its own to keep them, so they are kept
// for the session unless --bookmarks says where. A log in a bucket keeps
// them in the user's cache directory: few buckets can be written beside
// it. With --checkpoints the file lives in object storage, named after
// the log and its absolute path or URL (bookmarks.ObjectKey,
// urlBookmarksName). Bookmarks
// are trusted only under this apply and initial state, and a new file is
// as readable as the log.
func (a *app[S, E]) bookmarkStore(src *source[S, E], path string) (*bookmarks.Store[S], error) {
	logName := src.name
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
		switch {
		case jsonl.IsURL(logName):
			key = urlBookmarksName(logName)
		case logName != "":
			var err error
			if key, err = bookmarks.ObjectKey(logName); err != nil {
				return nil, err
			}
		}
		return bookmarks.OpenBucket(a.ctx, a.checkpoints, key, codec, opts)
	}
	if path == "" && src.bookmarks != nil {
		return bookmarks.OpenBackend(src.bookmarks.Where(), src.bookmarks, codec, opts)
	}
	switch {
	case path != "" || logName == "":
	case jsonl.IsURL(logName):
		dir, err := os.UserCacheDir()
		if err == nil {
			dir = filepath.Join(dir, "replaytui", "bookmarks")
			err = os.MkdirAll(dir, 0o700)
		}
		if err != nil {
			return nil, fmt.Errorf("bookmarks of %s: no cache directory to keep them in (%w); say where with --bookmarks FILE", logName, err)
		}
		path = filepath.Join(dir, urlBookmarksName(logName))
	default:
		path = bookmarks.DefaultPath(logName)
	}
	return bookmarks.Open(path, codec, opts)
}

// urlBookmarksName names the bookmarks file of a log in a bucket: the
// object's name and a hash of its URL, the query (a region, say) left
// out.
func urlBookmarksName(logURL string) string {
	id, name := logURL, "log"
	if u, err := url.Parse(logURL); err == nil {
		u.RawQuery, u.Fragment = "", ""
		id, name = u.String(), path.Base(u.Path)
	}
	sum := sha256.Sum256([]byte(id))
	return name + "." + hex.EncodeToString(sum[:6]) + ".bookmarks.json"
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
