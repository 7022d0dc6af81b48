package replay

import (
	"context"
	"iter"
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
