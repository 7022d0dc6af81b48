// Package postgres keeps replay logs and checkpoints in PostgreSQL (and
// the databases that speak its protocol), with pgx: a replay.Log over an
// events table keyed by (stream, seq), a replay.Snapshotter over a
// checkpoints table, and a read-only Log over a table of your own with
// its columns mapped.
//
// Appends get optimistic concurrency from the database itself: a seq is
// inserted only as the next one of its stream, and the primary key turns
// away a second writer, so any number of writers and connections never
// leave a gap or a duplicate; a conflict is replay.ErrSeqMismatch.
package postgres

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Default table names.
const (
	DefaultEvents      = "replay_events"
	DefaultCheckpoints = "replay_checkpoints"
)

// ErrNoTable: the table named is not in the database (or not on its
// search_path).
var ErrNoTable = errors.New("no such table")

//go:embed schema.sql
var schemaSQL string

// Connect opens a pool of connections to dsn (a postgres:// URL or
// key=value string) and checks that the server answers, with an error
// that names the host and what failed.
func Connect(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: the connection string is not valid: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", hostOf(cfg), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: cannot connect: %w", hostOf(cfg), err)
	}
	return pool, nil
}

func hostOf(cfg *pgxpool.Config) string {
	return fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
}

// quote makes a safe SQL identifier of a table name, which may be
// qualified by a schema ("audit.events").
func quote(name string) string {
	return pgx.Identifier(strings.Split(name, ".")).Sanitize()
}

// CreateSchema creates the events and checkpoints tables if they do not
// exist ("" for the default names). The SQL is schema.sql in this
// package.
func CreateSchema(ctx context.Context, pool *pgxpool.Pool, events, checkpoints string) error {
	if events == "" {
		events = DefaultEvents
	}
	if checkpoints == "" {
		checkpoints = DefaultCheckpoints
	}
	sql := strings.ReplaceAll(schemaSQL, `"`+DefaultEvents+`"`, quote(events))
	sql = strings.ReplaceAll(sql, `"`+DefaultCheckpoints+`"`, quote(checkpoints))
	if _, err := pool.Exec(ctx, sql); err != nil {
		return fmt.Errorf("postgres %s: create tables %s, %s: %w", poolHost(pool), events, checkpoints, err)
	}
	return nil
}

// CreateEvents creates the events table only, if it does not exist (""
// for the default name), with schema.sql's definition.
func CreateEvents(ctx context.Context, pool *pgxpool.Pool, events string) error {
	if events == "" {
		events = DefaultEvents
	}
	create := `CREATE TABLE IF NOT EXISTS "` + DefaultEvents + `"`
	_, def, _ := strings.Cut(schemaSQL, create)
	def, _, _ = strings.Cut(def, ";")
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+quote(events)+def); err != nil {
		return fmt.Errorf("postgres %s: create table %s: %w", poolHost(pool), events, err)
	}
	return nil
}

// exists checks that table is in the database: ErrNoTable, naming it,
// when it is not.
func exists(ctx context.Context, pool *pgxpool.Pool, table string) error {
	var found bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, quote(table)).Scan(&found); err != nil {
		return wrap(pool, "look for table "+table, err)
	}
	if !found {
		return fmt.Errorf("postgres %s: table %s: %w", poolHost(pool), table, ErrNoTable)
	}
	return nil
}

// isUndefinedTable reports a query on a table that does not exist.
func isUndefinedTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42P01"
}

func poolHost(pool *pgxpool.Pool) string { return hostOf(pool.Config()) }

// isUniqueViolation reports a primary key conflict.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// wrap gives an error the host and what was being done, keeping
// context errors recognisable.
func wrap(pool *pgxpool.Pool, what string, err error) error {
	return fmt.Errorf("postgres %s: %s: %w", poolHost(pool), what, err)
}
