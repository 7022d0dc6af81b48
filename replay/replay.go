package replay

import (
	"context"
	"fmt"
	"math"
)

// DefaultBatchSize is the number of events Replay reads at a time when
// Options.BatchSize is zero.
const DefaultBatchSize = 1024

// Options tunes Replay. The zero value is ready to use.
type Options struct {
	// BatchSize is how many events are read from the log at a time
	// (default DefaultBatchSize). Cancellation of the context is noticed
	// between batches.
	BatchSize int
	// SnapshotEvery, when positive and a Snapshotter is given, saves a
	// checkpoint at every seq that is a multiple of it on the way to the
	// target.
	SnapshotEvery int
}

// Replay rebuilds the state of stream after the event at targetSeq.
//
// It starts from the latest checkpoint in snap at or before targetSeq (snap
// may be nil; targetSeq 0 means the whole stream and takes the latest
// checkpoint of all), or from initial when there is none, then folds the
// following events through apply in batches of opts.BatchSize.
//
// Errors:
//   - a stream with no events and no checkpoint: ErrEmptyStream;
//   - targetSeq after the last event: ErrPastEnd (the state is not
//     returned; see ErrPastEnd for why);
//   - apply panicking: an *ApplyError naming the stream and seq, which
//     unwraps to the panic value when that is an error;
//   - a log handing back an event whose seq is not the next one:
//     ErrSeqMismatch;
//   - ctx cancelled: ctx.Err(), noticed between batches.
//
// If the log implements SharedReader, Replay folds its events in place
// instead of copying each batch.
func Replay[S, E any](ctx context.Context, log Log[E], snap Snapshotter[S], stream StreamKey, targetSeq Seq, apply Apply[S, E], initial S, opts Options) (S, error) {
	var zero S
	batch := opts.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	bound := targetSeq
	if bound == 0 {
		bound = math.MaxUint64
	}

	state, at := initial, Seq(0)
	if snap != nil {
		cp, err := snap.Load(ctx, stream, bound)
		if err != nil {
			return zero, fmt.Errorf("replay stream %s: load checkpoint: %w", StreamName(stream), err)
		}
		if cp != nil {
			state, at = cp.State, cp.Seq
		}
	}

	var save func(int, Seq, S) error
	if snap != nil && opts.SnapshotEvery > 0 {
		every := Seq(opts.SnapshotEvery)
		save = func(_ int, seq Seq, s S) error {
			if seq%every != 0 {
				return nil
			}
			if err := snap.Save(ctx, Checkpoint[S]{Stream: stream, Seq: seq, State: s}); err != nil {
				return fmt.Errorf("replay stream %s: save checkpoint at seq %d: %w", StreamName(stream), seq, err)
			}
			return nil
		}
	}

	if at < bound {
		for events, err := range batches(ctx, log, stream, at+1, targetSeq, batch) {
			if err != nil {
				return zero, fmt.Errorf("replay %w", err)
			}
			if state, at, err = fold(stream, state, at, events, apply, save); err != nil {
				return zero, err
			}
		}
	}

	switch {
	case at == 0 && targetSeq != 0:
		return zero, fmt.Errorf("replay stream %s to seq %d: %w", StreamName(stream), targetSeq, ErrEmptyStream)
	case at == 0:
		return zero, fmt.Errorf("replay stream %s: %w", StreamName(stream), ErrEmptyStream)
	case targetSeq != 0 && at < targetSeq:
		return zero, fmt.Errorf("replay stream %s to seq %d: the stream ends at seq %d: %w", StreamName(stream), targetSeq, at, ErrPastEnd)
	}
	return state, nil
}

// fold applies events, which must continue the stream right after seq at,
// and returns the state after the last one that applied, and its seq.
// visit, when not nil, is given each event's index in events and the state
// after it; an error from it stops the fold and is returned as it is. When
// apply panics, the error is an *ApplyError and the state is not returned.
func fold[S, E any](stream StreamKey, state S, at Seq, events []Event[E], apply Apply[S, E], visit func(int, Seq, S) error) (_ S, _ Seq, err error) {
	i := 0
	// One deferred recover per batch, not per event: a panic anywhere in
	// the batch is pinned to events[i] by the loop index. Only i is shared
	// with it, so that state and seq stay in registers in the loop.
	defer func() {
		if r := recover(); r != nil {
			err = newApplyError(stream, events[i], r)
		}
	}()
	for ; i < len(events); i++ {
		ev := &events[i]
		if ev.Seq != at+1 {
			return state, at, fmt.Errorf("replay stream %s: expected seq %d, the log returned seq %d: %w", StreamName(stream), at+1, ev.Seq, ErrSeqMismatch)
		}
		state, at = apply(state, *ev), ev.Seq
		if visit != nil {
			if err := visit(i, at, state); err != nil {
				return state, at, err
			}
		}
	}
	return state, at, nil
}
