package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/sources/postgres"
)

// pgBank loads testdata/bank.jsonl into fresh tables and returns the DSN
// and the table, or skips without a server.
func pgBank(t *testing.T) (dsn, table string) {
	dsn = os.Getenv("REPLAY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("REPLAY_TEST_POSTGRES is not set; .ci/run sets it")
	}
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var b [6]byte
	rand.Read(b[:])
	table = "cli_events_" + hex.EncodeToString(b[:])
	if err := postgres.CreateSchema(ctx, pool, table, table+"_cp"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Exec(ctx, `DROP TABLE IF EXISTS "`+table+`", "`+table+`_cp"`) })
	log, _ := postgres.NewLog[jsonv.Payload](pool, table)
	src, err := jsonl.Open([]string{bank}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	keys, _ := src.Streams(ctx)
	for _, k := range keys {
		for ev, err := range replay.All(ctx, src, k) {
			if err != nil {
				t.Fatal(err)
			}
			if _, err := log.Append(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dsn, table
}

func TestCommandsOnPostgres(t *testing.T) {
	dsn, table := pgBank(t)
	out, errOut, code := run(t, "--pg", dsn, "--pg-table", table, "streams")
	if code != 0 || !strings.Contains(out, "acct-bob    9") {
		t.Fatalf("streams --pg: %q %q (exit %d)", out, errOut, code)
	}
	fromFile, _, _ := run(t, "-r", "jq:@../testdata/bank.jq", "state", bank, "-s", "acct-bob", "--json")
	fromPG, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "--pg", dsn, "--pg-table", table, "state", "-s", "acct-bob", "--json")
	if code != 0 || fromPG != fromFile {
		t.Fatalf("state --pg = %q (%q, exit %d); from the file %q", fromPG, errOut, code, fromFile)
	}
	out, _, code = run(t, "--pg", dsn, "--pg-table", table, "find", "-s", "acct-bob", "--where", "event.retry == true")
	if code != 0 || !strings.HasPrefix(out, "seq 7\t") {
		t.Fatalf("find --pg: %q (exit %d)", out, code)
	}
	dst := filepath.Join(t.TempDir(), "bob.jsonl")
	if _, errOut, code := run(t, "--pg", dsn, "--pg-table", table, "export", "-s", "acct-bob", "-o", dst); code != 0 {
		t.Fatalf("export --pg: %q", errOut)
	}
	exported, _, _ := run(t, "-r", "jq:@../testdata/bank.jq", "state", dst, "--json")
	if exported != fromFile {
		t.Fatalf("the export from PostgreSQL folds to %q, the file to %q", exported, fromFile)
	}
}

func TestAMappedTableOnTheCommandLine(t *testing.T) {
	dsn, table := pgBank(t)
	// The events table read as a table of one's own: columns mapped (its
	// payloads only: the lines' other fields are not mapped).
	out, errOut, code := run(t, "--pg", dsn, "--pg-table", table, "--pg-stream-column", "stream", "--pg-seq-column", "seq",
		"--pg-time-column", "time", "--pg-payload-column", "payload", "state", "-s", "acct-bob", "--json")
	want, _, _ := run(t, "state", bank, "-s", "acct-bob", "--json")
	if code != 0 || out != want {
		t.Fatalf("state on a mapped table: %q %q (exit %d); want %q", out, errOut, code, want)
	}
	_, errOut, code = run(t, "--pg", dsn, "--pg-table", table, "--pg-stream-column", "stream", "streams")
	if code != 2 || !strings.Contains(errOut, "needs --pg-table, --pg-stream-column, --pg-seq-column and --pg-payload-column") {
		t.Fatalf("a half mapped table: %q (exit %d)", errOut, code)
	}
}

func TestPostgresErrorsAreClear(t *testing.T) {
	_, errOut, code := run(t, "--pg", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "streams")
	if code != 3 || !strings.Contains(errOut, "postgres 127.0.0.1:1/none: cannot connect") {
		t.Fatalf("an unreachable server: %q (exit %d)", errOut, code)
	}
	_, errOut, code = run(t, "--pg", "postgres://x@127.0.0.1/db", "streams", bank)
	if code != 2 || !strings.Contains(errOut, "give log files or --pg, not both") {
		t.Fatalf("files and --pg: %q (exit %d)", errOut, code)
	}
	_, errOut, code = run(t, "streams")
	if code != 2 || !strings.Contains(errOut, "no log: give files") {
		t.Fatalf("no log: %q (exit %d)", errOut, code)
	}
}

func TestAMissingTableIsNamedWithWhatToDo(t *testing.T) {
	dsn, table := pgBank(t)
	missing := table + "_missing"
	_, errOut, code := run(t, "--pg", dsn, "--pg-table", missing, "streams")
	if code != 3 || !strings.Contains(errOut, "table "+missing+": no such table") || !strings.Contains(errOut, "--pg-create") || strings.Contains(errOut, "SQLSTATE") {
		t.Fatalf("a missing events table: %q (exit %d)", errOut, code)
	}
	_, errOut, code = run(t, "--pg", dsn, "--pg-table", missing, "--pg-stream-column", "stream", "--pg-seq-column", "seq",
		"--pg-payload-column", "payload", "streams")
	if code != 3 || !strings.Contains(errOut, "table "+missing+": no such table") || !strings.Contains(errOut, "check --pg-table") || strings.Contains(errOut, "SQLSTATE") {
		t.Fatalf("a missing mapped table: %q (exit %d)", errOut, code)
	}
}

// pgSchema makes a fresh schema, dropped after the test, and returns a DSN
// whose search_path is that schema: unqualified tables are made there.
func pgSchema(t *testing.T) (dsn, schema string) {
	dsn, table := pgBank(t)
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	schema = table + "_schema"
	if _, err := pool.Exec(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Exec(ctx, `DROP SCHEMA "`+schema+`" CASCADE`) })
	return dsn + "&search_path=" + schema, schema
}

// pgTables lists the tables of a schema.
func pgTables(t *testing.T, dsn, schema string) string {
	pool, err := postgres.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var names string
	err = pool.QueryRow(context.Background(), `SELECT COALESCE(string_agg(table_name, ' ' ORDER BY table_name), '')
		FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&names)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestPgCreateMakesOnlyTheEventsTable(t *testing.T) {
	dsn, schema := pgSchema(t)
	out, errOut, code := run(t, "--pg", dsn, "--pg-table", "mine", "--pg-create", "streams")
	if code != 0 || out != "STREAM  EVENTS  FIRST  LAST\n" {
		t.Fatalf("--pg-create: %q %q (exit %d)", out, errOut, code)
	}
	if got := pgTables(t, dsn, schema); got != "mine" {
		t.Fatalf("--pg-table mine --pg-create made %q, want only mine", got)
	}
	_, errOut, code = run(t, "--pg", dsn, "--pg-table", "theirs", "--pg-create", "--pg-stream-column", "stream",
		"--pg-seq-column", "seq", "--pg-payload-column", "payload", "streams")
	if code != 2 || !strings.Contains(errOut, "--pg-create makes replaytui's own events table, not a table of your own") {
		t.Fatalf("--pg-create with a mapped table: %q (exit %d)", errOut, code)
	}
	if got := pgTables(t, dsn, schema); got != "mine" {
		t.Fatalf("--pg-create with a mapped table made %q", got)
	}
}

func TestExportLoadsFilesIntoPostgres(t *testing.T) {
	dsn, schema := pgSchema(t)
	_, errOut, code := run(t, "export", bank, "--pg", dsn)
	if code != 3 || !strings.Contains(errOut, "table replay_events: no such table") || !strings.Contains(errOut, "--pg-create") {
		t.Fatalf("export --pg without the table: %q (exit %d)", errOut, code)
	}
	_, errOut, code = run(t, "export", bank, "--pg", dsn, "--pg-create")
	if code != 0 || !strings.Contains(errOut, "loaded 22 events of 3 streams into PostgreSQL table replay_events") {
		t.Fatalf("export --pg: %q (exit %d)", errOut, code)
	}
	if got := pgTables(t, dsn, schema); got != "replay_events" {
		t.Fatalf("export --pg --pg-create made %q", got)
	}
	fromFile, _, _ := run(t, "-r", "jq:@../testdata/bank.jq", "state", bank, "-s", "acct-bob", "--json")
	fromPG, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "--pg", dsn, "state", "-s", "acct-bob", "--json")
	if code != 0 || fromPG != fromFile {
		t.Fatalf("state of the loaded log = %q (%q, exit %d); from the file %q", fromPG, errOut, code, fromFile)
	}
	// Loading again is refused, not doubled.
	_, errOut, code = run(t, "export", bank, "--pg", dsn, "-s", "acct-bob")
	if code != 3 || !strings.Contains(errOut, "loaded 0 events into PostgreSQL table replay_events before stream \"acct-bob\" failed") ||
		!strings.Contains(errOut, "seq does not match next expected") {
		t.Fatalf("loading again: %q (exit %d)", errOut, code)
	}
	if out, _, _ := run(t, "--pg", dsn, "streams"); !strings.Contains(out, "acct-bob    9") {
		t.Fatalf("after loading again: %q", out)
	}
	_, errOut, code = run(t, "export", bank, "--pg", dsn, "--pg-table", "t", "--pg-stream-column", "stream")
	if code != 2 || !strings.Contains(errOut, "export into --pg loads replaytui's own events table") {
		t.Fatalf("export into a mapped table: %q (exit %d)", errOut, code)
	}
}

func TestGlobalOrderOnPostgres(t *testing.T) {
	dsn, table := pgBank(t)
	// pgBank inserts alice's 8 events, then bob's 9, then carol's 5.
	out, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "--pg", dsn, "--pg-table", table, "find", "--global", "--where", `event.type == "opened"`, "--all")
	if code != 0 || out != "seq 1\t2026-05-30T09:00:00Z\tacct-alice  opened\nseq 9\t2026-05-30T09:02:00Z\tacct-bob  opened\nseq 18\t2026-05-30T09:12:00Z\tacct-carol  opened\n" {
		t.Fatalf("find --global --pg: %q %q (exit %d)", out, errOut, code)
	}
	total := `jq:.balance = (.balance // 0) + (if $event.type == "deposit" or $event.type == "transfer_in" then $event.payload.amount elif $event.type == "withdrawal" or $event.type == "transfer_out" then -$event.payload.amount else 0 end)`
	fromPG, errOut, code := run(t, "-r", total, "--pg", dsn, "--pg-table", table, "state", "--global", "--json")
	fromFile, _, _ := run(t, "-r", total, "state", bank, "--global", "--json")
	if code != 0 || fromPG != fromFile || fromPG != `{"balance":980}`+"\n" {
		t.Fatalf("state --global --pg = %q (%q, exit %d); from the file %q", fromPG, errOut, code, fromFile)
	}
	_, errOut, code = run(t, "--pg", dsn, "--pg-table", table, "--pg-stream-column", "stream", "--pg-seq-column", "seq",
		"--pg-payload-column", "payload", "state", "--global")
	if code != 3 || !strings.Contains(errOut, "cannot read its streams in one global order") {
		t.Fatalf("--global on a mapped table: %q (exit %d)", errOut, code)
	}
	_, errOut, code = run(t, "--pg", dsn, "--pg-table", table, "state", "--global", "--order", "gseq")
	if code != 2 || !strings.Contains(errOut, "its id column") {
		t.Fatalf("--order on PostgreSQL: %q (exit %d)", errOut, code)
	}
}
