package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Snapshotter is a replay.Snapshotter over a checkpoints table (see
// schema.sql); states are stored as jsonb, encoded by a codec (default
// encoding/json). It is safe for concurrent use.
type Snapshotter[S any] struct {
	pool      *pgxpool.Pool
	table     string
	marshal   func(S) ([]byte, error)
	unmarshal func([]byte) (S, error)
}

var _ replay.Snapshotter[int] = (*Snapshotter[int])(nil)

// NewSnapshotter returns the checkpoints kept in table ("" for the
// default), which must exist (CreateSchema makes it). marshal and
// unmarshal may be nil for encoding/json.
func NewSnapshotter[S any](pool *pgxpool.Pool, table string, marshal func(S) ([]byte, error), unmarshal func([]byte) (S, error)) (*Snapshotter[S], error) {
	if pool == nil {
		return nil, errors.New("postgres: the pool is nil")
	}
	if table == "" {
		table = DefaultCheckpoints
	}
	marshal, unmarshal = jsonv.StateCodec(marshal, unmarshal)
	return &Snapshotter[S]{pool: pool, table: quote(table), marshal: marshal, unmarshal: unmarshal}, nil
}

// Save implements [replay.Snapshotter].
func (s *Snapshotter[S]) Save(ctx context.Context, cp replay.Checkpoint[S]) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	state, err := s.marshal(cp.State)
	if err != nil {
		return fmt.Errorf("save checkpoint %q seq %d: the state does not encode: %w", cp.Stream, cp.Seq, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO `+s.table+` (stream, seq, state) VALUES ($1, $2, $3)
		ON CONFLICT (stream, seq) DO UPDATE SET state = EXCLUDED.state, saved_at = now()`,
		string(cp.Stream), int64(cp.Seq), state)
	if err != nil {
		return wrap(s.pool, fmt.Sprintf("save checkpoint %q seq %d", cp.Stream, cp.Seq), err)
	}
	return nil
}

// Load implements [replay.Snapshotter].
func (s *Snapshotter[S]) Load(ctx context.Context, stream replay.StreamKey, atOrBefore replay.Seq) (*replay.Checkpoint[S], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bound := int64(atOrBefore)
	if bound < 0 { // beyond what a bigint holds: no bound
		bound = 1<<63 - 1
	}
	var seq int64
	var state []byte
	err := s.pool.QueryRow(ctx, `SELECT seq, state FROM `+s.table+`
		WHERE stream = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1`, string(stream), bound).Scan(&seq, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(s.pool, fmt.Sprintf("load checkpoint %q at or before seq %d", stream, atOrBefore), err)
	}
	st, err := s.unmarshal(state)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %q seq %d: the state does not decode: %w", stream, seq, err)
	}
	return &replay.Checkpoint[S]{Stream: stream, Seq: replay.Seq(seq), State: st}, nil
}
