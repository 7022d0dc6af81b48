package replay

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemoryLog is a Log held in memory. It is safe for concurrent use.
//
// Events are stored as given: a payload that holds maps or slices is shared
// with the caller, who must not modify it after Append.
type MemoryLog[E any] struct {
	mu      sync.RWMutex
	streams map[StreamKey][]Event[E]
	// order is every event, by stream and seq, in the order appended:
	// the log's global order.
	order []eventRef
}

type eventRef struct {
	stream StreamKey
	seq    Seq
}

var (
	_ Log[int]          = (*MemoryLog[int])(nil)
	_ SharedReader[int] = (*MemoryLog[int])(nil)
	_ LastSeqReporter   = (*MemoryLog[int])(nil)
	_ StreamLister      = (*MemoryLog[int])(nil)
	_ GlobalReader[int] = (*MemoryLog[int])(nil)
)

// NewMemoryLog returns an empty MemoryLog.
func NewMemoryLog[E any]() *MemoryLog[E] {
	return &MemoryLog[E]{streams: make(map[StreamKey][]Event[E])}
}

// Append implements [Log].
func (l *MemoryLog[E]) Append(ctx context.Context, ev Event[E]) (Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	events := l.streams[ev.Stream]
	next := Seq(len(events)) + 1
	if ev.Seq == 0 {
		ev.Seq = next
	} else if ev.Seq != next {
		return 0, fmt.Errorf("append to stream %q at seq %d: next seq is %d: %w", ev.Stream, ev.Seq, next, ErrSeqMismatch)
	}
	// Elements below len are never written again, so slices handed out by
	// ReadShared stay valid while the stream grows.
	l.streams[ev.Stream] = append(events, ev)
	l.order = append(l.order, eventRef{ev.Stream, ev.Seq})
	return ev.Seq, nil
}

// Read implements [Log].
func (l *MemoryLog[E]) Read(ctx context.Context, stream StreamKey, from Seq, limit int) ([]Event[E], error) {
	shared, err := l.ReadShared(ctx, stream, from, limit)
	if err != nil {
		return nil, err
	}
	return slices.Clone(shared), nil
}

// ReadShared implements [SharedReader].
func (l *MemoryLog[E]) ReadShared(ctx context.Context, stream StreamKey, from Seq, limit int) ([]Event[E], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read stream %q: limit must be positive, got %d", stream, limit)
	}
	l.mu.RLock()
	events := l.streams[stream]
	l.mu.RUnlock()
	lo := uint64(max(from, 1) - 1)
	if lo >= uint64(len(events)) {
		return []Event[E]{}, nil
	}
	hi := min(uint64(len(events)), lo+uint64(limit))
	return events[lo:hi:hi], nil
}

// Latest returns the highest Seq currently appended to stream, or 0 if
// empty.
func (l *MemoryLog[E]) Latest(stream StreamKey) Seq {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return Seq(len(l.streams[stream]))
}

// LastSeq implements [LastSeqReporter].
func (l *MemoryLog[E]) LastSeq(ctx context.Context, stream StreamKey) (Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return l.Latest(stream), nil
}

// Streams implements [StreamLister].
func (l *MemoryLog[E]) Streams(ctx context.Context) ([]StreamKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	keys := make([]StreamKey, 0, len(l.streams))
	for k, events := range l.streams {
		if len(events) > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// ReadGlobal implements [GlobalReader]: the global order is the order of
// Append, and an event's position is its place in it (1 for the first
// event appended).
func (l *MemoryLog[E]) ReadGlobal(ctx context.Context, streams []StreamKey, from uint64, limit int) ([]GlobalEvent[E], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read the global order: limit must be positive, got %d", limit)
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := []GlobalEvent[E]{}
	for i := max(from, 1) - 1; i < uint64(len(l.order)) && len(out) < limit; i++ {
		ref := l.order[i]
		if len(streams) > 0 && !slices.Contains(streams, ref.stream) {
			continue
		}
		out = append(out, GlobalEvent[E]{Position: i + 1, Event: l.streams[ref.stream][ref.seq-1]})
	}
	return out, nil
}
