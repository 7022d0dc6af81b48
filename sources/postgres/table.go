package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Columns names the columns of an existing events table: the stream, a
// column that orders each stream's events (an id, a version, a sequence
// number — gaps allowed; smallint, integer or bigint: NewTable refuses
// other types), the event time (may be ""), and the payload:
// json or jsonb; text, read as JSON when it holds JSON and as a string
// when not; bytea, as a base64 string; any other type as PostgreSQL's
// to_jsonb gives it (numbers, booleans, timestamps as strings).
type Columns struct {
	Stream, Seq, Time, Payload string
}

// Table is a read-only replay.Log over a table of your own, its columns
// mapped by Columns. Events are numbered 1, 2, 3… per stream in the order
// of the seq column, whatever values it holds, so a table whose ids have
// gaps (one global sequence for all streams, say) still replays. To do
// that it keeps the seq column's values of the streams it reads, 8 bytes
// an event, read in batches.
type Table[E any] struct {
	pool  *pgxpool.Pool
	table string
	name  string
	cols  Columns // quoted
	raw   Columns

	payload string // what to select for the payload: see payloadAs
	text    bool   // the payload column is text: JSON in it is JSON, other text a string

	mu   sync.Mutex
	keys map[replay.StreamKey][]int64 // the seq column's value of each event, in order
}

var (
	_ replay.Log[int]        = (*Table[int])(nil)
	_ replay.LastSeqReporter = (*Table[int])(nil)
	_ replay.StreamDescriber = (*Table[int])(nil)
	_ replay.StreamLister    = (*Table[int])(nil)
)

// ErrReadOnly: Append on a mapped table.
var ErrReadOnly = errors.New("a mapped table is read-only")

// NewTable maps table. It checks that the table and the columns exist
// ([ErrNoTable] when the table does not), and says which columns the
// table has when one does not.
func NewTable[E any](ctx context.Context, pool *pgxpool.Pool, table string, cols Columns) (*Table[E], error) {
	if pool == nil {
		return nil, errors.New("postgres: the pool is nil")
	}
	if table == "" || cols.Stream == "" || cols.Seq == "" || cols.Payload == "" {
		return nil, errors.New("postgres: a mapped table needs a table name and its stream, seq and payload columns")
	}
	t := &Table[E]{pool: pool, table: quote(table), name: table, raw: cols, keys: map[replay.StreamKey][]int64{}}
	t.cols = Columns{Stream: quote(cols.Stream), Seq: quote(cols.Seq), Payload: quote(cols.Payload)}
	if cols.Time != "" {
		t.cols.Time = quote(cols.Time)
	}
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// check asks the table for the mapped columns.
func (t *Table[E]) check(ctx context.Context) error {
	timeCol := "NULL::timestamptz"
	if t.cols.Time != "" {
		timeCol = t.cols.Time
	}
	rows, err := t.pool.Query(ctx, fmt.Sprintf(`SELECT %s, %s, %s, %s FROM %s LIMIT 0`, t.cols.Stream, t.cols.Seq, timeCol, t.cols.Payload, t.table))
	if err == nil {
		fields := rows.FieldDescriptions()
		rows.Close()
		switch seq := fields[1].DataTypeOID; seq {
		case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
		default:
			return fmt.Errorf("postgres %s: table %s: the seq column %s is %s, not an integer (smallint, integer or bigint), so it cannot order a stream's events; "+
				"if it holds numbers, map a view that casts it: CREATE VIEW %s_ordered AS SELECT *, %s::bigint AS %s_seq FROM %s, and read the view with its seq column %s_seq",
				poolHost(t.pool), t.name, t.raw.Seq, typeName(seq), t.name, t.cols.Seq, t.raw.Seq, t.table, t.raw.Seq)
		}
		t.payload, t.text = payloadAs(t.cols.Payload, fields[3].DataTypeOID)
		return nil
	}
	if isUndefinedTable(err) {
		if err := exists(ctx, t.pool, t.name); err != nil {
			return err
		}
	}
	have := t.columns(ctx)
	return wrap(t.pool, fmt.Sprintf("table %s with columns stream=%s seq=%s time=%s payload=%s (the table has: %s)", t.name, t.raw.Stream, t.raw.Seq, t.raw.Time, t.raw.Payload, have), err)
}

// typeName names the type oid, for a message.
func typeName(oid uint32) string {
	if typ, ok := pgtype.NewMap().TypeForOID(oid); ok {
		return typ.Name
	}
	return fmt.Sprintf("of type oid %d", oid)
}

// payloadAs says how to read a payload column of the type oid: json and
// jsonb as they are; text as it is, to be read as JSON when it holds JSON
// and as a JSON string when not (text is true); bytea as a base64 string
// (as encoding/json writes bytes); any other type as PostgreSQL turns it
// into JSON (to_jsonb: numbers, booleans, timestamps as strings…).
func payloadAs(col string, oid uint32) (sql string, text bool) {
	switch oid {
	case pgtype.JSONOID, pgtype.JSONBOID:
		return col, false
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
		return col, true
	case pgtype.ByteaOID:
		return fmt.Sprintf(`to_jsonb(translate(encode(%s, 'base64'), E'\n', ''))`, col), false
	}
	return fmt.Sprintf(`to_jsonb(%s)`, col), false
}

// decodePayload decodes a payload read as payloadAs says.
func (t *Table[E]) decodePayload(b []byte) (E, error) {
	switch {
	case b == nil:
		b = []byte("null") // SQL NULL
	case t.text && !json.Valid(b):
		b, _ = json.Marshal(string(b))
	}
	return jsonv.DecodeStored[E](b, nil)
}

// columns lists the table's columns, for a message.
func (t *Table[E]) columns(ctx context.Context) string {
	rows, err := t.pool.Query(ctx, fmt.Sprintf(`SELECT * FROM %s LIMIT 0`, t.table))
	if err != nil {
		return "it cannot be read"
	}
	defer rows.Close()
	var names []string
	for _, f := range rows.FieldDescriptions() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// Append implements [replay.Log]: a mapped table is read-only.
func (t *Table[E]) Append(context.Context, replay.Event[E]) (replay.Seq, error) {
	return 0, fmt.Errorf("append to %s: %w", t.name, ErrReadOnly)
}

// keysBatch is how many seq values are read at a time.
const keysBatch = 100_000

// known returns the seq values of stream known so far, reading more
// until there are at least want or the stream has no more (want < 0:
// all of them).
func (t *Table[E]) known(ctx context.Context, stream replay.StreamKey, want int) ([]int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := t.keys[stream]
	for want < 0 || len(keys) < want {
		after := int64(-1 << 63)
		if len(keys) > 0 {
			after = keys[len(keys)-1]
		}
		rows, err := t.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s = $1 AND %s > $2::bigint ORDER BY %s LIMIT %d`,
			t.cols.Seq, t.table, t.cols.Stream, t.cols.Seq, t.cols.Seq, keysBatch), string(stream), after)
		if err != nil {
			return nil, wrap(t.pool, fmt.Sprintf("read the order of stream %q", stream), err)
		}
		n := 0
		for rows.Next() {
			var k int64
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, wrap(t.pool, fmt.Sprintf("column %s of stream %q (it must hold integers)", t.raw.Seq, stream), err)
			}
			keys = append(keys, k)
			n++
		}
		if err := rows.Err(); err != nil {
			return nil, wrap(t.pool, fmt.Sprintf("read the order of stream %q", stream), err)
		}
		if n < keysBatch {
			break
		}
	}
	t.keys[stream] = keys
	return keys, nil
}

// Read implements [replay.Log].
func (t *Table[E]) Read(ctx context.Context, stream replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[E], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read stream %q: limit must be positive, got %d", stream, limit)
	}
	from = max(from, 1)
	keys, err := t.known(ctx, stream, int(from-1)+limit)
	if err != nil {
		return nil, err
	}
	if int(from) > len(keys) {
		return []replay.Event[E]{}, nil
	}
	timeCol := "NULL::timestamptz"
	if t.cols.Time != "" {
		timeCol = t.cols.Time
	}
	rows, err := t.pool.Query(ctx, fmt.Sprintf(`SELECT %s, %s, %s FROM %s WHERE %s = $1 AND %s >= $2::bigint ORDER BY %s LIMIT $3`,
		t.cols.Seq, timeCol, t.payload, t.table, t.cols.Stream, t.cols.Seq, t.cols.Seq), string(stream), keys[from-1], limit)
	if err != nil {
		return nil, wrap(t.pool, fmt.Sprintf("read stream %q from seq %d", stream, from), err)
	}
	defer rows.Close()
	events := make([]replay.Event[E], 0, limit)
	for rows.Next() {
		var k int64
		var at *time.Time
		var payload []byte
		if err := rows.Scan(&k, &at, &payload); err != nil {
			return nil, wrap(t.pool, fmt.Sprintf("read stream %q", stream), err)
		}
		seq := from + replay.Seq(len(events))
		if int(seq) > len(keys) || keys[seq-1] != k {
			break // the table changed under us; the next read sees it
		}
		ev := replay.Event[E]{Stream: stream, Seq: seq}
		if at != nil {
			ev.Time = at.UTC()
		}
		if ev.Payload, err = t.decodePayload(payload); err != nil {
			return nil, fmt.Errorf("read stream %q seq %d (%s %d): the payload does not decode: %w", stream, seq, t.raw.Seq, k, err)
		}
		events = append(events, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(t.pool, fmt.Sprintf("read stream %q from seq %d", stream, from), err)
	}
	return events, nil
}

// LastSeq implements [replay.LastSeqReporter].
func (t *Table[E]) LastSeq(ctx context.Context, stream replay.StreamKey) (replay.Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	keys, err := t.known(ctx, stream, -1)
	return replay.Seq(len(keys)), err
}

// StreamInfos lists the streams with their event counts and time ranges.
func (t *Table[E]) StreamInfos(ctx context.Context) ([]replay.StreamInfo, error) {
	timeCol := "NULL::timestamptz"
	if t.cols.Time != "" {
		timeCol = t.cols.Time
	}
	return streamInfos(ctx, t.pool, fmt.Sprintf(`SELECT %s::text, COUNT(*), MIN(%s), MAX(%s) FROM %s GROUP BY 1 ORDER BY 1`,
		t.cols.Stream, timeCol, timeCol, t.table))
}

// Streams implements [replay.StreamLister].
func (t *Table[E]) Streams(ctx context.Context) ([]replay.StreamKey, error) {
	infos, err := t.StreamInfos(ctx)
	keys := make([]replay.StreamKey, len(infos))
	for i, info := range infos {
		keys[i] = info.Key
	}
	return keys, err
}
