package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultBookmarks is the table debuggers keep their bookmarks in.
const DefaultBookmarks = "replay_bookmarks"

// bookmarksDDL makes the bookmarks table: one row per log, holding the
// log's bookmarks file (see sources/bookmarks) as it would be on disk.
const bookmarksDDL = `CREATE TABLE IF NOT EXISTS %s (
    log      text        PRIMARY KEY, -- the events table (and its mapped columns)
    file     bytea       NOT NULL,    -- the bookmarks file, JSON
    saved_at timestamptz NOT NULL DEFAULT now()
)`

// bookmarksLockWait is how long a change waits for another debugger's.
const bookmarksLockWait = 10 * time.Second

// Bookmarks keeps the bookmarks file of one log in a row of a table
// (DefaultBookmarks unless named), made on the first write: a
// bookmarks.Backend. Changes are serialised by a PostgreSQL advisory
// lock held for the change, which the server lets go of when the
// debugger holding it dies.
type Bookmarks struct {
	pool  *pgxpool.Pool
	table string // quoted
	name  string
	log   string
}

// NewBookmarks returns the bookmarks row of log (a name for the log:
// its events table, say) in table ("" for DefaultBookmarks).
func NewBookmarks(pool *pgxpool.Pool, table, log string) (*Bookmarks, error) {
	if pool == nil {
		return nil, errors.New("postgres: the pool is nil")
	}
	if table == "" {
		table = DefaultBookmarks
	}
	return &Bookmarks{pool: pool, table: quote(table), name: table, log: log}, nil
}

// Where names the row, for messages.
func (b *Bookmarks) Where() string {
	return fmt.Sprintf("postgres %s table %s, log %q", poolHost(b.pool), b.name, b.log)
}

// Read returns the file; nil, nil when neither the table nor the row
// exists yet.
func (b *Bookmarks) Read() ([]byte, error) {
	var data []byte
	err := b.pool.QueryRow(context.Background(), `SELECT file FROM `+b.table+` WHERE log = $1`, b.log).Scan(&data)
	switch {
	case errors.Is(err, pgx.ErrNoRows), isUndefinedTable(err):
		return nil, nil
	case err != nil:
		return nil, wrap(b.pool, "read bookmarks from table "+b.name, err)
	}
	return data, nil
}

// Write replaces the row, making the table first if it is missing.
func (b *Bookmarks) Write(data []byte) error {
	ctx := context.Background()
	upsert := `INSERT INTO ` + b.table + ` (log, file, saved_at) VALUES ($1, $2, now())
		ON CONFLICT (log) DO UPDATE SET file = EXCLUDED.file, saved_at = EXCLUDED.saved_at`
	_, err := b.pool.Exec(ctx, upsert, b.log, data)
	if isUndefinedTable(err) {
		if _, err = b.pool.Exec(ctx, fmt.Sprintf(bookmarksDDL, b.table)); err != nil {
			return wrap(b.pool, "create table "+b.name+" for bookmarks", err)
		}
		_, err = b.pool.Exec(ctx, upsert, b.log, data)
	}
	if err != nil {
		return wrap(b.pool, "write bookmarks to table "+b.name, err)
	}
	return nil
}

// Lock takes an advisory lock on the log's row, on a connection of its
// own kept until unlock.
func (b *Bookmarks) Lock() (func(), error) {
	ctx := context.Background()
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return nil, wrap(b.pool, "lock bookmarks", err)
	}
	key := "replaytui bookmarks " + b.name + " " + b.log
	for deadline, pause := time.Now().Add(bookmarksLockWait), time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, key).Scan(&got); err != nil {
			conn.Release()
			return nil, wrap(b.pool, "lock bookmarks", err)
		}
		if got {
			return func() {
				conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, key)
				conn.Release()
			}, nil
		}
		if time.Now().After(deadline) {
			conn.Release()
			return nil, fmt.Errorf("postgres %s: bookmarks of %q locked by another replaytui for %s (see pg_locks, locktype advisory)", poolHost(b.pool), b.log, bookmarksLockWait)
		}
		time.Sleep(pause)
	}
}
