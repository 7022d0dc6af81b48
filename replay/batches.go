package replay

import (
	"context"
	"fmt"
	"iter"
)

// batches reads the events of stream from seq from on, up to seq until
// (0: to the end), size at a time, and yields each batch: the one reading
// loop of Replay, the Timeline's searches and Last. It reads through
// SharedReader when the log has it, so a batch may share memory with the
// log: callers fold it and never keep or modify it. It notices ctx's end
// between batches, and stops after yielding an error.
func batches[E any](ctx context.Context, log Log[E], stream StreamKey, from, until Seq, size int) iter.Seq2[[]Event[E], error] {
	read := log.Read
	if shared, ok := log.(SharedReader[E]); ok {
		read = shared.ReadShared
	}
	if size <= 0 {
		size = DefaultBatchSize
	}
	return func(yield func([]Event[E], error) bool) {
		for next := max(from, 1); until == 0 || next <= until; {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			limit := size
			if until != 0 {
				limit = int(min(Seq(size), until-next+1))
			}
			events, err := read(ctx, stream, next, limit)
			if err != nil {
				yield(nil, fmt.Errorf("stream %s: read from seq %d: %w", StreamName(stream), next, err))
				return
			}
			if len(events) == 0 || !yield(events, nil) {
				return
			}
			next = events[len(events)-1].Seq + 1
		}
	}
}
