package replay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// GlobalEvent is an event of a log's global order and where it is in it.
type GlobalEvent[E any] struct {
	// Position orders the events across streams: it grows along the
	// global order, starts above 0 and may have gaps (a table's id).
	Position uint64
	// Event is the event as its own stream has it: its stream and seq.
	Event Event[E]
}

// GlobalReader is a Log that can read the events of many streams in one
// order across them, the log's global order: a file's line order, a
// table's insertion order. A read model (a projection) folds events in
// that order; [Global] presents it as one stream.
type GlobalReader[E any] interface {
	// ReadGlobal returns up to limit events of streams (every stream
	// when streams is empty) with Position >= from, in global order.
	// from == 0 reads from the start. Past the end, and for streams that
	// do not exist, it returns an empty slice and no error. limit must be
	// positive. The returned slice belongs to the caller. Events appended
	// later come after every event read before.
	ReadGlobal(ctx context.Context, streams []StreamKey, from uint64, limit int) ([]GlobalEvent[E], error)
}

// GlobalPositioner is a GlobalReader that can tell where the events of its
// global order are without reading them: a file's line numbers, a table's
// ids. [GlobalLog] uses it to jump far into the global order without
// reading every event before.
type GlobalPositioner interface {
	// GlobalPositions returns the positions ReadGlobal would return for
	// the same arguments, without reading the events themselves.
	GlobalPositions(ctx context.Context, streams []StreamKey, from uint64, limit int) ([]uint64, error)
}

// ErrNoGlobalOrder: the log has no global order to read (it is not a
// [GlobalReader]), so [Global] cannot fold its streams together.
var ErrNoGlobalOrder = errors.New("replay: the log cannot read its streams in one global order")

// globalPrefix starts every key GlobalKey makes: words for the errors
// that quote a key, then a NUL byte, which keeps it apart from the
// streams of a log: PostgreSQL's text cannot hold one, no one types one,
// and Global refuses a log whose streams include a name that starts so.
const globalPrefix = "(global order)\x00"

// GlobalKey is the key under which a [GlobalLog] serves the global order
// of streams (of every stream when none is given): a key no stream of the
// log can have (see [Global]), which tells one choice of streams from
// another, so that what is kept per stream (bookmarks) is kept per view.
func GlobalKey(streams ...StreamKey) StreamKey {
	var b strings.Builder
	b.WriteString(globalPrefix)
	for _, s := range streams {
		b.WriteString(keyEscaper.Replace(string(s)))
		b.WriteByte(0) // after each, so that a stream named "" counts
	}
	return StreamKey(b.String())
}

// A stream's name in a key has its NUL bytes (the separator) and SOH
// bytes (the escape) escaped, so that any name comes back whole.
var (
	keyEscaper   = strings.NewReplacer("\x01", "\x01\x01", "\x00", "\x01\x02")
	keyUnescaper = strings.NewReplacer("\x01\x01", "\x01", "\x01\x02", "\x00")
)

// GlobalStreams tells whether key is a key GlobalKey made, and if so
// which streams it folds (none: every stream).
func GlobalStreams(key StreamKey) ([]StreamKey, bool) {
	rest, ok := strings.CutPrefix(string(key), globalPrefix)
	switch {
	case !ok:
		return nil, false
	case rest == "":
		return nil, true
	case !strings.HasSuffix(rest, "\x00"):
		return nil, false
	}
	var streams []StreamKey
	for _, s := range strings.Split(rest[:len(rest)-1], "\x00") {
		streams = append(streams, StreamKey(keyUnescaper.Replace(s)))
	}
	return streams, true
}

// GlobalLog is a Log with one stream more than the log it wraps: the
// events of many streams in the log's global order, under the key Key
// returns, with seqs 1..N. Everything that works on one stream (Replay,
// Timeline, Fold, bookmarks, searches) works on that one unchanged, so a
// projection over many streams is debugged like a single stream.
//
// An event of the global stream keeps its own Stream (so a reducer and a
// person can see where it comes from); its Seq is its place in the global
// order. [GlobalLog.Origin] gives its seq in its own stream. Every other
// key reads the wrapped log.
//
// The global stream is read-only. A GlobalLog remembers where each of its
// seqs starts in the wrapped log's order (nothing when the log's
// positions have no gaps, 8 bytes an event when they do), learnt as it
// reads, or, from a [GlobalPositioner], without reading the events; it is
// safe for concurrent use.
type GlobalLog[E any] struct {
	log       Log[E]
	global    GlobalReader[E]
	positions GlobalPositioner // nil: learnt by reading events
	key       StreamKey
	streams   []StreamKey

	mu sync.Mutex
	// n seqs are known to exist; the event at seq i+1 is at position
	// i+1 while dense, else at at[i].
	n     int
	dense bool
	at    []uint64
}

var (
	_ Log[int]        = (*GlobalLog[int])(nil)
	_ LastSeqReporter = (*GlobalLog[int])(nil)
	_ StreamLister    = (*GlobalLog[int])(nil)
)

// Global wraps log, which must be a [GlobalReader] (else the error wraps
// ErrNoGlobalOrder), so that its global order of streams (every stream
// when none is given) reads as one stream, under GlobalKey(streams...).
// It refuses stream names that start as GlobalKey's keys do: among
// streams at once, among the log's streams when the global order meets
// one.
func Global[E any](log Log[E], streams ...StreamKey) (*GlobalLog[E], error) {
	if log == nil {
		return nil, errors.New("global order: the log is nil")
	}
	gr, ok := log.(GlobalReader[E])
	if !ok {
		return nil, ErrNoGlobalOrder
	}
	for _, s := range streams {
		if strings.HasPrefix(string(s), globalPrefix) {
			return nil, fmt.Errorf("global order: stream %q: a stream name cannot start as the global order's key does", s)
		}
	}
	streams = slices.Clone(streams)
	g := &GlobalLog[E]{log: log, global: gr, key: GlobalKey(streams...), streams: streams, dense: true}
	g.positions, _ = log.(GlobalPositioner)
	return g, nil
}

// Key returns the key of the global stream.
func (g *GlobalLog[E]) Key() StreamKey { return g.key }

// Chosen returns the streams the global stream folds (none: every
// stream), as given to [Global].
func (g *GlobalLog[E]) Chosen() []StreamKey { return slices.Clone(g.streams) }

// Unwrap returns the wrapped log.
func (g *GlobalLog[E]) Unwrap() Log[E] { return g.log }

// Append implements [Log]: it appends to the wrapped log; the global
// stream itself takes no appends (an event belongs to a stream of its
// own, and comes into the global order through it).
func (g *GlobalLog[E]) Append(ctx context.Context, ev Event[E]) (Seq, error) {
	if ev.Stream == g.key {
		return 0, errors.New("append to the global order: it is read-only; append to the event's own stream")
	}
	return g.log.Append(ctx, ev)
}

// Read implements [Log]. Events of the global stream keep their own
// Stream and carry their place in the global order as Seq.
func (g *GlobalLog[E]) Read(ctx context.Context, stream StreamKey, from Seq, limit int) ([]Event[E], error) {
	if stream != g.key {
		return g.log.Read(ctx, stream, from, limit)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read the global order: limit must be positive, got %d", limit)
	}
	from = max(from, 1)
	at, ok, err := g.start(ctx, from)
	if err != nil || !ok {
		return []Event[E]{}, err
	}
	read, err := g.global.ReadGlobal(ctx, g.streams, at, limit)
	if err != nil {
		return nil, err
	}
	if err := g.learn(from, read); err != nil {
		return nil, err
	}
	events := make([]Event[E], len(read))
	for i, ge := range read {
		events[i] = ge.Event
		events[i].Seq = from + Seq(i)
	}
	return events, nil
}

// LastSeq implements [LastSeqReporter]. For the global stream it reads
// the global order to its end, once: later calls read only what came
// after.
func (g *GlobalLog[E]) LastSeq(ctx context.Context, stream StreamKey) (Seq, error) {
	if stream != g.key {
		return LastSeq(ctx, g.log, stream)
	}
	n, err := g.extend(ctx, -1)
	return Seq(n), err
}

// Streams implements [StreamLister]: the wrapped log's streams, which
// must be listable; the global stream is not among them.
func (g *GlobalLog[E]) Streams(ctx context.Context) ([]StreamKey, error) {
	lister, ok := g.log.(StreamLister)
	if !ok {
		return nil, fmt.Errorf("list streams: a %T cannot list its streams", g.log)
	}
	return lister.Streams(ctx)
}

// Origin returns the stream of the event at seq of the global stream and
// its seq there.
func (g *GlobalLog[E]) Origin(ctx context.Context, seq Seq) (StreamKey, Seq, error) {
	at, ok, err := g.start(ctx, seq)
	var read []GlobalEvent[E]
	if err == nil && ok && seq > 0 {
		read, err = g.global.ReadGlobal(ctx, g.streams, at, 1)
	}
	if err == nil && len(read) == 0 {
		err = fmt.Errorf("the global order has no seq %d: %w", seq, ErrPastEnd)
	}
	if err != nil {
		return "", 0, err
	}
	return read[0].Event.Stream, read[0].Event.Seq, nil
}

// position is where the event at seq i+1 is; call with g.mu held.
func (g *GlobalLog[E]) position(i int) uint64 {
	if g.dense {
		return uint64(i) + 1
	}
	return g.at[i]
}

// start returns the position to read from for the event at seq from
// (just after the event before it), reading ahead to learn it; false when
// the global order ends before from.
func (g *GlobalLog[E]) start(ctx context.Context, from Seq) (uint64, bool, error) {
	if from <= 1 {
		return 0, true, nil
	}
	want := int(min(from-1, Seq(maxInt)))
	g.mu.Lock()
	known := g.n
	g.mu.Unlock()
	if known < want {
		n, err := g.extend(ctx, want)
		if err != nil || n < want {
			return 0, false, err
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.position(want-1) + 1, true, nil
}

const maxInt = int(^uint(0) >> 1)

// extend reads the global order on from the last seq known until want
// seqs are known (want < 0: to the end), and returns how many are.
func (g *GlobalLog[E]) extend(ctx context.Context, want int) (int, error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		g.mu.Lock()
		n := g.n
		var at uint64
		if n > 0 {
			at = g.position(n-1) + 1
		}
		g.mu.Unlock()
		if want >= 0 && n >= want {
			return n, nil
		}
		if g.positions != nil {
			pos, err := g.positions.GlobalPositions(ctx, g.streams, at, positionsBatch)
			if err != nil {
				return 0, err
			}
			if len(pos) == 0 {
				return n, nil
			}
			if err := g.learnPositions(Seq(n)+1, pos); err != nil {
				return 0, err
			}
			continue
		}
		read, err := g.global.ReadGlobal(ctx, g.streams, at, DefaultBatchSize)
		if err != nil {
			return 0, err
		}
		if len(read) == 0 {
			return n, nil
		}
		if err := g.learn(Seq(n)+1, read); err != nil {
			return 0, err
		}
	}
}

// positionsBatch is how many positions extend asks a GlobalPositioner
// for at a time: 512 KiB of them.
const positionsBatch = 1 << 16

// learn notes the positions of events read from seq from on.
func (g *GlobalLog[E]) learn(from Seq, read []GlobalEvent[E]) error {
	for _, ge := range read {
		if strings.HasPrefix(string(ge.Event.Stream), globalPrefix) {
			return fmt.Errorf("global order: stream %q: a stream name cannot start as the global order's key does", ge.Event.Stream)
		}
	}
	pos := make([]uint64, len(read))
	for i, ge := range read {
		pos[i] = ge.Position
	}
	return g.learnPositions(from, pos)
}

// learnPositions notes the positions of the events from seq from on.
func (g *GlobalLog[E]) learnPositions(from Seq, pos []uint64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, p := range pos {
		idx := int(from-1) + i
		if idx < g.n {
			if g.position(idx) != p {
				return fmt.Errorf("the global order changed: seq %d was at position %d, now %d", idx+1, g.position(idx), p)
			}
			continue
		}
		if idx > g.n {
			break // a seq before it is not known yet
		}
		if g.n > 0 && p <= g.position(g.n-1) {
			return fmt.Errorf("the log's global order goes back: position %d after %d: %w", p, g.position(g.n-1), ErrSeqMismatch)
		}
		if g.dense && p != uint64(idx)+1 {
			g.at = make([]uint64, g.n, g.n+len(pos))
			for j := range g.at {
				g.at[j] = uint64(j) + 1
			}
			g.dense = false
		}
		if !g.dense {
			g.at = append(g.at, p)
		}
		g.n++
	}
	return nil
}
