package replay

import (
	"context"
	"iter"
	"time"
)

// All returns an iterator over every event of stream, in seq order. It
// reads the log in batches of DefaultBatchSize as it goes. On an error it
// yields a zero Event with the error and stops.
func All[E any](ctx context.Context, log Log[E], stream StreamKey) iter.Seq2[Event[E], error] {
	return From(ctx, log, stream, 1)
}

// From returns an iterator over the events of stream with Seq >= from, in
// seq order; see All. Events appended while iterating are included.
func From[E any](ctx context.Context, log Log[E], stream StreamKey, from Seq) iter.Seq2[Event[E], error] {
	return func(yield func(Event[E], error) bool) {
		next := max(from, 1)
		for {
			events, err := log.Read(ctx, stream, next, DefaultBatchSize)
			if err != nil {
				yield(Event[E]{}, err)
				return
			}
			if len(events) == 0 {
				return
			}
			for _, ev := range events {
				if !yield(ev, nil) {
					return
				}
			}
			next = events[len(events)-1].Seq + 1
		}
	}
}

// Step is one event of a fold and the state right after it.
type Step[S, E any] struct {
	Event Event[E]
	State S
}

// Fold returns an iterator over the events of stream from the start,
// each with the state after it: a replay that shows every step, for tools
// that look for the first state with some property. An apply that fails
// or panics ends the iteration with an *ApplyError; so do the errors All
// yields.
func Fold[S, E any](ctx context.Context, log Log[E], stream StreamKey, apply Apply[S, E], initial S) iter.Seq2[Step[S, E], error] {
	return func(yield func(Step[S, E], error) bool) {
		state, at := initial, Seq(0)
		for ev, err := range All(ctx, log, stream) {
			if err != nil {
				yield(Step[S, E]{}, err)
				return
			}
			if state, at, err = fold(stream, state, at, []Event[E]{ev}, apply, nil); err != nil {
				yield(Step[S, E]{Event: ev}, err)
				return
			}
			if !yield(Step[S, E]{Event: ev, State: state}, nil) {
				return
			}
		}
	}
}

// SeqAt returns the last event of stream whose time is at or before t
// (events without a time are passed over), reading the stream once; false
// when there is none. Times need not be in seq order.
func SeqAt[E any](ctx context.Context, log Log[E], stream StreamKey, t time.Time) (Seq, bool, error) {
	var found Seq
	for ev, err := range All(ctx, log, stream) {
		if err != nil {
			return 0, false, err
		}
		if !ev.Time.IsZero() && !ev.Time.After(t) {
			found = ev.Seq
		}
	}
	return found, found > 0, nil
}
