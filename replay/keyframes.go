package replay

import (
	"slices"
	"sync"
)

// keyframeOverhead is what one keyframe costs beyond its state: the
// Checkpoint and its slot in the index.
const keyframeOverhead = 64

// keyframes holds in-memory checkpoints at multiples of a spacing that
// doubles whenever they outgrow their memory budget.
type keyframes[S any] struct {
	mu       sync.RWMutex
	every    Seq
	budget   int64
	sizeOf   func(S) int64 // nil: sample approxSize
	cps      []Checkpoint[S]
	sizes    []int64 // parallel to cps
	bytes    int64
	added    int
	lastSize int64
}

func newKeyframes[S any](every Seq, budget int64, sizeOf func(S) int64) *keyframes[S] {
	return &keyframes[S]{every: every, budget: budget, sizeOf: sizeOf}
}

func (k *keyframes[S]) spacing() Seq {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.every
}

func (k *keyframes[S]) stats() KeyframeStats {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return KeyframeStats{Count: len(k.cps), Every: k.every, Bytes: k.bytes, Budget: k.budget}
}

func (k *keyframes[S]) index(seq Seq) (int, bool) {
	return slices.BinarySearchFunc(k.cps, seq, bySeq)
}

func (k *keyframes[S]) has(seq Seq) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	_, found := k.index(seq)
	return found
}

// wants reports whether a keyframe at seq would be kept.
func (k *keyframes[S]) wants(seq Seq) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if seq == 0 || seq%k.every != 0 {
		return false
	}
	_, found := k.index(seq)
	return !found
}

func (k *keyframes[S]) atOrBefore(seq Seq) (Checkpoint[S], bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return latestAtOrBefore(k.cps, seq)
}

func (k *keyframes[S]) add(seq Seq, state S) {
	size := k.measure(state)
	k.mu.Lock()
	defer k.mu.Unlock()
	if seq == 0 || seq%k.every != 0 {
		return
	}
	i, found := k.index(seq)
	if found {
		return
	}
	k.cps = slices.Insert(k.cps, i, Checkpoint[S]{Seq: seq, State: state})
	k.sizes = slices.Insert(k.sizes, i, size)
	k.bytes += size
	for k.bytes > k.budget && len(k.cps) > 1 {
		k.thin()
	}
}

// measure estimates the memory of one keyframe. Without a SizeOf, walking
// every state would cost as much as the fold itself on large states, so
// one keyframe in eight is walked and the others reuse its figure.
func (k *keyframes[S]) measure(state S) int64 {
	if k.sizeOf != nil {
		return keyframeOverhead + k.sizeOf(state)
	}
	k.mu.Lock()
	sample := k.added%8 == 0
	k.added++
	last := k.lastSize
	k.mu.Unlock()
	if !sample {
		return last
	}
	size := keyframeOverhead + approxSize(state)
	k.mu.Lock()
	k.lastSize = size
	k.mu.Unlock()
	return size
}

// thin doubles the spacing and drops the keyframes that are off it.
func (k *keyframes[S]) thin() {
	k.every *= 2
	cps, sizes := k.cps[:0], k.sizes[:0]
	k.bytes = 0
	for i, cp := range k.cps {
		if cp.Seq%k.every == 0 {
			cps = append(cps, cp)
			sizes = append(sizes, k.sizes[i])
			k.bytes += k.sizes[i]
		}
	}
	clear(k.cps[len(cps):]) // let dropped states be collected
	k.cps, k.sizes = cps, sizes
}
