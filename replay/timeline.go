package replay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

const (
	// DefaultKeyframeBudget is the memory a Timeline lets its keyframes
	// hold when TimelineOptions.KeyframeBudget is zero: 256 MiB.
	DefaultKeyframeBudget = 256 << 20
	// DefaultKeyframeEvery is the initial keyframe spacing when
	// TimelineOptions.KeyframeEvery is zero.
	DefaultKeyframeEvery = 256
)

// TimelineOptions configures a Timeline. The zero value is ready to use.
type TimelineOptions[S any] struct {
	// Bookmarks is a second, persistent layer of checkpoints (the user's
	// bookmarks) that seeks start from when it is nearer than any
	// keyframe. The timeline reads it and never writes it. May be nil.
	Bookmarks Snapshotter[S]

	// Clone returns a deep copy of a state. When set, the timeline never
	// gives a state it keeps (a keyframe, a bookmark, the current state,
	// the initial state) to apply: it gives a clone. That makes the
	// timeline safe with an apply that mutates its input, at the cost of
	// one clone per seek and per keyframe. When nil, apply must be pure.
	Clone func(S) S

	// KeyframeBudget bounds the memory of all keyframes, in bytes
	// (default DefaultKeyframeBudget). When the keyframes outgrow it, the
	// spacing doubles and every other keyframe is dropped.
	KeyframeBudget int64

	// KeyframeEvery is the initial spacing of keyframes in events
	// (default DefaultKeyframeEvery). A seek folds fewer events than the
	// spacing in force.
	KeyframeEvery int

	// SizeOf returns the bytes a state holds. The default estimates it by
	// walking the state with reflection (on one keyframe in eight), which
	// counts memory shared between keyframes more than once; a state type
	// with structural sharing can do better.
	SizeOf func(S) int64

	// BatchSize is passed to Replay.
	BatchSize int

	// Trail is how many of the states just before a seek's target the
	// timeline keeps, so that stepping back through them folds nothing
	// (default DefaultTrail; negative: none). With Clone set, each would
	// be a clone, so the default is none then.
	Trail int
}

// DefaultTrail is TimelineOptions.Trail when it is zero.
const DefaultTrail = 256

// Origin is where a seek started folding.
type Origin int

const (
	FromInitial  Origin = iota // the initial state, before seq 1
	FromCurrent                // the state the timeline was at
	FromKeyframe               // an in-memory keyframe
	FromBookmark               // a checkpoint of TimelineOptions.Bookmarks
	FromTrail                  // a state kept from a recent seek (TimelineOptions.Trail)
)

func (o Origin) String() string {
	switch o {
	case FromInitial:
		return "start"
	case FromCurrent:
		return "current"
	case FromKeyframe:
		return "keyframe"
	case FromBookmark:
		return "bookmark"
	case FromTrail:
		return "trail"
	}
	return fmt.Sprintf("Origin(%d)", int(o))
}

// SeekCost is what one seek cost.
type SeekCost struct {
	Origin Origin        // where the fold started
	From   Seq           // the seq of that starting point
	Folded int           // events applied
	Took   time.Duration // wall time of the whole seek
}

func (c SeekCost) String() string {
	return fmt.Sprintf("from %s@%d, %d folded, %s", c.Origin, c.From, c.Folded, c.Took.Round(time.Microsecond))
}

// KeyframeStats describes a timeline's keyframes.
type KeyframeStats struct {
	Count  int
	Every  Seq   // the spacing in force
	Bytes  int64 // estimated memory held
	Budget int64
}

// Timeline seeks to any seq of one stream, fast: the engine of a
// time-travel debugger.
//
// It keeps the current position and state, keyframes (checkpoints in
// memory every Every events, recorded as seeks pass them or built ahead by
// BuildKeyframes), and optionally a persistent layer of bookmarks. Stepping
// forward applies one event to the current state; any other seek starts
// from the nearest of those checkpoints at or before the target, so it
// folds fewer events than the keyframe spacing once keyframes are built.
// Seeks go through Replay with a Snapshotter that layers these sources.
//
// The log may grow while the timeline is open: seeks and Last see new
// events without a rebuild.
//
// States handed out are shared with the timeline and must be treated as
// read-only; see TimelineOptions.Clone for an apply that is not pure.
//
// A Timeline is safe for concurrent use. Seeks are serialised;
// BuildKeyframes runs beside them.
type Timeline[S, E any] struct {
	accumulate func(S) Accumulator[S, E]
	log        Log[E]
	stream     StreamKey
	apply      Apply[S, E]
	initial    S
	clone      func(S) S
	bookmarks  Snapshotter[S]
	batch      int
	keyframes  *keyframes[S]

	mu    sync.Mutex // serialises seeks; guards seq, state and trail
	seq   Seq
	state S
	// trail holds the states at seqs trailFrom, trailFrom+1, …: those a
	// recent seek passed through before its target.
	trail     []S
	trailFrom Seq
	trailMax  int

	lastMu sync.Mutex
	last   Seq // the highest seq known to exist
}

// NewTimeline returns a timeline over stream of log, positioned at seq 0
// with the initial state.
func NewTimeline[S, E any](log Log[E], stream StreamKey, apply Apply[S, E], initial S, opts TimelineOptions[S]) (*Timeline[S, E], error) {
	if log == nil {
		return nil, errors.New("new timeline: the log is nil")
	}
	if apply == nil {
		return nil, errors.New("new timeline: the apply function is nil")
	}
	if opts.KeyframeEvery < 0 || opts.KeyframeBudget < 0 || opts.BatchSize < 0 {
		return nil, fmt.Errorf("new timeline: KeyframeEvery (%d), KeyframeBudget (%d) and BatchSize (%d) must not be negative",
			opts.KeyframeEvery, opts.KeyframeBudget, opts.BatchSize)
	}
	every := Seq(opts.KeyframeEvery)
	if every == 0 {
		every = DefaultKeyframeEvery
	}
	budget := opts.KeyframeBudget
	if budget == 0 {
		budget = DefaultKeyframeBudget
	}
	trail := opts.Trail
	if trail == 0 && opts.Clone == nil {
		trail = DefaultTrail
	}
	return &Timeline[S, E]{
		log:       log,
		stream:    stream,
		apply:     apply,
		initial:   initial,
		clone:     opts.Clone,
		bookmarks: opts.Bookmarks,
		batch:     opts.BatchSize,
		keyframes: newKeyframes(every, budget, opts.SizeOf),
		state:     initial,
		trailMax:  max(trail, 0),
	}, nil
}

// Accumulate makes seeks fold most of their events with accumulators
// that f gives, starting from a state: the fast way when the states in
// between are not wanted. Their states must be the ones apply gives; f
// may return nil (then apply folds). The events just before a seek's
// target are still folded by apply, for the trail. Call it before the
// first seek.
func (t *Timeline[S, E]) Accumulate(f func(from S) Accumulator[S, E]) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.accumulate = f
}

// Stream returns the stream the timeline walks.
func (t *Timeline[S, E]) Stream() StreamKey { return t.stream }

// Position returns the current seq and the state after it.
func (t *Timeline[S, E]) Position() (Seq, S) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seq, t.state
}

// Keyframes describes the keyframes held now.
func (t *Timeline[S, E]) Keyframes() KeyframeStats { return t.keyframes.stats() }

// Seek moves to target and returns the state after the event at target
// (seq 0: the initial state) and what the seek cost.
//
// On an error the position does not change. Seeking past the last event
// is ErrPastEnd; an apply that fails or panics is an *ApplyError naming
// the seq. A cancelled ctx stops the fold between batches.
func (t *Timeline[S, E]) Seek(ctx context.Context, target Seq) (S, SeekCost, error) {
	start := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case target == t.seq:
		return t.state, SeekCost{Origin: FromCurrent, From: target, Took: time.Since(start)}, nil
	case target == 0:
		t.seq, t.state = 0, t.initial
		return t.state, SeekCost{Origin: FromInitial, Took: time.Since(start)}, nil
	case target >= t.trailFrom && target < t.trailFrom+Seq(len(t.trail)):
		t.seq, t.state = target, t.trail[target-t.trailFrom]
		return t.state, SeekCost{Origin: FromTrail, From: target, Took: time.Since(start)}, nil
	}
	pre, err := t.accumulateTo(ctx, target)
	if err != nil {
		var zero S
		pre.Took = time.Since(start)
		return zero, pre, err
	}
	src := &layers[S, E]{t: t, withCurrent: true, withBookmarks: true, every: t.keyframes.spacing()}
	every := int(src.every)
	if t.trailMax > 0 {
		// Every state from here is offered to Save, which keeps the last
		// ones; the fold's cost is one call per event.
		src.recordFrom, every = max(target, Seq(t.trailMax))-Seq(t.trailMax)+1, 1
	}
	state, err := Replay(ctx, t.log, src, t.stream, target, t.apply, t.own(t.initial),
		Options{BatchSize: t.batch, SnapshotEvery: every})
	cost := SeekCost{Origin: src.origin, From: src.from, Took: time.Since(start)}
	if err != nil {
		var zero S
		return zero, cost, err
	}
	cost.Folded = int(target - src.from)
	if pre.Folded > 0 { // the accumulator took it most of the way
		cost.Origin, cost.From, cost.Folded = pre.Origin, pre.From, pre.Folded+cost.Folded
	}
	t.keep(src)
	t.seq, t.state = target, state
	t.noteLast(target)
	return state, cost, nil
}

// minAccumulate is the fewest events worth an accumulator.
const minAccumulate = 64

// accumulateTo folds toward target with the accumulator, from the nearest
// checkpoint (the current state included), to the start of the trail
// before target, when that is far enough to be worth it; it makes the
// state there the current one and records keyframes on the way. It
// reports what it folded (nothing when it did not run). Call with t.mu
// held.
func (t *Timeline[S, E]) accumulateTo(ctx context.Context, target Seq) (SeekCost, error) {
	if t.accumulate == nil {
		return SeekCost{}, nil
	}
	src := &layers[S, E]{t: t, withCurrent: true, withBookmarks: true}
	cp, err := src.Load(ctx, t.stream, target)
	if err != nil {
		return SeekCost{}, err
	}
	state, at := t.own(t.initial), Seq(0)
	if cp != nil {
		state, at = cp.State, cp.Seq
	}
	until := target - min(target, Seq(t.trailMax))
	if until < at+minAccumulate {
		return SeekCost{}, nil // apply folds the few events there are
	}
	acc := t.accumulate(state)
	if acc == nil {
		return SeekCost{}, nil
	}
	cost := SeekCost{Origin: src.origin, From: src.from}
	every := t.keyframes.spacing()
	for events, err := range batches(ctx, t.log, t.stream, at+1, until, t.batch) {
		if err != nil {
			return cost, fmt.Errorf("stream %s: %w", StreamName(t.stream), err)
		}
		for i := range events {
			if events[i].Seq != at+1 {
				return cost, fmt.Errorf("stream %s: expected seq %d, the log returned seq %d: %w", StreamName(t.stream), at+1, events[i].Seq, ErrSeqMismatch)
			}
			if err := accumulate(acc, t.stream, events[i]); err != nil {
				return cost, err
			}
			at = events[i].Seq
			cost.Folded++
			if at%every == 0 && t.keyframes.wants(at) {
				t.keyframes.add(at, t.own(acc.State()))
			}
		}
	}
	if cost.Folded > 0 {
		t.seq, t.state = at, acc.State()
	}
	return cost, nil
}

// accumulate adds one event, turning an error or a panic into the
// *ApplyError an apply's would be.
func accumulate[S, E any](acc Accumulator[S, E], stream StreamKey, ev Event[E]) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newApplyError(stream, ev, r)
		}
	}()
	if err := acc.Add(ev); err != nil {
		return newApplyError(stream, ev, err)
	}
	return nil
}

// keep makes the states a seek recorded the trail, joined to the trail
// there was when they continue it (a step forward). Call with t.mu held.
func (t *Timeline[S, E]) keep(src *layers[S, E]) {
	if len(src.recorded) == 0 {
		return
	}
	if end := t.trailFrom + Seq(len(t.trail)); len(t.trail) > 0 && src.recordedFrom == end {
		t.trail = append(t.trail, src.recorded...)
	} else {
		t.trail, t.trailFrom = src.recorded, src.recordedFrom
	}
	if extra := len(t.trail) - t.trailMax; extra > 0 {
		clear(t.trail[:extra])
		t.trail, t.trailFrom = t.trail[extra:], t.trailFrom+Seq(extra)
	}
}

// Last returns the seq of the last event of the stream, looking at the log
// again so that a growing log is seen. It uses LastSeqReporter when the
// log has it, and otherwise reads forward from the last seq it knew.
func (t *Timeline[S, E]) Last(ctx context.Context) (Seq, error) {
	if lr, ok := t.log.(LastSeqReporter); ok {
		last, err := lr.LastSeq(ctx, t.stream)
		if err != nil {
			return 0, fmt.Errorf("stream %s: latest seq: %w", StreamName(t.stream), err)
		}
		t.noteLast(last)
		return last, nil
	}
	t.lastMu.Lock()
	last := t.last
	t.lastMu.Unlock()
	for events, err := range batches(ctx, t.log, t.stream, last+1, 0, t.batch) {
		if err != nil {
			return 0, err
		}
		last = events[len(events)-1].Seq
	}
	t.noteLast(last)
	return last, nil
}

func (t *Timeline[S, E]) noteLast(seq Seq) {
	t.lastMu.Lock()
	t.last = max(t.last, seq)
	t.lastMu.Unlock()
}

// BuildKeyframes records a keyframe at every multiple of the spacing up to
// the last event, so that later seeks fold few events. It reports progress
// (keyframes are built in seq order) after each keyframe; progress may be
// nil. It runs beside seeks and stops when ctx is cancelled.
func (t *Timeline[S, E]) BuildKeyframes(ctx context.Context, progress func(done, total Seq)) error {
	last, err := t.Last(ctx)
	if err != nil {
		return err
	}
	every := t.keyframes.spacing()
	for m := every; m <= last; m = (m/every + 1) * every {
		if !t.keyframes.has(m) {
			src := &layers[S, E]{t: t}
			_, err := Replay(ctx, t.log, src, t.stream, m, t.apply, t.own(t.initial),
				Options{BatchSize: t.batch, SnapshotEvery: int(every)})
			if err != nil {
				return fmt.Errorf("build keyframes: %w", err)
			}
		}
		if progress != nil {
			progress(m, last)
		}
		every = t.keyframes.spacing()
	}
	if progress != nil {
		progress(last, last)
	}
	return nil
}

// own returns what may be handed to apply in place of a state the
// timeline keeps: a clone when TimelineOptions.Clone is set.
func (t *Timeline[S, E]) own(s S) S {
	if t.clone != nil {
		return t.clone(s)
	}
	return s
}

// layers is the Snapshotter a seek hands to Replay: loading picks the
// nearest of the current state, the keyframes and the bookmarks; saving
// records keyframes. It remembers where the fold started, for SeekCost.
type layers[S, E any] struct {
	t             *Timeline[S, E]
	withCurrent   bool // the caller holds t.mu
	withBookmarks bool

	origin Origin
	from   Seq

	every        Seq // the keyframe spacing when the seek began
	recordFrom   Seq // keep the states from this seq on (0: none)
	recorded     []S
	recordedFrom Seq
}

func (l *layers[S, E]) Load(ctx context.Context, stream StreamKey, atOrBefore Seq) (*Checkpoint[S], error) {
	t := l.t
	best, found := Checkpoint[S]{Stream: stream}, false
	l.origin, l.from = FromInitial, 0
	if l.withCurrent && t.seq > 0 && t.seq <= atOrBefore {
		best.Seq, best.State, found = t.seq, t.state, true
		l.origin, l.from = FromCurrent, t.seq
	}
	if cp, ok := t.keyframes.atOrBefore(atOrBefore); ok && cp.Seq > best.Seq {
		best, found = cp, true
		l.origin, l.from = FromKeyframe, cp.Seq
	}
	// A bookmark can only save fewer folds than the keyframe spacing once
	// keyframes are built, so a remote bookmark store is asked only when
	// the nearest checkpoint in memory is at least that far away.
	if l.withBookmarks && t.bookmarks != nil && atOrBefore-best.Seq >= t.keyframes.spacing() {
		cp, err := t.bookmarks.Load(ctx, stream, atOrBefore)
		if err != nil {
			return nil, fmt.Errorf("bookmarks: %w", err)
		}
		if cp != nil && cp.Seq > atOrBefore {
			return nil, fmt.Errorf("bookmarks: asked for a checkpoint at or before seq %d, got seq %d", atOrBefore, cp.Seq)
		}
		if cp != nil && cp.Seq > best.Seq {
			best, found = *cp, true
			l.origin, l.from = FromBookmark, cp.Seq
		}
	}
	if !found {
		return nil, nil
	}
	best.Stream, best.State = stream, t.own(best.State)
	return &best, nil
}

func (l *layers[S, E]) Save(_ context.Context, c Checkpoint[S]) error {
	if l.recordFrom > 0 && c.Seq >= l.recordFrom {
		if len(l.recorded) == 0 {
			l.recordedFrom = c.Seq
		}
		l.recorded = append(l.recorded, c.State)
	}
	if (l.every == 0 || c.Seq%l.every == 0) && l.t.keyframes.wants(c.Seq) {
		// Replay folds on from this very state: keep a clone of it when
		// apply may mutate its input.
		l.t.keyframes.add(c.Seq, l.t.own(c.State))
	}
	return nil
}
