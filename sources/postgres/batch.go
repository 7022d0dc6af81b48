package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// AppendBatch appends events in one transaction, with one COPY: all of
// them or none. They may be of several streams; the seqs of each stream
// are either all 0 (assigned: the next ones of the stream) or consecutive
// from the stream's next seq, else nothing is appended and the error is
// replay.ErrSeqMismatch. A writer that appends to one of the streams at
// the same time makes one of the two fail the same way. It is how a
// capture is loaded: an Append is a round trip per event.
func (l *Log[E]) AppendBatch(ctx context.Context, events []replay.Event[E]) error {
	if len(events) == 0 {
		return ctx.Err()
	}
	type run struct {
		first    int // index of the stream's first event in the batch
		n        int
		assigned bool
	}
	runs := map[replay.StreamKey]*run{}
	var streams []string
	rows := make([][]any, len(events))
	for i, ev := range events {
		r := runs[ev.Stream]
		if r == nil {
			r = &run{first: i, assigned: ev.Seq == 0}
			runs[ev.Stream] = r
			streams = append(streams, string(ev.Stream))
		}
		if want := events[r.first].Seq + replay.Seq(r.n); r.assigned && ev.Seq != 0 || !r.assigned && ev.Seq != want {
			return fmt.Errorf("append a batch to stream %q: its seqs must be all 0 or consecutive, and seq %d follows seq %d", ev.Stream, ev.Seq, want-1)
		}
		r.n++
		payload, fields, err := jsonv.EncodeStored(ev.Payload)
		if err != nil {
			return fmt.Errorf("append to stream %q: the payload of seq %d does not encode: %w", ev.Stream, ev.Seq, err)
		}
		var at *time.Time
		if !ev.Time.IsZero() {
			t := ev.Time
			at = &t
		}
		rows[i] = []any{string(ev.Stream), int64(ev.Seq), at, payload, fields}
	}
	tx, err := l.pool.Begin(ctx)
	if err != nil {
		return wrap(l.pool, "append a batch", err)
	}
	defer tx.Rollback(ctx)
	last, err := lastSeqs(ctx, tx, l.table, streams)
	if err != nil {
		return wrap(l.pool, "latest seqs of the batch's streams", err)
	}
	next := map[replay.StreamKey]int64{}
	for i, ev := range events {
		r := runs[ev.Stream]
		switch {
		case r.assigned:
			next[ev.Stream]++
			rows[i][1] = last[string(ev.Stream)] + next[ev.Stream]
		case i == r.first && int64(ev.Seq) != last[string(ev.Stream)]+1:
			return fmt.Errorf("append to stream %q at seq %d: next seq is %d: %w", ev.Stream, ev.Seq, last[string(ev.Stream)]+1, replay.ErrSeqMismatch)
		}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier(strings.Split(l.name, ".")), []string{"stream", "seq", "time", "payload", "fields"}, pgx.CopyFromRows(rows))
	if err == nil {
		err = tx.Commit(ctx)
	}
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return fmt.Errorf("append a batch from stream %q seq %d: another writer appended to one of its streams first: %w", events[0].Stream, rows[0][1], replay.ErrSeqMismatch)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return wrap(l.pool, fmt.Sprintf("append %d events from stream %q seq %d", len(rows), events[0].Stream, rows[0][1]), err)
}

// lastSeqs returns the latest seq of each stream that has events.
func lastSeqs(ctx context.Context, tx pgx.Tx, table string, streams []string) (map[string]int64, error) {
	rows, err := tx.Query(ctx, `SELECT stream, MAX(seq) FROM `+table+` WHERE stream = ANY($1) GROUP BY stream`, streams)
	if err != nil {
		return nil, err
	}
	last := map[string]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return nil, err
		}
		last[s] = n
	}
	return last, rows.Err()
}
