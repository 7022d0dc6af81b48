package replay

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Condition is a test of a state and the event that led to it, such as
// an invariant to watch ("the balance is not negative").
type Condition[S, E any] func(state S, ev Event[E]) (bool, error)

// ConditionError is a condition that failed (not false: failed) at a seq.
type ConditionError struct {
	Seq Seq
	Err error
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("the condition failed at seq %d: %v", e.Seq, e.Err)
}
func (e *ConditionError) Unwrap() error { return e.Err }

// ScanCost is what a search of the timeline cost.
type ScanCost struct {
	Seeks  int           // seeks made
	Folded int           // events applied, seeks included
	Took   time.Duration // wall time
}

var errFound = errors.New("found")

// ErrConditionNeverHolds: Bisect was given a range at whose end the
// condition does not hold, so there is no first seq to find.
var ErrConditionNeverHolds = errors.New("replay: the condition does not hold at the end of the range")

// Continue looks forward from seq from (exclusive) for the first seq at
// which cond holds, folding each event once from the state at from: a
// debugger's "continue". It reports the seq and whether it found one,
// with progress (the seq reached) after each batch; progress may be nil.
// A cancelled ctx stops it; the error then comes with the seq reached in
// the cost's Folded count.
func (t *Timeline[S, E]) Continue(ctx context.Context, from Seq, cond Condition[S, E], progress func(Seq)) (Seq, bool, ScanCost, error) {
	start := time.Now()
	var cost ScanCost
	state, sc, err := t.Seek(ctx, from)
	cost.Seeks, cost.Folded = 1, sc.Folded
	if err != nil {
		return 0, false, cost, err
	}
	found, ok, folded, err := t.scan(ctx, from, 0, t.own(state), cond, progress, false)
	cost.Folded += folded
	cost.Took = time.Since(start)
	return found, ok, cost, err
}

// scan folds from the state at seq at up to seq until (0: the end of the
// stream), evaluating cond after each event. With last it returns the
// last seq where cond held in that range, else the first. Keyframes are
// recorded on the way.
func (t *Timeline[S, E]) scan(ctx context.Context, at, until Seq, state S, cond Condition[S, E], progress func(Seq), last bool) (Seq, bool, int, error) {
	var found Seq
	folded := 0
	if until != 0 && at >= until {
		return found, false, folded, nil
	}
	for events, err := range batches(ctx, t.log, t.stream, at+1, until, t.batch) {
		if err != nil {
			return found, found > 0, folded, err
		}
		state, at, err = fold(t.stream, state, at, events, t.apply, func(i int, seq Seq, s S) error {
			folded++
			if folded%64 == 0 { // a slow condition still stops at once
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(seq)
				}
			}
			if t.keyframes.wants(seq) {
				t.keyframes.add(seq, t.own(s))
			}
			ok, err := cond(s, events[i])
			if err != nil {
				return &ConditionError{Seq: seq, Err: err}
			}
			if ok {
				found = seq
				if !last {
					return errFound
				}
			}
			return nil
		})
		switch {
		case errors.Is(err, errFound):
			return found, true, folded, nil
		case err != nil:
			return found, found > 0, folded, err
		}
		if progress != nil {
			progress(at)
		}
	}
	return found, found > 0, folded, nil
}

// ReverseContinue looks backward from seq from (exclusive) for the
// nearest earlier seq at which cond holds: a debugger's "reverse
// continue". It does not replay from
// the start for each seq: it takes the stream a keyframe interval at a
// time, from the nearest keyframe, folding each event once, so it costs
// about as many applies as the distance it covers. progress gets the
// lowest seq examined.
func (t *Timeline[S, E]) ReverseContinue(ctx context.Context, from Seq, cond Condition[S, E], progress func(Seq)) (Seq, bool, ScanCost, error) {
	start := time.Now()
	var cost ScanCost
	for hi := from; hi > 1; {
		// The segment (lo, hi-1]: lo on the keyframe grid.
		every := t.keyframes.spacing()
		lo := ((hi - 2) / every) * every
		state, sc, err := t.Seek(ctx, lo)
		cost.Seeks++
		cost.Folded += sc.Folded
		if err != nil {
			return 0, false, cost, err
		}
		found, ok, folded, err := t.scan(ctx, lo, hi-1, t.own(state), cond, nil, true)
		cost.Folded += folded
		if err != nil {
			cost.Took = time.Since(start)
			return 0, false, cost, err
		}
		if ok {
			cost.Took = time.Since(start)
			return found, true, cost, nil
		}
		if progress != nil {
			progress(lo + 1)
		}
		hi = lo + 1
	}
	cost.Took = time.Since(start)
	return 0, false, cost, nil
}

// Bisect finds the first seq in (lo, hi] at which cond holds, given that
// it does not hold at lo (lo 0: before the stream) and does at hi, and
// that once it holds it keeps holding (an invariant that breaks and stays
// broken). It takes O(log(hi-lo)) seeks. Use Continue when the condition may
// flicker. When cond does not hold at hi, the error wraps
// ErrConditionNeverHolds.
func (t *Timeline[S, E]) Bisect(ctx context.Context, lo, hi Seq, cond Condition[S, E]) (Seq, ScanCost, error) {
	start := time.Now()
	var cost ScanCost
	holds := func(seq Seq) (bool, error) {
		state, sc, err := t.Seek(ctx, seq)
		cost.Seeks++
		cost.Folded += sc.Folded
		if err != nil {
			return false, err
		}
		events, err := t.log.Read(ctx, t.stream, seq, 1)
		if err != nil {
			return false, err
		}
		if len(events) != 1 {
			return false, fmt.Errorf("stream %s has no seq %d: %w", StreamName(t.stream), seq, ErrPastEnd)
		}
		ok, err := cond(state, events[0])
		if err != nil {
			return false, &ConditionError{Seq: seq, Err: err}
		}
		return ok, nil
	}
	ok, err := holds(hi)
	if err != nil {
		return 0, cost, err
	}
	if !ok {
		return 0, cost, fmt.Errorf("bisect: the condition does not hold at seq %d, the end of the range: %w", hi, ErrConditionNeverHolds)
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := holds(mid)
		if err != nil {
			return 0, cost, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	cost.Took = time.Since(start)
	return hi, cost, nil
}
