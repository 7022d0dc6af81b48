package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Log is a replay.Log over an events table (see schema.sql). Payloads are
// stored as jsonb: encoded with encoding/json, or as they are for
// jsonv.Payload, whose extra fields go to the fields column. It is safe
// for concurrent use.
type Log[E any] struct {
	pool  *pgxpool.Pool
	table string // quoted
	name  string
}

var (
	_ replay.Log[int]           = (*Log[int])(nil)
	_ replay.LastSeqReporter    = (*Log[int])(nil)
	_ replay.StreamDescriber    = (*Log[int])(nil)
	_ replay.StreamLister       = (*Log[int])(nil)
	_ replay.Log[jsonv.Payload] = (*Log[jsonv.Payload])(nil)
)

// NewLog returns the log kept in table ("" for the default), which must
// exist (CreateSchema makes it).
func NewLog[E any](pool *pgxpool.Pool, table string) (*Log[E], error) {
	if pool == nil {
		return nil, errors.New("postgres: the pool is nil")
	}
	if table == "" {
		table = DefaultEvents
	}
	return &Log[E]{pool: pool, table: quote(table), name: table}, nil
}

// Check checks that the events table exists: [ErrNoTable] when it does
// not.
func (l *Log[E]) Check(ctx context.Context) error {
	return exists(ctx, l.pool, l.name)
}

// maxRetries bounds the retries of an Append with an assigned seq that
// another writer beat to it.
const maxRetries = 1000

// Append implements [replay.Log]. The seq is computed and inserted in one
// statement; when another writer inserts that seq first, the primary key
// refuses the second: an explicit seq is then ErrSeqMismatch, an assigned
// one is tried again with the next.
func (l *Log[E]) Append(ctx context.Context, ev replay.Event[E]) (replay.Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	payload, fields, err := jsonv.EncodeStored(ev.Payload)
	if err != nil {
		return 0, fmt.Errorf("append to stream %q: the payload does not encode: %w", ev.Stream, err)
	}
	var at *time.Time
	if !ev.Time.IsZero() {
		t := ev.Time
		at = &t
	}
	// HAVING lets the insert through only as the next seq of the stream
	// (or with any seq when it is to be assigned); a stale MAX can only
	// make it collide with the primary key, never leave a gap.
	sql := `INSERT INTO ` + l.table + ` (stream, seq, time, payload, fields)
		SELECT $1, COALESCE(MAX(seq), 0) + 1, $3, $4, $5 FROM ` + l.table + ` WHERE stream = $1
		HAVING $2::bigint = 0 OR COALESCE(MAX(seq), 0) + 1 = $2::bigint
		RETURNING seq`
	for try := 0; ; try++ {
		var seq int64
		err := l.pool.QueryRow(ctx, sql, string(ev.Stream), int64(ev.Seq), at, payload, fields).Scan(&seq)
		switch {
		case err == nil:
			return replay.Seq(seq), nil
		case errors.Is(err, pgx.ErrNoRows):
			return 0, l.mismatch(ctx, ev)
		case isUniqueViolation(err) && ev.Seq != 0:
			return 0, l.mismatch(ctx, ev)
		case isUniqueViolation(err) && try < maxRetries:
			continue // another writer took that seq: take the next
		}
		return 0, wrap(l.pool, fmt.Sprintf("append to stream %q", ev.Stream), err)
	}
}

// mismatch explains an explicit seq that was not the next one.
func (l *Log[E]) mismatch(ctx context.Context, ev replay.Event[E]) error {
	next, err := l.LastSeq(ctx, ev.Stream)
	if err != nil {
		return fmt.Errorf("append to stream %q at seq %d: %w", ev.Stream, ev.Seq, replay.ErrSeqMismatch)
	}
	return fmt.Errorf("append to stream %q at seq %d: next seq is %d: %w", ev.Stream, ev.Seq, next+1, replay.ErrSeqMismatch)
}

// Read implements [replay.Log]: one range scan of the primary key.
func (l *Log[E]) Read(ctx context.Context, stream replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[E], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read stream %q: limit must be positive, got %d", stream, limit)
	}
	rows, err := l.pool.Query(ctx, `SELECT seq, time, payload, fields FROM `+l.table+`
		WHERE stream = $1 AND seq >= $2 ORDER BY seq LIMIT $3`, string(stream), int64(max(from, 1)), limit)
	if err != nil {
		return nil, wrap(l.pool, fmt.Sprintf("read stream %q from seq %d", stream, from), err)
	}
	events := make([]replay.Event[E], 0, min(limit, 1024))
	for rows.Next() {
		var seq int64
		var at *time.Time
		var payload, fields []byte
		if err := rows.Scan(&seq, &at, &payload, &fields); err != nil {
			rows.Close()
			return nil, wrap(l.pool, fmt.Sprintf("read stream %q", stream), err)
		}
		ev := replay.Event[E]{Stream: stream, Seq: replay.Seq(seq)}
		if at != nil {
			ev.Time = at.UTC()
		}
		if ev.Payload, err = jsonv.DecodeStored[E](payload, fields); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read stream %q seq %d: the payload does not decode: %w", stream, seq, err)
		}
		events = append(events, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(l.pool, fmt.Sprintf("read stream %q from seq %d", stream, from), err)
	}
	return events, nil
}

// LastSeq implements [replay.LastSeqReporter].
func (l *Log[E]) LastSeq(ctx context.Context, stream replay.StreamKey) (replay.Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var last int64
	err := l.pool.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM `+l.table+` WHERE stream = $1`, string(stream)).Scan(&last)
	if err != nil {
		return 0, wrap(l.pool, fmt.Sprintf("latest seq of stream %q", stream), err)
	}
	return replay.Seq(last), nil
}

// StreamInfos implements [replay.StreamDescriber]: the streams with their
// event counts and time ranges.
func (l *Log[E]) StreamInfos(ctx context.Context) ([]replay.StreamInfo, error) {
	return streamInfos(ctx, l.pool, `SELECT stream, COUNT(*), MIN(time), MAX(time) FROM `+l.table+` GROUP BY stream ORDER BY stream`)
}

func streamInfos(ctx context.Context, pool *pgxpool.Pool, sql string) ([]replay.StreamInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, sql)
	if err != nil {
		return nil, wrap(pool, "list streams", err)
	}
	defer rows.Close()
	var out []replay.StreamInfo
	for rows.Next() {
		var key string
		var n int64
		var first, last *time.Time
		if err := rows.Scan(&key, &n, &first, &last); err != nil {
			return nil, wrap(pool, "list streams", err)
		}
		info := replay.StreamInfo{Key: replay.StreamKey(key), Events: int(n)}
		if first != nil {
			info.First, info.Last = first.UTC(), last.UTC()
		}
		out = append(out, info)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(pool, "list streams", err)
	}
	return out, nil
}

// Streams implements [replay.StreamLister].
func (l *Log[E]) Streams(ctx context.Context) ([]replay.StreamKey, error) {
	infos, err := l.StreamInfos(ctx)
	keys := make([]replay.StreamKey, len(infos))
	for i, info := range infos {
		keys[i] = info.Key
	}
	return keys, err
}
