package replay

import "context"

// Divergence is where two folds of one stream first disagree: the event
// after which their states differ (a zero Event when the initial states
// already differ, at seq 0), the two states there, and how they differ.
type Divergence[S, E any] struct {
	Event       Event[E]
	A, B        S
	Differences []Difference
}

// Seq is the seq where the states first differ; 0 for the initial states.
func (d Divergence[S, E]) Seq() Seq { return d.Event.Seq }

// SideError is a failure of one of the two folds of [FirstDivergence]:
// Side is "A" for its first apply, "B" for its second, and Err the
// *ApplyError (or a seq out of order, which both sides would meet).
type SideError struct {
	Side string
	Err  error
}

func (e *SideError) Error() string { return "apply " + e.Side + ": " + e.Err.Error() }

func (e *SideError) Unwrap() error { return e.Err }

// FirstDivergence folds the events of stream through two applies at once,
// a from initialA and b from initialB, reading each event once, and
// returns the first seq where the two states differ: the question a team
// asks of a new version of an apply before deploying it, over the
// history the old one folded. It compares the initial states first (seq
// 0), then the states after every event, and stops at the first
// difference; false when the states agree throughout.
//
// compare lists how two states differ, nil when they are equal; nil
// means [Compare]. A state type with its own equality (JSON values, a
// persistent map) gives its own.
//
// An apply that panics ends the fold with a *SideError that says which
// apply failed ("apply A: ..." or "apply B: ...") and wraps the
// *ApplyError.
func FirstDivergence[S, E any](ctx context.Context, log Log[E], stream StreamKey, a, b Apply[S, E], initialA, initialB S, compare func(a, b S) []Difference) (Divergence[S, E], bool, error) {
	if compare == nil {
		compare = func(a, b S) []Difference { return Compare(a, b) }
	}
	stateA, stateB := initialA, initialB
	if diffs := compare(stateA, stateB); len(diffs) > 0 {
		return Divergence[S, E]{A: stateA, B: stateB, Differences: diffs}, true, nil
	}
	at := Seq(0)
	for ev, err := range All(ctx, log, stream) {
		if err != nil {
			return Divergence[S, E]{}, false, err
		}
		events := []Event[E]{ev}
		if stateA, _, err = fold(stream, stateA, at, events, a, nil); err != nil {
			return Divergence[S, E]{}, false, &SideError{"A", err}
		}
		if stateB, at, err = fold(stream, stateB, at, events, b, nil); err != nil {
			return Divergence[S, E]{}, false, &SideError{"B", err}
		}
		if diffs := compare(stateA, stateB); len(diffs) > 0 {
			return Divergence[S, E]{Event: ev, A: stateA, B: stateB, Differences: diffs}, true, nil
		}
	}
	return Divergence[S, E]{}, false, nil
}
