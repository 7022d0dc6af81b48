package jsonl

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"gocloud.dev/blob"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Options tune Open.
type Options struct {
	// SkipBad skips malformed lines and lines whose seq repeats or goes
	// back, instead of failing; a seq that jumps ahead is accepted and
	// renumbered. Every such line is counted in Stats and the first ones
	// are listed there, so nothing is dropped unseen.
	SkipBad bool

	// ReadAheadFirst reads the log's first stream ahead while indexing,
	// as (*Log).ReadAhead does, from its very first event: for a caller
	// that will replay that stream whole. Prepare is ReadAhead's prepare.
	ReadAheadFirst bool
	Prepare        func(jsonv.Payload) jsonv.Payload
	// ReadAheadStream, when not empty, is the stream read ahead so from
	// its first event instead of the first stream, for a caller that
	// will replay it whole: one stream among many.
	ReadAheadStream replay.StreamKey

	// Follow keeps reading the last file after its end, as it grows (a
	// log being written): the index is then never complete, so Wait and
	// LastSeq wait for ever; Indexed and Read see new events as they come.
	// It follows the file's name, as tail -F does: when another file
	// takes it (the log was rotated), that file is read next, its events
	// going on from the old file's; when the file is truncated or
	// rewritten, following stops, since the lines indexed are gone.
	// Stats.FollowNote says which happened.
	Follow bool

	// OpenBucket opens the bucket of a log given to Open as a URL
	// (s3://bucket/logs/a.jsonl.gz is key logs/a.jsonl.gz in bucket
	// s3://bucket). Nil opens it with blobstore.OpenBucket and closes it
	// with the Log; a bucket OpenBucket returns stays open, the caller's.
	OpenBucket func(ctx context.Context, bucketURL string) (*blob.Bucket, error)
}

// LineError is a problem with one line of a log file.
type LineError struct {
	File   string
	Line   int
	Column int // 1-based byte column; 0 when the whole line is at fault
	Msg    string
	Err    error // what Msg says, when it came from an error; may be nil
}

func (e *LineError) Unwrap() error { return e.Err }

func (e *LineError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Stats describe what indexing has seen so far.
type Stats struct {
	BytesIndexed int64
	BytesTotal   int64 // -1 while unknown (compressed input, standard input)
	Lines        int   // lines read, blank ones included
	Events       int
	Streams      int
	Skipped      int // lines skipped under Options.SkipBad
	Renumbered   int // lines whose seq jumped ahead and was renumbered (SkipBad)
	// Problems lists the first problems met (skipped and renumbered lines,
	// a truncated last line), at most maxProblems of them.
	Problems []LineError
	// Truncated is set when the last line of a file was cut short, as by a
	// capture that crashed mid-write, or when a compressed file's data
	// ends early or is damaged (Err then wraps the decompressor's error):
	// the events before it are usable.
	Truncated *LineError
	Done      bool
	// Err is the error that stopped indexing before the end, as Wait
	// returns it: the events before it are usable.
	Err error
	// Following is true while a followed log (Options.Follow) is still
	// watched for new lines.
	Following bool
	// FollowNote says what became of a followed file, "" while nothing
	// did: it was replaced under its name (rotated), and the new file is
	// followed; it was truncated or rewritten, and is no longer followed
	// (its old lines are gone: reading its events back fails); it was a
	// pipe, and has ended.
	FollowNote string
}

const maxProblems = 100

// Log is a replay.Log over JSON Lines files. Open indexes the files in the
// background; events are readable as soon as indexing has passed them.
// The index keeps where each event's line is, in about 4 bytes an event
// (positions), not the events: they are decoded from the file on each
// Read.
type Log struct {
	inputs []*input
	opts   Options
	cancel context.CancelFunc

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever the index grows
	streams map[replay.StreamKey]*stream
	arena   arena              // the index's full blocks
	order   []replay.StreamKey // in order of first appearance
	stats   Stats
	err     error // indexing stopped at this error
	done    bool
	// caughtUp: a followed log has been read to the end of its file (so
	// far): reads no longer wait for events that may never come.
	caughtUp bool
	lines    []int // lines indexed per input
	// rotations counts the files that took a followed file's name.
	rotations int

	appendMu sync.Mutex
	w        *output // set when the log accepts Append

	prefetch prefetcher
	eager    eager
	global   globalOrder // global.go
}

type stream struct {
	positions   // input<<posShift | byte offset, and line number, of each event
	first, last time.Time
	id          uint32 // its place in Log.order
}

const (
	posShift = 48
	posMask  = 1<<posShift - 1
)

var (
	_ replay.Log[jsonv.Payload] = (*Log)(nil)
	_ replay.LastSeqReporter    = (*Log)(nil)
	_ replay.StreamLister       = (*Log)(nil)
	_ replay.StreamDescriber    = (*Log)(nil)
)

// Open opens JSON Lines files (plain, .gz or .zst; "-" is standard input;
// a pipe or FIFO is read as a stream; a URL such as s3://bucket/key or
// file:///dir/log.jsonl is an object in a bucket) as one log, concatenated in order,
// and starts indexing them. It returns once the files are open; Wait
// waits for the index. A compressed file whose data ends early or is
// damaged is read up to the damage, which Stats.Truncated reports.
func Open(paths []string, opts Options) (*Log, error) {
	if len(paths) == 0 {
		return nil, errors.New("open: no files given")
	}
	if len(paths) > 1<<15 {
		return nil, fmt.Errorf("open: %d files is too many", len(paths))
	}
	l := newLog(opts)
	for i, p := range paths {
		in, err := openInput(p, opts.Follow && i == len(paths)-1, opts.OpenBucket)
		if err != nil {
			l.Close()
			return nil, err // os errors name the file and what went wrong
		}
		l.inputs = append(l.inputs, in)
		if in.size >= 0 && l.stats.BytesTotal >= 0 {
			l.stats.BytesTotal += in.size
		} else {
			l.stats.BytesTotal = -1
		}
	}
	l.lines = make([]int, len(l.inputs))
	if opts.ReadAheadStream != "" {
		// Before indexing starts: a Read that came before it would go to
		// the index and wait for the stream's end, while the indexer
		// waited for it to take what was read ahead.
		l.ReadAhead(opts.ReadAheadStream, opts.Prepare)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go l.index(ctx)
	return l, nil
}

func newLog(opts Options) *Log {
	return &Log{
		opts:    opts,
		changed: make(chan struct{}),
		streams: make(map[replay.StreamKey]*stream),
	}
}

func (l *Log) isDone() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.done
}

// Close stops indexing and releases the files.
func (l *Log) Close() error {
	if l.cancel != nil {
		l.cancel()
	}
	l.eager.finish()
	l.mu.Lock()
	for !l.done && l.cancel != nil {
		ch := l.changed
		l.mu.Unlock()
		<-ch
		l.mu.Lock()
	}
	l.mu.Unlock()
	var first error
	for _, in := range l.inputs {
		if err := in.closeAll(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// notify wakes everyone waiting for the index. Call with l.mu held.
func (l *Log) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// waitFor blocks until ready (called with l.mu held) is true, indexing
// has ended, or ctx is done. It returns with l.mu held.
func (l *Log) waitFor(ctx context.Context, ready func() bool) error {
	for !ready() && !l.done && !l.caughtUp {
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
			l.mu.Lock()
		case <-ctx.Done():
			l.mu.Lock()
			return ctx.Err()
		}
	}
	return nil
}

// Wait blocks until the whole log is indexed and returns the error that
// stopped indexing, if any: a *LineError for bad input.
func (l *Log) Wait(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.waitFor(ctx, func() bool { return false }); err != nil {
		return err
	}
	return l.err
}

// Stats returns what indexing has seen so far, without waiting.
func (l *Log) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats
	s.Problems = slices.Clone(s.Problems)
	s.Streams = len(l.streams)
	s.Done = l.done
	s.Err = l.err
	s.Following = l.opts.Follow && !l.done
	return s
}

// Read implements [replay.Log]. Events not indexed yet are waited for.
func (l *Log) Read(ctx context.Context, key replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[jsonv.Payload], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read stream %q: limit must be positive, got %d", key, limit)
	}
	from = max(from, 1)
	if events, ok := l.eager.take(key, from, limit); ok {
		return events, nil
	}
	if events, ok := l.prefetch.take(key, from, limit); ok {
		l.prefetch.read(key, from, limit, len(events.events))
		return events.events, events.err
	}
	events, err := l.read(ctx, key, from, limit)
	if err == nil && l.prefetch.read(key, from, limit, len(events)) {
		l.prefetch.start(l, key, from+replay.Seq(limit), limit)
	}
	return events, err
}

func (l *Log) read(ctx context.Context, key replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[jsonv.Payload], error) {
	want := int(from-1) + limit
	l.mu.Lock()
	err := l.waitFor(ctx, func() bool {
		st := l.streams[key]
		return st != nil && st.n >= want || l.err != nil
	})
	if err != nil {
		l.mu.Unlock()
		return nil, err
	}
	var pos []uint64
	var lines []uint32
	if st := l.streams[key]; st != nil && int(from-1) < st.n {
		n := min(st.n, want) - int(from-1)
		pos, lines = make([]uint64, n), make([]uint32, n)
		st.run(pos, lines, int(from-1))
	}
	indexErr := l.err
	inputs := l.inputs
	l.mu.Unlock()
	if len(pos) == 0 && indexErr != nil {
		// The stream may go on past the line that stopped indexing: say
		// why it cannot be read further, rather than that it ends.
		return nil, indexErr
	}
	return decode(inputs, key, from, pos, lines)
}

// LastSeq implements [replay.LastSeqReporter]. It waits for the index.
func (l *Log) LastSeq(ctx context.Context, key replay.StreamKey) (replay.Seq, error) {
	if err := l.Wait(ctx); err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if st := l.streams[key]; st != nil {
		return replay.Seq(st.n), nil
	}
	return 0, nil
}

// Location is where an event is: its file (as given to Open) and line.
type Location struct {
	File string
	Line int
}

func (l Location) String() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// RawLine returns the line of the event at seq of stream, as it is in the
// file (without its newline), and where it is. It waits for the index to
// reach it.
func (l *Log) RawLine(ctx context.Context, stream replay.StreamKey, seq replay.Seq) (Location, []byte, error) {
	if seq == 0 {
		return Location{}, nil, fmt.Errorf("stream %q has no seq 0", stream)
	}
	l.mu.Lock()
	err := l.waitFor(ctx, func() bool {
		st := l.streams[stream]
		return st != nil && st.n >= int(seq) || l.err != nil
	})
	st := l.streams[stream]
	if err == nil && (st == nil || st.n < int(seq)) {
		err = fmt.Errorf("stream %q has no seq %d: %w", stream, seq, replay.ErrPastEnd)
	}
	if err != nil {
		l.mu.Unlock()
		return Location{}, nil, err
	}
	p, n := st.at(int(seq - 1))
	in := l.inputs[p>>posShift]
	l.mu.Unlock()
	at := Location{File: in.name, Line: int(n)}
	if in.truncated.Load() {
		return at, nil, fmt.Errorf("%s: stream %q seq %d: %w", at, stream, seq, errGone)
	}
	var win window
	line, err := win.line(in.file, int64(p&posMask), []uint64{p})
	if err != nil {
		return at, nil, fmt.Errorf("%s: reading stream %q seq %d back: %w", at, stream, seq, err)
	}
	return at, line, nil
}

// FirstStream returns the stream of the log's first event, waiting for
// indexing to reach it; false when the log has no events.
func (l *Log) FirstStream(ctx context.Context) (replay.StreamKey, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.waitFor(ctx, func() bool { return len(l.order) > 0 || l.err != nil }); err != nil {
		return "", false, err
	}
	if len(l.order) == 0 {
		return "", false, l.err
	}
	return l.order[0], true, nil
}

// Indexed returns how many events of a stream are indexed so far and
// whether indexing is over, without waiting.
func (l *Log) Indexed(key replay.StreamKey) (replay.Seq, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	if st := l.streams[key]; st != nil {
		n = st.n
	}
	return replay.Seq(n), l.done
}

// Streams implements [replay.StreamLister]. It waits for the index.
func (l *Log) Streams(ctx context.Context) ([]replay.StreamKey, error) {
	infos, err := l.StreamInfos(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]replay.StreamKey, len(infos))
	for i, info := range infos {
		keys[i] = info.Key
	}
	slices.Sort(keys)
	return keys, nil
}

// StreamInfos implements [replay.StreamDescriber]: every stream, in order
// of first appearance. It waits for the index.
func (l *Log) StreamInfos(ctx context.Context) ([]replay.StreamInfo, error) {
	if err := l.Wait(ctx); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	infos := make([]replay.StreamInfo, 0, len(l.order))
	for _, key := range l.order {
		st := l.streams[key]
		infos = append(infos, replay.StreamInfo{Key: key, Events: st.n, First: st.first, Last: st.last})
	}
	return infos, nil
}

// decode reads and parses the lines at pos, in inputs.
func decode(inputs []*input, key replay.StreamKey, from replay.Seq, pos []uint64, lines []uint32) ([]replay.Event[jsonv.Payload], error) {
	events := make([]replay.Event[jsonv.Payload], len(pos))
	var win window
	for i, p := range pos {
		in := inputs[p>>posShift]
		if in.truncated.Load() {
			// Whatever is at the offset now is not the line indexed.
			return nil, fmt.Errorf("%s:%d: stream %q seq %d: %w", in.name, lines[i], key, from+replay.Seq(i), errGone)
		}
		line, err := win.line(in.file, int64(p&posMask), pos[i:])
		if err == nil {
			events[i], err = parseEvent(line, from+replay.Seq(i))
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: reading stream %q seq %d back: %v (did the file change after it was opened?)", in.name, lines[i], key, from+replay.Seq(i), err)
		}
		if events[i].Stream != key {
			return nil, fmt.Errorf("%s:%d: expected an event of stream %q, found %q: the file changed after it was opened", in.name, lines[i], key, events[i].Stream)
		}
	}
	return events, nil
}

// errGone is an event of a followed file that was truncated or rewritten
// after the event was indexed.
var errGone = errors.New("the file was truncated or rewritten while it was followed, and its old lines are gone: reopen it to read what it holds now")
