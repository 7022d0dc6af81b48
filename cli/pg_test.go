package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/sources/postgres"
	"github.com/replaytui/replaytui/tui"
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
	if code != 3 || !strings.Contains(errOut, "loaded 0 events into PostgreSQL table replay_events before the 9 events from stream \"acct-bob\" seq 1 failed") ||
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

// A table's global order is the order of its ids, which writers may
// commit out of order: the debugger does not follow it.
func TestFollowingATableLeavesItsGlobalOrderOut(t *testing.T) {
	dsn, table := pgBank(t)
	var infos []tui.StreamInfo
	session := func(ctx context.Context, cfg tui.Config[any, jsonv.Payload]) { infos, _ = cfg.Streams(ctx) }
	for _, flags := range [][]string{{"--global"}, {"--streams", "acct-bob"}} {
		args := append([]string{"--pg", dsn, "--pg-table", table, "-f"}, flags...)
		out, errOut, code, _ := runSession(t, "", session, args...)
		if code != 2 || !strings.Contains(errOut, "-f follows one stream of a table, not its global order") || !strings.Contains(errOut, "drop -f") {
			t.Errorf("%q: exit %d, %q %q", args, code, out, errOut)
		}
	}
	for _, follow := range []bool{false, true} {
		args := []string{"--pg", dsn, "--pg-table", table, "-s", "acct-bob"}
		if follow {
			args = append(args, "-f")
		}
		infos = nil
		out, errOut, code, _ := runSession(t, "", session, args...)
		wantCode(t, code, 0, out, errOut)
		offered := len(infos) > 0 && infos[0].Key == replay.GlobalKey()
		if offered == follow || len(infos) == 0 {
			t.Errorf("%q: the stream switcher lists %+v", args, infos)
		}
	}
}

func TestExportIntoPostgresKeepsTheGlobalOrder(t *testing.T) {
	dsn, _ := pgSchema(t)
	if _, errOut, code := run(t, "export", bank, "--pg", dsn, "--pg-create"); code != 0 {
		t.Fatalf("export --pg: %q (exit %d)", errOut, code)
	}
	// bank-dedupe.jq folds the three accounts into one state, skipping a
	// transaction the event before repeats: its result depends on the order.
	fromFile, errOut, code := run(t, "-r", "jq:@../testdata/bank-dedupe.jq", "state", bank, "-g", "--json")
	if code != 0 {
		t.Fatalf("state -g of the file: %q (exit %d)", errOut, code)
	}
	fromPG, errOut, code := run(t, "-r", "jq:@../testdata/bank-dedupe.jq", "--pg", dsn, "state", "-g", "--json")
	if code != 0 || fromPG != fromFile {
		t.Fatalf("state -g of the exported table = %q (%q, exit %d); of the file %q", fromPG, errOut, code, fromFile)
	}
	fileOrder, _, _ := run(t, "find", bank, "-g", "--where", "true", "--all")
	pgOrder, errOut, code := run(t, "--pg", dsn, "find", "-g", "--where", "true", "--all")
	if code != 0 || pgOrder != fileOrder {
		t.Fatalf("find -g --all on the exported table:\n%s(%q, exit %d)\non the file:\n%s", pgOrder, errOut, code, fileOrder)
	}
	_, errOut, code = run(t, "export", bank, "--pg", dsn, "-s", "acct-nobody")
	if code != 1 || !strings.Contains(errOut, `nothing loaded: no stream "acct-nobody" in the files`) {
		t.Fatalf("export -s of a stream the files lack: %q (exit %d)", errOut, code)
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

func TestExportIntoPostgresLoadsABatchWholeOrNotAtAll(t *testing.T) {
	dsn, _ := pgSchema(t)
	if _, errOut, code := run(t, "export", bank, "--pg", dsn, "--pg-create", "-s", "acct-bob"); code != 0 {
		t.Fatalf("export -s acct-bob: %q", errOut)
	}
	// The three streams go in one batch: acct-bob's refusal takes the
	// others with it, and nothing is half loaded.
	_, errOut, code := run(t, "export", bank, "--pg", dsn)
	if code != 3 || !strings.Contains(errOut, "loaded 0 events into PostgreSQL table replay_events before the 22 events from stream") {
		t.Fatalf("export of a log partly there: %q (exit %d)", errOut, code)
	}
	out, _, _ := run(t, "--pg", dsn, "streams")
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, "acct-bob  9 ") {
		t.Fatalf("after a refused batch: %q", out)
	}
}

func TestExportIntoPostgresRefusesWhatJSONBWouldChange(t *testing.T) {
	dsn, schema := pgSchema(t)
	file := filepath.Join(t.TempDir(), "odd.jsonl")
	lines := `{"stream":"a","payload":{"x":1}}
{"stream":"a","payload":{"x":"nul\u0000"}}
{"stream":"b","payload":{"x":-0}}
{"stream":"b","payload":{"x":1,"x":2}}
{"stream":"b","payload":{"s":"\ud83d"}}
{"stream":"c","payload":{"s":"\ud83d\ude00","n":-0.5}}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(t, "export", file, "--pg", dsn, "--pg-create")
	for _, want := range []string{
		"nothing loaded: PostgreSQL table replay_events would not keep 4 lines as written",
		"odd.jsonl:2:34: stream \"a\" seq 2: \\u0000 in a string (jsonb refuses it)",
		"odd.jsonl:3:30: stream \"b\" seq 1: minus zero -0 (jsonb stores it as 0)",
		"odd.jsonl:4:32: stream \"b\" seq 2: key \"x\" a second time in one object",
		"odd.jsonl:5:31: stream \"b\" seq 3: \\ud83d, half of a UTF-16 surrogate pair",
	} {
		if code != 3 || !strings.Contains(errOut, want) {
			t.Fatalf("export of lines jsonb changes: %q (exit %d), want %q", errOut, code, want)
		}
	}
	if strings.Contains(errOut, "odd.jsonl:1:") || strings.Contains(errOut, "odd.jsonl:6:") {
		t.Fatalf("good lines reported: %q", errOut)
	}
	if out, _, _ := run(t, "--pg", dsn, "streams"); out != "STREAM  EVENTS  FIRST  LAST\n" {
		t.Fatalf("after a refused load the table holds %q (tables: %s)", out, pgTables(t, dsn, schema))
	}
}

// TestTheDebuggerKeepsBookmarksInPostgres: with --pg, a bookmark made in
// one session is there in the next, in the database's replay_bookmarks
// table; another events table has bookmarks of its own.
func TestTheDebuggerKeepsBookmarksInPostgres(t *testing.T) {
	dsn, schema := pgSchema(t)
	if _, errOut, code := run(t, "export", bank, "--pg", dsn, "--pg-create"); code != 0 {
		t.Fatalf("export: %q", errOut)
	}
	ctx := context.Background()
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if where := cfg.Bookmarks.Where(); !strings.Contains(where, "table replay_bookmarks") {
			t.Errorf("bookmarks kept in %q", where)
		}
		if err := cfg.Bookmarks.Add(ctx, replay.Checkpoint[any]{Stream: "acct-bob", Seq: 3, State: map[string]any{"n": 1}}, "here", time.Time{}, func(func(string, error) bool) {}); err != nil {
			t.Fatal(err)
		}
	}, "--pg", dsn, "-s", "acct-bob")
	if got := pgTables(t, dsn, schema); got != "replay_bookmarks replay_events" {
		t.Fatalf("tables after a bookmark: %q", got)
	}
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		marks := cfg.Bookmarks.List("acct-bob")
		if len(marks) != 1 || marks[0].Seq != 3 || marks[0].Note != "here" {
			t.Fatalf("the next session has %+v", marks)
		}
	}, "--pg", dsn, "-s", "acct-bob")
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if marks := cfg.Bookmarks.List(""); len(marks) != 0 {
			t.Fatalf("a table of one's own has the events table's bookmarks: %+v", marks)
		}
	}, "--pg", dsn, "--pg-table", "replay_events", "--pg-stream-column", "stream", "--pg-seq-column", "seq", "--pg-payload-column", "payload", "-s", "acct-bob")
}

// pgOrders makes a table of one's own whose ids have gaps in each
// stream: o-1 is ids 1, 3, 4; o-2 ids 2, 5.
func pgOrders(t *testing.T) []string {
	dsn, table := pgBank(t)
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	orders := table + "_orders"
	if _, err := pool.Exec(ctx, `CREATE TABLE "`+orders+`" (id bigserial PRIMARY KEY, "order" text, at timestamptz, body jsonb);
		INSERT INTO "`+orders+`" ("order", at, body) VALUES
		('o-1', '2026-01-01T00:00:00Z', '{"status":"new"}'), ('o-2', '2026-01-01T00:01:00Z', '{"status":"new"}'),
		('o-1', '2026-01-01T00:02:00Z', '{"status":"paid"}'), ('o-1', '2026-01-01T00:03:00Z', '{"status":"shipped"}'),
		('o-2', '2026-01-01T00:04:00Z', '{"status":"cancelled"}')`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p, err := postgres.Connect(context.Background(), dsn); err == nil {
			p.Exec(context.Background(), `DROP TABLE IF EXISTS "`+orders+`"`)
			p.Close()
		}
	})
	return []string{"--pg", dsn, "--pg-table", orders, "--pg-stream-column", "order", "--pg-seq-column", "id", "--pg-time-column", "at", "--pg-payload-column", "body"}
}

// TestAMappedTableShowsAndTakesItsIds: the commands say each event's id
// beside its seq, and take id:N where a seq is asked for.
func TestAMappedTableShowsAndTakesItsIds(t *testing.T) {
	mapped := pgOrders(t)
	with := func(args ...string) []string { return append(slices.Clone(mapped), args...) }
	out, errOut, code := run(t, with("blame", "-s", "o-1", "--path", ".status")...)
	if code != 0 || !strings.Contains(out, "seq 2 (id 3)") || !strings.Contains(out, "seq 3 (id 4)") {
		t.Fatalf("blame: %q %q (exit %d)", out, errOut, code)
	}
	out, _, _ = run(t, with("blame", "--path", ".status")...)
	if !strings.Contains(out, "o-1     3 (id 4)") || !strings.Contains(out, "o-2     2 (id 5)") {
		t.Fatalf("blame over every stream: %q", out)
	}
	out, errOut, code = run(t, with("diff", "-s", "o-1", "--to", "id:4")...)
	if code != 0 || !strings.HasPrefix(out, "from seq 2 (id 3) to seq 3 (id 4):\n") || !strings.Contains(out, `"paid" → "shipped"`) {
		t.Fatalf("diff --to id:4: %q %q (exit %d)", out, errOut, code)
	}
	_, errOut, code = run(t, with("diff", "-s", "o-1", "--to", "id:2")...)
	if code != 1 || !strings.Contains(errOut, `--to id:2: no event of stream "o-1" has id 2`) {
		t.Fatalf("diff --to the id of another stream: %q (exit %d)", errOut, code)
	}
	out, errOut, code = run(t, with("state", "-s", "o-1", "--at", "id:3", "--json")...)
	if code != 0 || out != "{\"status\":\"paid\"}\n" {
		t.Fatalf("state --at id:3: %q %q (exit %d)", out, errOut, code)
	}
	out, _, code = run(t, with("find", "-s", "o-1", "--where", `state.status == "paid"`)...)
	if code != 0 || !strings.HasPrefix(out, "seq 2 (id 3)\t") {
		t.Fatalf("find: %q (exit %d)", out, code)
	}
	out, _, _ = run(t, with("find", "-s", "o-1", "--where", `state.status == "paid"`, "--json")...)
	if !strings.Contains(out, `"seq":2,"id":3,`) {
		t.Fatalf("find --json: %q", out)
	}
	out, _, code = run(t, with("-r", `jq:if $event.payload.status == "paid" then error("boom") else . end`, "verify")...)
	if code != 1 || !strings.Contains(out, `stream "o-1" seq 2 (id 3): `) {
		t.Fatalf("verify: %q (exit %d)", out, code)
	}
	_, errOut, code = run(t, "state", bank, "-s", "acct-bob", "--at", "id:3")
	if code != 2 || !strings.Contains(errOut, "this log's events have no ids but their seqs") {
		t.Fatalf("id: on a file: %q (exit %d)", errOut, code)
	}
}
