package replay

import (
	"context"
	"fmt"
)

// PurityError reports an apply that is not pure at one event.
type PurityError struct {
	Stream StreamKey
	Seq    Seq
	// Mutated is true when apply changed the state it was given; false
	// when two applies of the same event to the same state disagreed.
	Mutated bool
	// Path locates the first difference inside the state, such as
	// `state.Balances["alice"]`.
	Path string
	// Before and After are the values at Path: before and after the apply
	// (Mutated), or in the first and the second result (not Mutated).
	// "<absent>" stands for a value that does not exist on that side.
	Before, After string
}

func (e *PurityError) Error() string {
	if e.Mutated {
		return fmt.Sprintf("apply mutated the state it was given at stream %s seq %d: %s was %s, became %s",
			StreamName(e.Stream), e.Seq, e.Path, e.Before, e.After)
	}
	return fmt.Sprintf("apply is not deterministic at stream %s seq %d: two applies of the same event differ at %s: %s, then %s",
		StreamName(e.Stream), e.Seq, e.Path, e.Before, e.After)
}

// CheckPurity replays the whole of stream and reports the first event at
// which apply is not pure, as a *PurityError: it mutated the state it was
// given (the bug that silently corrupts every checkpoint sharing that
// state), or applying the same event to the same state twice gave two
// different results (a clock, a random number, map iteration order).
//
// It returns nil when every event passed; an *ApplyError when apply panicked;
// and ErrEmptyStream, ErrSeqMismatch or the log's error as Replay would.
// States are compared by walking them with reflection, unexported fields
// included, so the check costs a few walks of the state per event: it is a
// verification tool, not something for a hot path.
func CheckPurity[S, E any](ctx context.Context, log Log[E], stream StreamKey, apply Apply[S, E], initial S) error {
	state := initial
	before := flatOf(state)
	var at Seq
	for ev, err := range All(ctx, log, stream) {
		if err != nil {
			return fmt.Errorf("check purity of stream %s: %w", StreamName(stream), err)
		}
		if ev.Seq != at+1 {
			return fmt.Errorf("check purity of stream %s: expected seq %d, the log returned seq %d: %w", StreamName(stream), at+1, ev.Seq, ErrSeqMismatch)
		}
		first, err := safeApply(apply, state, ev)
		if err != nil {
			return err
		}
		if d, ok := firstDifference(before, flatOf(state)); ok {
			return &PurityError{Stream: stream, Seq: ev.Seq, Mutated: true, Path: d.path, Before: d.a, After: d.b}
		}
		second, err := safeApply(apply, state, ev)
		if err != nil {
			return err
		}
		// The walk of first is the next event's state before its apply:
		// nothing runs between.
		after := flatOf(first)
		if d, ok := firstDifference(after, flatOf(second)); ok {
			return &PurityError{Stream: stream, Seq: ev.Seq, Path: d.path, Before: d.a, After: d.b}
		}
		state, before, at = first, after, ev.Seq
	}
	if at == 0 {
		return fmt.Errorf("check purity of stream %s: %w", StreamName(stream), ErrEmptyStream)
	}
	return nil
}

// safeApply calls apply on one event and turns a panic into an
// *ApplyError, as Replay does.
func safeApply[S, E any](apply Apply[S, E], state S, ev Event[E]) (S, error) {
	next, _, err := fold(ev.Stream, state, ev.Seq-1, []Event[E]{ev}, apply, nil)
	return next, err
}
