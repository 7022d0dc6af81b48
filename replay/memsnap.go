package replay

import (
	"context"
	"slices"
	"sync"
)

// MemorySnapshotter is a Snapshotter held in memory. It is safe for
// concurrent use. States are stored as given, not copied.
type MemorySnapshotter[S any] struct {
	mu      sync.RWMutex
	streams map[StreamKey][]Checkpoint[S] // sorted by Seq
}

var _ Snapshotter[int] = (*MemorySnapshotter[int])(nil)

// NewMemorySnapshotter returns an empty MemorySnapshotter.
func NewMemorySnapshotter[S any]() *MemorySnapshotter[S] {
	return &MemorySnapshotter[S]{streams: make(map[StreamKey][]Checkpoint[S])}
}

// Save implements [Snapshotter].
func (m *MemorySnapshotter[S]) Save(ctx context.Context, c Checkpoint[S]) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cps := m.streams[c.Stream]
	i, found := slices.BinarySearchFunc(cps, c.Seq, bySeq)
	if found {
		cps[i] = c
		return nil
	}
	m.streams[c.Stream] = slices.Insert(cps, i, c)
	return nil
}

// Load implements [Snapshotter].
func (m *MemorySnapshotter[S]) Load(ctx context.Context, stream StreamKey, atOrBefore Seq) (*Checkpoint[S], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if cp, ok := latestAtOrBefore(m.streams[stream], atOrBefore); ok {
		return &cp, nil
	}
	return nil, nil
}

func bySeq[S any](cp Checkpoint[S], seq Seq) int {
	switch {
	case cp.Seq < seq:
		return -1
	case cp.Seq > seq:
		return 1
	}
	return 0
}

// latestAtOrBefore finds, in checkpoints sorted by seq, the last one with
// Seq <= seq.
func latestAtOrBefore[S any](cps []Checkpoint[S], seq Seq) (Checkpoint[S], bool) {
	i, found := slices.BinarySearchFunc(cps, seq, bySeq)
	if found {
		return cps[i], true
	}
	if i == 0 {
		return Checkpoint[S]{}, false
	}
	return cps[i-1], true
}
