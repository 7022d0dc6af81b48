package replay

import (
	"context"
	"time"
)

// Log is an append-only store of events, one ordered sequence per stream.
//
// Implementations are safe for concurrent use by multiple goroutines.
type Log[E any] interface {
	// Append adds ev to the end of ev.Stream and returns its seq.
	//
	// With ev.Seq == 0 the log assigns the next seq (1 for a new stream).
	// A non-zero ev.Seq must be exactly the next one, otherwise Append
	// fails with an error wrapping ErrSeqMismatch and stores nothing; this
	// is optimistic concurrency: of several writers appending the same seq,
	// exactly one wins.
	Append(ctx context.Context, ev Event[E]) (Seq, error)

	// Read returns up to limit events of stream with Seq >= from, in seq
	// order. from == 0 reads from the start. Past the end of the stream,
	// and for a stream that does not exist, it returns an empty slice and
	// no error. limit must be positive.
	//
	// The returned slice belongs to the caller: changing it never changes
	// the log.
	Read(ctx context.Context, stream StreamKey, from Seq, limit int) ([]Event[E], error)
}

// The interfaces below are optional capabilities of a Log, discovered by
// type assertion. Code that takes a Log uses them when present and falls
// back to Read when not.

// SharedReader is a Log that can hand out its events without copying them.
// [Replay] uses it to fold a stream in place, which matters when apply is
// cheap and the copy that Read must make would dominate the fold.
type SharedReader[E any] interface {
	// ReadShared is Read, except that the returned slice may share memory
	// with the log: the caller must not modify it. Its capacity is its
	// length, so appending to it never writes into the log.
	ReadShared(ctx context.Context, stream StreamKey, from Seq, limit int) ([]Event[E], error)
}

// LastSeqReporter is a Log that knows the last seq of a stream without
// reading it. (The seed's MemoryLog.Latest(stream) Seq answers the same
// question for a log in memory, which can neither fail nor wait; this is
// the form any backend can offer.)
type LastSeqReporter interface {
	// LastSeq returns the seq of the last event of stream, or 0 when the
	// stream has no events (or does not exist).
	LastSeq(ctx context.Context, stream StreamKey) (Seq, error)
}

// StreamLister is a Log that can list its streams.
type StreamLister interface {
	// Streams returns the keys of every stream with at least one event,
	// sorted.
	Streams(ctx context.Context) ([]StreamKey, error)
}

// StreamInfo describes one stream of a log.
type StreamInfo struct {
	Key    StreamKey
	Events int
	// First and Last are the earliest and the latest event time; zero
	// when no event of the stream has one.
	First, Last time.Time
}

// StreamDescriber is a Log that can describe its streams.
type StreamDescriber interface {
	// StreamInfos describes every stream with at least one event, in an
	// order of the log's choosing (the order of first appearance, for a
	// file).
	StreamInfos(ctx context.Context) ([]StreamInfo, error)
}

// LastSeq returns the last seq of stream: from the log's LastSeqReporter
// when it has one, else by reading the stream to its end.
func LastSeq[E any](ctx context.Context, log Log[E], stream StreamKey) (Seq, error) {
	if lr, ok := log.(LastSeqReporter); ok {
		return lr.LastSeq(ctx, stream)
	}
	var last Seq
	for ev, err := range From(ctx, log, stream, 1) {
		if err != nil {
			return 0, err
		}
		last = ev.Seq
	}
	return last, nil
}
