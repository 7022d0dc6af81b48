package cli

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"path"
	"strconv"
	"strings"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/sources/postgres"
)

// source is an opened log: JSON Lines files, or a PostgreSQL table. The
// commands see it as a replay.Log with payloads decoded into E.
type source[S, E any] struct {
	log   replay.Log[E]
	files *jsonl.Log // the files, when the log is files
	// global is log wrapped to serve its global order too (--global),
	// once it is asked for.
	global *replay.GlobalLog[E]
	infos  func(context.Context) ([]replay.StreamInfo, error)
	close  func() error
	// name locates the log, for the default place of its bookmarks: the
	// first file ("" for standard input and databases).
	name string
	// bookmarks keeps the bookmarks of a log in a database (nil for
	// files).
	bookmarks *postgres.Bookmarks
}

func (s *source[S, E]) Close() error { return s.close() }

// wait waits until the whole log is read (files are indexed in the
// background) and returns what stopped it.
func (s *source[S, E]) wait(ctx context.Context) error {
	if s.files == nil {
		return nil
	}
	return s.files.Wait(ctx)
}

// pgFlags say where a log in PostgreSQL is.
type pgFlags struct {
	PG           string `name:"pg" placeholder:"DSN" help:"Read the log from PostgreSQL instead of files (postgres://user@host:5432/db). To load a JSON Lines file into it: replaytui export FILE --pg DSN --pg-create."`
	PGTable      string `name:"pg-table" placeholder:"TABLE" help:"The events table (default replay_events; with the column flags, a table of your own, read-only)."`
	PGStreamCol  string `name:"pg-stream-column" placeholder:"COLUMN" help:"Your table's stream column."`
	PGSeqCol     string `name:"pg-seq-column" placeholder:"COLUMN" help:"Your table's column that orders a stream's events: an integer (smallint, integer or bigint; an id, gaps are fine). Text or other types are refused: map a view that casts them."`
	PGTimeCol    string `name:"pg-time-column" placeholder:"COLUMN" help:"Your table's event time column (optional)."`
	PGPayloadCol string `name:"pg-payload-column" placeholder:"COLUMN" help:"Your table's payload column: json or jsonb; text (JSON in it read as JSON, other text as a string); bytea (as a base64 string); numbers, booleans and others as their JSON values."`
	PGCreate     bool   `name:"pg-create" help:"Create replaytui's events table (--pg-table, default replay_events) if it is missing, and nothing else (sources/postgres/schema.sql). Not with the column flags: a table of your own is never created."`
}

func (f *pgFlags) mapped() bool {
	return f.PGStreamCol != "" || f.PGSeqCol != "" || f.PGTimeCol != "" || f.PGPayloadCol != ""
}

// open opens the log the command line names: files, or --pg.
func (a *app[S, E]) open(files []string) (*source[S, E], error) {
	return a.openWith(files, jsonl.Options{})
}

// openWith opens with options for files; --skip-bad is added to them.
func (a *app[S, E]) openWith(files []string, opts jsonl.Options) (*source[S, E], error) {
	switch {
	case a.pg.PG != "" && len(files) > 0:
		return nil, usageError("give log files or --pg, not both")
	case a.nats.NATS != "" && (len(files) > 0 || a.pg.PG != ""):
		return nil, usageError("give one log: files, --pg or --nats")
	case a.pg.PG != "":
		return a.openPG()
	case a.nats.NATS != "":
		return a.openNATS()
	case len(files) == 0:
		return nil, usageError("no log: give files (- for standard input) or --pg DSN")
	}
	opts.SkipBad = opts.SkipBad || a.skipBad
	l, err := jsonl.Open(files, opts)
	if err != nil {
		return nil, err
	}
	src := &source[S, E]{files: l, close: l.Close}
	if files[0] != "-" {
		src.name = files[0]
	}
	if direct, ok := any(l).(replay.Log[E]); ok {
		src.log = direct // JSON events: no conversion
	} else {
		src.log = jsonl.NewTyped(l, a.cfg.codec)
	}
	src.infos = l.StreamInfos
	return src, nil
}

// openPG opens a log in PostgreSQL: replaytui's own events table, or a
// table of the user's with its columns mapped (read-only).
func (a *app[S, E]) openPG() (*source[S, E], error) {
	pool, err := postgres.Connect(a.ctx, a.pg.PG)
	if err != nil {
		return nil, err
	}
	src := &source[S, E]{close: func() error { pool.Close(); return nil }}
	if a.pg.PGCreate && a.pg.mapped() {
		pool.Close()
		return nil, usageError("--pg-create makes replaytui's own events table, not a table of your own (the --pg-*-column flags)")
	}
	if a.pg.PGCreate {
		if err := postgres.CreateEvents(a.ctx, pool, a.pg.PGTable); err != nil {
			pool.Close()
			return nil, err
		}
	}
	var pgInfos func(context.Context) ([]replay.StreamInfo, error)
	if a.pg.mapped() {
		cols := postgres.Columns{Stream: a.pg.PGStreamCol, Seq: a.pg.PGSeqCol, Time: a.pg.PGTimeCol, Payload: a.pg.PGPayloadCol}
		if a.pg.PGTable == "" || cols.Stream == "" || cols.Seq == "" || cols.Payload == "" {
			pool.Close()
			return nil, usageError("a table of your own needs --pg-table, --pg-stream-column, --pg-seq-column and --pg-payload-column")
		}
		t, err := postgres.NewTable[E](a.ctx, pool, a.pg.PGTable, cols)
		if errors.Is(err, postgres.ErrNoTable) {
			err = fmt.Errorf("%w; check --pg-table (a table of your own is read as it is, never created)", err)
		}
		if err != nil {
			pool.Close()
			return nil, err
		}
		src.log, pgInfos = t, t.StreamInfos
		// A mapped table's seqs are its rows' order under those columns.
		src.bookmarks, _ = postgres.NewBookmarks(pool, "", fmt.Sprintf("%s (stream %s, seq %s)", a.pg.PGTable, cols.Stream, cols.Seq))
	} else {
		l, err := postgres.NewLog[E](pool, a.pg.PGTable)
		if err == nil {
			err = eventsTableHint(l.Check(a.ctx))
		}
		if err != nil {
			pool.Close()
			return nil, err
		}
		src.log, pgInfos = l, l.StreamInfos
		table := a.pg.PGTable
		if table == "" {
			table = postgres.DefaultEvents
		}
		src.bookmarks, _ = postgres.NewBookmarks(pool, "", table)
	}
	src.infos = pgInfos
	return src, nil
}

// eventsTableHint says what to do about a missing events table.
func eventsTableHint(err error) error {
	if errors.Is(err, postgres.ErrNoTable) {
		return fmt.Errorf("%w; --pg-create makes replaytui's events table, or check --pg-table", err)
	}
	return err
}

// stream resolves --stream: the named stream, which must exist, or the
// only stream of the log.
func (s *source[S, E]) stream(ctx context.Context, name *string) (replay.StreamKey, error) {
	infos, err := s.infos(ctx)
	if err != nil {
		return "", err
	}
	if name != nil {
		for _, info := range infos {
			if string(info.Key) == *name {
				return info.Key, nil
			}
		}
		return "", notFound("no stream %q in this log; it has %s", *name, listStreams(infos))
	}
	switch len(infos) {
	case 0:
		return "", notFound("the log has no events")
	case 1:
		return infos[0].Key, nil
	}
	return "", usageError("the log has %d streams; choose one with --stream: %s", len(infos), listStreams(infos))
}

// chosen resolves the stream flags: --stream as stream does, or the
// global order (--global, --streams, --order), which makes the source's
// log a replay.GlobalLog and returns its key.
func (a *app[S, E]) chosen(src *source[S, E], f streamFlag) (replay.StreamKey, error) {
	if !f.global() {
		return src.stream(a.ctx, f.Stream)
	}
	if f.Stream != nil {
		return "", usageError("--stream names one stream; --global (--streams, --order) folds several: give one or the other")
	}
	var streams []replay.StreamKey
	if len(f.Streams) > 0 {
		infos, err := src.infos(a.ctx)
		if err != nil {
			return "", err
		}
		if streams, err = matchStreams(infos, f.Streams); err != nil {
			return "", err
		}
	}
	if src.global != nil {
		if want := replay.GlobalKey(streams...); src.global.Key() != want {
			return "", fmt.Errorf("the global order of other streams is open already")
		}
		return src.global.Key(), nil
	}
	if f.Order != "" {
		if src.files == nil {
			return "", usageError("--order %s orders the lines of files; a table's global order is the order its events were inserted in (its id column)", f.Order)
		}
		src.files.OrderGlobalBy(f.Order)
	}
	g, err := replay.Global(src.log, streams...)
	if errors.Is(err, replay.ErrNoGlobalOrder) {
		err = fmt.Errorf("%w: files have one (their line order), and so has replaytui's events table in PostgreSQL (its insertion order); a table of your own (--pg-*-column) and JetStream do not", err)
	}
	if err != nil {
		return "", fmt.Errorf("--global: %w", err)
	}
	src.log, src.global, a.global = g, g, g
	// Kept open until Run has told where an apply that failed is in its
	// own stream (GlobalLog.Origin reads the log).
	closeBefore, closeLog := a.closeGlobal, src.close
	a.closeGlobal = func() error {
		if closeBefore != nil {
			closeBefore()
		}
		return closeLog()
	}
	src.close = func() error { return nil }
	return g.Key(), nil
}

// matchStreams resolves --streams: names, which must exist, and globs
// (path.Match), which must match some stream; in the order of the log.
func matchStreams(infos []replay.StreamInfo, patterns []string) ([]replay.StreamKey, error) {
	var out []replay.StreamKey
	chosen := make(map[replay.StreamKey]bool)
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, err := path.Match(p, ""); err != nil {
			return nil, usageError("--streams %q: %v", p, err)
		}
		found := false
		for _, info := range infos {
			if ok, _ := path.Match(p, string(info.Key)); ok || string(info.Key) == p {
				found = true
				if !chosen[info.Key] {
					chosen[info.Key] = true
					out = append(out, info.Key)
				}
			}
		}
		if !found {
			return nil, notFound("--streams %q names no stream of this log; it has %s", p, listStreams(infos))
		}
	}
	if len(out) == 0 {
		return nil, usageError("--streams names no stream")
	}
	return out, nil
}

// describeStream is a stream's name for people: the global order is
// described, not named by its key.
func describeStream(key replay.StreamKey) string { return replay.StreamName(key) }

// eventSummary is a command's one-line description of ev, an event of
// stream: in the global order, it starts with the event's own stream.
func (a *app[S, E]) eventSummary(stream replay.StreamKey, ev replay.Event[E]) string {
	if _, ok := replay.GlobalStreams(stream); ok {
		return string(ev.Stream) + "  " + a.cfg.summary(ev.Payload)
	}
	return a.cfg.summary(ev.Payload)
}

// jsonStream is a stream's name in JSON output: the global order is
// described, not named by its key.
func jsonStream(key replay.StreamKey) string {
	if _, ok := replay.GlobalStreams(key); ok {
		return describeStream(key)
	}
	return string(key)
}

// guessStream is the stream --stream names, or the log's first, without
// waiting for files to be indexed: stream checks it once they are.
func (s *source[S, E]) guessStream(ctx context.Context, name *string) (replay.StreamKey, error) {
	if name != nil {
		return replay.StreamKey(*name), nil
	}
	if s.files == nil {
		return s.stream(ctx, nil)
	}
	key, ok, err := s.files.FirstStream(ctx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", notFound("the log has no events")
	}
	return key, nil
}

func listStreams(infos []replay.StreamInfo) string {
	const most = 12
	names := make([]string, 0, most)
	for _, info := range infos[:min(len(infos), most)] {
		names = append(names, fmt.Sprintf("%q (%s)", info.Key, count(info.Events, "event")))
	}
	if len(infos) > most {
		names = append(names, fmt.Sprintf("and %d more (see the streams command)", len(infos)-most))
	}
	return strings.Join(names, ", ")
}

// lines returns a stream's events as JSON Lines events: the files' own
// lines when the log is files, else the payloads encoded.
func (a *app[S, E]) lines(ctx context.Context, src *source[S, E], stream replay.StreamKey) iter.Seq2[replay.Event[jsonv.Payload], error] {
	if src.files != nil && (src.global == nil || stream != src.global.Key()) {
		return replay.All(ctx, src.files, stream)
	}
	return func(yield func(replay.Event[jsonv.Payload], error) bool) {
		for ev, err := range replay.All(ctx, src.log, stream) {
			var p jsonv.Payload
			if err == nil {
				p, err = a.cfg.codec.Encode(ev.Payload)
			}
			if !yield(replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: p}, err) {
				return
			}
		}
	}
}

// seqAtTime returns the last seq whose event time is at or before at.
func seqAtTime[E any](ctx context.Context, log replay.Log[E], stream replay.StreamKey, at string) (replay.Seq, error) {
	t, ok, err := jsonl.ParseTime([]byte(strconv.Quote(at)))
	if err != nil || !ok {
		return 0, usageError("--at-time %q is not a time; want RFC 3339 (2026-05-30T12:00:00Z) or a date (2026-05-30)", at)
	}
	seq, found, err := replay.SeqAt(ctx, log, stream, t)
	if err == nil && !found {
		err = notFound("no event of stream %s is at or before %s", describeStream(stream), at)
	}
	return seq, err
}

// openedStream opens the log, waits for it, and resolves --stream: what
// most commands start with.
func (a *app[S, E]) openedStream(files []string, f streamFlag) (*source[S, E], replay.StreamKey, error) {
	src, err := a.opened(files)
	if err != nil {
		return nil, "", err
	}
	stream, err := a.chosen(src, f)
	if err != nil {
		src.Close()
		return nil, "", err
	}
	return src, stream, nil
}
