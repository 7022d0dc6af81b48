package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

var _ replay.GlobalReader[int] = (*Log[int])(nil)

// ReadGlobal implements [replay.GlobalReader]: the global order is the
// order events were inserted in, the table's id column (schema.sql), and
// an event's position is its id: one range scan of that column's index.
// Ids may have gaps (an insert that lost a race for its seq used one).
// While several writers append, an event committed late may have an id
// below one already read, which a later read from past that one skips;
// the order of a table nobody writes is exact. So replaytui's debugger
// does not follow (-f) a table's global order.
//
// A table made before the id column was added to schema.sql has none:
// the error wraps replay.ErrNoGlobalOrder and says how to add it.
func (l *Log[E]) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[E], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read the global order: limit must be positive, got %d", limit)
	}
	sql := `SELECT id, stream, seq, time, payload, fields FROM ` + l.table + ` WHERE id >= $1 ORDER BY id LIMIT $2`
	args := []any{int64(min(from, 1<<63-1)), limit}
	if len(streams) > 0 {
		keys := make([]string, len(streams))
		for i, s := range streams {
			keys[i] = string(s)
		}
		sql = `SELECT id, stream, seq, time, payload, fields FROM ` + l.table + ` WHERE id >= $1 AND stream = ANY($3) ORDER BY id LIMIT $2`
		args = append(args, keys)
	}
	rows, err := l.pool.Query(ctx, sql, args...)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42703" { // undefined_column
			return nil, fmt.Errorf("postgres %s: table %s has no id column, the order its events were inserted in: add one with\n  ALTER TABLE %s ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE;\n(it numbers the events there are in the order they lie in the table): %w",
				poolHost(l.pool), l.name, l.table, replay.ErrNoGlobalOrder)
		}
		return nil, wrap(l.pool, fmt.Sprintf("read the global order from id %d", from), err)
	}
	defer rows.Close()
	events := make([]replay.GlobalEvent[E], 0, min(limit, 1024))
	for rows.Next() {
		var id, seq int64
		var stream string
		var at *time.Time
		var payload, fields []byte
		if err := rows.Scan(&id, &stream, &seq, &at, &payload, &fields); err != nil {
			return nil, wrap(l.pool, "read the global order", err)
		}
		ev := replay.Event[E]{Stream: replay.StreamKey(stream), Seq: replay.Seq(seq)}
		if at != nil {
			ev.Time = at.UTC()
		}
		if ev.Payload, err = jsonv.DecodeStored[E](payload, fields); err != nil {
			return nil, fmt.Errorf("read stream %q seq %d (id %d): the payload does not decode: %w", stream, seq, id, err)
		}
		events = append(events, replay.GlobalEvent[E]{Position: uint64(id), Event: ev})
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(l.pool, fmt.Sprintf("read the global order from id %d", from), err)
	}
	return events, nil
}

var _ replay.GlobalPositioner = (*Log[int])(nil)

// GlobalPositions implements [replay.GlobalPositioner]: the ids ReadGlobal
// would read, from the id column's index alone, without the payloads.
func (l *Log[E]) GlobalPositions(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]uint64, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read the global order: limit must be positive, got %d", limit)
	}
	sql := `SELECT id FROM ` + l.table + ` WHERE id >= $1 ORDER BY id LIMIT $2`
	args := []any{int64(min(from, 1<<63-1)), limit}
	if len(streams) > 0 {
		keys := make([]string, len(streams))
		for i, s := range streams {
			keys[i] = string(s)
		}
		sql = `SELECT id FROM ` + l.table + ` WHERE id >= $1 AND stream = ANY($3) ORDER BY id LIMIT $2`
		args = append(args, keys)
	}
	rows, err := l.pool.Query(ctx, sql, args...)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42703" { // undefined_column
			if _, rerr := l.ReadGlobal(ctx, streams, from, 1); rerr != nil {
				return nil, rerr // says how to add the column
			}
		}
		return nil, wrap(l.pool, fmt.Sprintf("read the global order's ids from id %d", from), err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrap(l.pool, fmt.Sprintf("read the global order's ids from id %d", from), err)
	}
	out := make([]uint64, len(ids))
	for i, id := range ids {
		out[i] = uint64(id)
	}
	return out, nil
}
