package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
)

const (
	bank  = "../testdata/bank.jsonl"
	match = "../testdata/match.jsonl"
)

// run runs the replaytui command line as the binary does.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	var empty any = (*jsonv.Object)(nil)
	code = Run(context.Background(), args, &out, &errOut, reduce.Merge, empty, JSON())
	return out.String(), errOut.String(), code
}

func wantCode(t *testing.T, code, want int, stdout, stderr string) {
	t.Helper()
	if code != want {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, want, stdout, stderr)
	}
}

func TestStreams(t *testing.T) {
	out, errOut, code := run(t, "streams", bank)
	wantCode(t, code, 0, out, errOut)
	want := "STREAM      EVENTS  FIRST                 LAST\n" +
		"acct-alice  8       2026-05-30T09:00:00Z  2026-06-02T09:00:00Z\n" +
		"acct-bob    9       2026-05-30T09:02:00Z  2026-06-01T09:44:00Z\n" +
		"acct-carol  5       2026-05-30T09:12:00Z  2026-06-01T09:30:00Z\n"
	if out != want {
		t.Fatalf("streams =\n%s\nwant\n%s", out, want)
	}
	out, _, _ = run(t, "streams", bank, "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 3 || rows[1]["stream"] != "acct-bob" || rows[1]["events"] != 9.0 {
		t.Fatalf("streams --json = %s (%v)", out, err)
	}
}

func TestStateAtSeqAndTime(t *testing.T) {
	out, errOut, code := run(t, "state", match, "-s", "match-17", "--at", "9", "--json")
	wantCode(t, code, 0, out, errOut)
	if !strings.HasPrefix(out, `{"map":"harbor","players":{"ana":{"hp":80,`) || !strings.Contains(out, `"score":{"blue":0,"red":1}`) {
		t.Fatalf("state --at 9 --json = %s", out)
	}
	out, _, code = run(t, "state", match, "-s", "match-17", "--at-time", "2026-06-01T20:00:18Z")
	if code != 0 || !strings.Contains(out, "\"red\": 1") || !strings.Contains(out, "\n  \"players\": {\n") {
		t.Fatalf("state --at-time = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "-r", "jq:@../testdata/bank.jq", "state", bank, "-s", "acct-bob", "--json")
	if code != 0 || out != `{"balance":-105,"last_tx":"tx-2008","owner":"Bob","status":"open"}`+"\n" {
		t.Fatalf("jq state = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "--initial", `{"balance":1000}`, "-r", "jq:.balance += 1", "state", bank, "-s", "acct-carol", "--json")
	if code != 0 || out != `{"balance":1005}`+"\n" {
		t.Fatalf("--initial = %q (exit %d)", out, code)
	}
}

func TestDiff(t *testing.T) {
	out, errOut, code := run(t, "diff", match, "-s", "match-17", "--from", "5", "--to", "9")
	wantCode(t, code, 0, out, errOut)
	want := "~ .players.ana.hp    100 → 80\n+ .players.bo.alive  false\n~ .players.bo.hp     100 → 0\n~ .score.red         0 → 1\n"
	if out != want {
		t.Fatalf("diff =\n%s\nwant\n%s", out, want)
	}
	out, _, _ = run(t, "diff", match, "-s", "match-17", "--to", "9", "--json")
	if out != `{"changes":[{"path":".players.bo.alive","kind":"added","new":false},{"path":".players.bo.hp","kind":"changed","old":10,"new":0},{"path":".score.red","kind":"changed","old":0,"new":1}],"from":8,"stream":"match-17","to":9}`+"\n" {
		t.Fatalf("diff --json = %s", out)
	}
}

func TestFind(t *testing.T) {
	out, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "find", bank, "-s", "acct-bob", "--where", "state.balance < 0")
	wantCode(t, code, 0, out, errOut)
	if out != "seq 7\t2026-05-31T09:21:00Z\twithdrawal\n" {
		t.Fatalf("find = %q", out)
	}
	out, _, code = run(t, "find", bank, "-s", "acct-bob", "--where", `event.type == "withdrawal" && event.payload.amount >= 200`, "--all", "--json")
	if code != 0 || !strings.Contains(out, `"matches":[{"seq":6,`) || !strings.Contains(out, `{"seq":7,`) || strings.Contains(out, `"seq":9`) {
		t.Fatalf("find --all --json = %s (exit %d)", out, code)
	}
	out, errOut, code = run(t, "find", bank, "-s", "acct-bob", "--where", "event.retry == true")
	if code != 0 || !strings.HasPrefix(out, "seq 7\t") {
		t.Fatalf("find on an extra field of the line = %q %q (exit %d)", out, errOut, code)
	}
	out, errOut, code = run(t, "find", bank, "-s", "acct-alice", "--where", "event.type == \"bribe\"")
	wantCode(t, code, 1, out, errOut)
	if !strings.Contains(errOut, `holds at no seq of stream "acct-alice"`) {
		t.Fatalf("find with no match: stderr %q", errOut)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"state", bank}, `the log has 3 streams; choose one with --stream: "acct-alice" (8 events)`},
		{[]string{"find", bank, "-s", "acct-bob", "--where", "state.balance <"}, "unexpected token EOF at line 1, column 15"},
		{[]string{"-r", "sum", "state", bank}, `unknown reducer "sum"`},
		{[]string{"-r", "jq:.a +", "state", bank}, "jq program"},
		{[]string{"--initial", "{", "state", bank}, "--initial is not JSON"},
		{[]string{"frobnicate"}, `no command or file named "frobnicate"`},
		{[]string{"state", bank, "-s", "acct-bob", "--at", "2", "--at-time", "2026-05-30"}, "--at or --at-time"},
		{[]string{"state", bank, "-s", "acct-bob", "--at-time", "yesterday"}, `error: --at-time "yesterday" is not a time; want RFC 3339 (2026-05-30T12:00:00Z) or a date (2026-05-30)` + "\n"},
	} {
		out, errOut, code := run(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q (stdout %q)", tc.args, code, errOut, tc.want, out)
		}
		if strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: a stack trace reached the user: %s", tc.args, errOut)
		}
	}
}

func TestNotFoundExitsOne(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"state", bank, "-s", "acct-dave"}, `no stream "acct-dave" in this log; it has "acct-alice" (8 events)`},
		{[]string{"state", bank, "-s", "acct-bob", "--at", "99"}, "the stream ends at seq 9"},
	} {
		out, errOut, code := run(t, tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q (stdout %q)", tc.args, code, errOut, tc.want, out)
		}
	}
}

func TestBadInputExitsThree(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"stream":"a","payload":{"n":1}}`+"\n"+`{"stream":"a","payload":{"n":}}`+"\n"), 0o644)
	out, errOut, code := run(t, "state", bad)
	if code != 3 || errOut != "replaytui: error: "+bad+":2:30: expected a JSON value, found '}'\n" {
		t.Fatalf("exit %d, stderr %q (stdout %q)", code, errOut, out)
	}
	_, errOut, code = run(t, "state", filepath.Join(dir, "missing.jsonl"))
	if code != 3 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("missing file: exit %d, %q", code, errOut)
	}
	_, errOut, code = run(t, "-r", "patch", "state", bank, "-s", "acct-bob")
	if code != 3 || !strings.Contains(errOut, `apply failed at stream "acct-bob" seq 1: patch: the payload is an object, not a JSON Patch`) || !strings.Contains(errOut, "\nthe event: {\"stream\":\"acct-bob\",\"seq\":1,") {
		t.Fatalf("a reducer that cannot apply: exit %d, %q", code, errOut)
	}
}

func TestSkipBadReportsWhatItSkipped(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"stream":"a","payload":{"n":1}}`+"\nGARBAGE\n"+`{"stream":"a","payload":{"m":2}}`+"\n"), 0o644)
	out, errOut, code := run(t, "--skip-bad", "state", bad, "--json")
	wantCode(t, code, 0, out, errOut)
	if out != `{"m":2,"n":1}`+"\n" || !strings.Contains(errOut, "--skip-bad skipped 1 line and") || !strings.Contains(errOut, "bad.jsonl:2:1") {
		t.Fatalf("stdout %q stderr %q", out, errOut)
	}
}

func TestVerify(t *testing.T) {
	out, errOut, code := run(t, "verify", bank, match)
	wantCode(t, code, 0, out, errOut)
	if out != "ok: 43 lines, 43 events in 5 streams; seqs in order; the reducer is pure on every stream\n" {
		t.Fatalf("verify = %q", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(strings.Join([]string{
		`{"stream":"a","seq":1,"payload":{}}`,
		`{"stream":"a","seq":1,"payload":{}}`,
		`{"stream":"a","seq":2,"payload":{"x":[1,]}}`,
		`{"stream":"a","seq":4,"payload":{}}`,
	}, "\n")+"\n"), 0o644)
	out, errOut, code = run(t, "verify", bad)
	wantCode(t, code, 1, out, errOut)
	for _, want := range []string{"3 problems:", ":2: seq 1 of stream \"a\" is a duplicate", ":3:41: expected a JSON value, found ']'", ":4: stream \"a\" jumps from seq 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify output lacks %q:\n%s", want, out)
		}
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "bob.jsonl")
	out, errOut, code := run(t, "export", bank, "-s", "acct-bob", "-o", dst)
	wantCode(t, code, 0, out, errOut)
	data, _ := os.ReadFile(dst)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 9 || lines[6] != `{"stream":"acct-bob","seq":7,"time":"2026-05-31T09:21:00Z","type":"withdrawal","retry":true,"payload":{"amount":200,"tx":"tx-2006"}}` {
		t.Fatalf("exported %d lines; line 7 = %s", len(lines), lines[min(6, len(lines)-1)])
	}
	_, errOut, code = run(t, "export", bank, "-s", "acct-bob", "-o", dst)
	if code != 2 || !strings.Contains(errOut, "exists; use --force") {
		t.Fatalf("export over an existing file: exit %d %q", code, errOut)
	}
	// The export opens as a log with the same state as the source.
	a, _, _ := run(t, "state", bank, "-s", "acct-bob", "--json")
	b, _, _ := run(t, "state", dst, "--json")
	if a != b || a == "" {
		t.Fatalf("state of the export %q differs from the source's %q", b, a)
	}
}

func TestVersionHelpAndCompletion(t *testing.T) {
	out, _, code := run(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "replaytui ") {
		t.Fatalf("--version = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "find", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--where=EXPR") {
		t.Fatalf("find --help = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "completion", "bash")
	if code != 0 || !strings.HasPrefix(out, "complete -C ") {
		t.Fatalf("completion bash = %q", out)
	}
	t.Setenv("COMP_LINE", "replaytui state "+bank+" --stream acct-")
	t.Setenv("COMP_POINT", "1000")
	out, _, code = run(t)
	if code != 0 || out != "acct-alice\nacct-bob\nacct-carol\n" {
		t.Fatalf("completing --stream = %q (exit %d)", out, code)
	}
}

func TestBlame(t *testing.T) {
	out, errOut, code := run(t, "blame", match, "-s", "match-17", "--path", ".players.ana.hp", "--at", "13")
	wantCode(t, code, 0, out, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "seq 13") || !strings.Contains(lines[3], "35 → 135") || !strings.HasPrefix(lines[1], "seq 7") {
		t.Fatalf("blame =\n%s", out)
	}
	out, _, code = run(t, "blame", match, "-s", "match-17", "--path", ".players.ana.hp", "--json")
	if code != 0 || !strings.Contains(out, `"seq":15,`) {
		t.Fatalf("blame --json = %s", out)
	}
	_, errOut, code = run(t, "blame", match, "-s", "match-17", "--path", ".nothing")
	if code != 1 || !strings.Contains(errOut, "no event of stream") {
		t.Fatalf("blame of a value never set: exit %d %q", code, errOut)
	}
}

func TestFindBisect(t *testing.T) {
	out, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "find", bank, "-s", "acct-bob", "--where", "state.balance < 0", "--bisect")
	if code != 0 || out != "seq 7\t2026-05-31T09:21:00Z\twithdrawal\n" {
		t.Fatalf("find --bisect = %q %q (exit %d)", out, errOut, code)
	}
	_, errOut, code = run(t, "-r", "jq:@../testdata/bank.jq", "find", bank, "-s", "acct-alice", "--where", "state.balance < 0", "--bisect")
	if code != 1 || !strings.Contains(errOut, "does not hold at the last seq") {
		t.Fatalf("bisect without a break: exit %d %q", code, errOut)
	}
}

func TestExportAFixture(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "fx.jsonl")
	_, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "export", bank, "-s", "acct-bob", "--from", "5", "--to", "7", "--with-state", "-o", dst)
	if code != 0 {
		t.Fatalf("export fixture: %q", errOut)
	}
	var expect struct {
		From, To      int
		Before, After map[string]any
	}
	data, _ := os.ReadFile(strings.TrimSuffix(dst, ".jsonl") + ".expect.json")
	if err := json.Unmarshal(data, &expect); err != nil || expect.From != 5 || expect.Before["balance"] != 250.0 || expect.After["balance"] != -120.0 {
		t.Fatalf("expectation %s (%v)", data, err)
	}
	// Replaying the fixture from "before" gives "after".
	before, _ := json.Marshal(expect.Before)
	out, _, code := run(t, "--initial", string(before), "-r", "jq:@../testdata/bank.jq", "state", dst, "--json")
	if code != 0 || !strings.Contains(out, `"balance":-120`) {
		t.Fatalf("the fixture folds to %q", out)
	}
	_, errOut, code = run(t, "export", bank, "--from", "2", "-o", filepath.Join(t.TempDir(), "x.jsonl"))
	if code != 2 || !strings.Contains(errOut, "a fixture is one stream") {
		t.Fatalf("a fixture of several streams: exit %d %q", code, errOut)
	}
}

func TestBadTimeInALogReadsWell(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"stream":"a","time":"yesterday","payload":{}}`+"\n"), 0o644)
	out, errOut, code := run(t, "state", bad)
	if code != 3 || errOut != "replaytui: error: "+bad+`:1:22: "time": "yesterday" is not a time; want RFC 3339, a date, or Unix seconds/milliseconds`+"\n" {
		t.Fatalf("exit %d, stderr %q (stdout %q)", code, errOut, out)
	}
}

// Seq 0 is the initial state, before the first event, in every command;
// without a seq flag a command looks at the whole stream.
func TestSeqZeroIsTheInitialState(t *testing.T) {
	out, errOut, code := run(t, "--initial", `{"balance":7}`, "state", bank, "-s", "acct-bob", "--at", "0", "--json")
	wantCode(t, code, 0, out, errOut)
	if out != `{"balance":7}`+"\n" {
		t.Errorf("state --at 0 = %q, want the initial state", out)
	}
	last, _, _ := run(t, "state", bank, "-s", "acct-bob", "--at", "9", "--json")
	whole, _, _ := run(t, "state", bank, "-s", "acct-bob", "--json")
	if whole != last || whole == `{}`+"\n" {
		t.Errorf("state without --at = %q, want the last state %q", whole, last)
	}
	out, errOut, code = run(t, "diff", bank, "-s", "acct-bob", "--to", "0")
	wantCode(t, code, 0, out, errOut)
	if out != "no change from seq 0 to seq 0\n" {
		t.Errorf("diff --to 0 = %q", out)
	}
	out, _, _ = run(t, "diff", bank, "-s", "acct-bob", "--from", "0", "--to", "1")
	if !strings.HasPrefix(out, "+ ") {
		t.Errorf("diff --from 0 --to 1 = %q, want what the first event added", out)
	}
	out, errOut, code = run(t, "blame", match, "-s", "match-17", "--path", ".players.ana.hp", "--at", "0")
	wantCode(t, code, 1, out, errOut)
	if out != "" || !strings.Contains(errOut, "no event of stream") {
		t.Errorf("blame --at 0 = %q %q", out, errOut)
	}
	_, errOut, code = run(t, "export", bank, "-s", "acct-bob", "--from", "0", "--to", "3", "-o", filepath.Join(t.TempDir(), "x.jsonl"))
	if code != 2 || !strings.Contains(errOut, "seq 0 is the initial state") {
		t.Errorf("export --from 0: exit %d %q", code, errOut)
	}
}

// A seq past the end is named as given, with where the stream ends.
func TestSeqPastTheEndIsNamed(t *testing.T) {
	for _, args := range [][]string{
		{"diff", bank, "-s", "acct-bob", "--to", "100"},
		{"diff", bank, "-s", "acct-bob", "--from", "3", "--to", "100"},
		{"diff", bank, "-s", "acct-bob", "--from", "100"},
		{"blame", match, "-s", "match-17", "--path", ".score", "--at", "100"},
		{"state", bank, "-s", "acct-bob", "--at", "100"},
		{"export", bank, "-s", "acct-bob", "--from", "3", "--to", "100", "-o", filepath.Join(t.TempDir(), "x.jsonl")},
	} {
		out, errOut, code := run(t, args...)
		last := "9"
		if args[1] == match {
			last = "16"
		}
		if code != 1 || !strings.Contains(errOut, " 100") || !strings.Contains(errOut, "the stream ends at seq "+last) || strings.Contains(errOut, "99") {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want 1 naming seq 100 and where the stream ends", args, code, errOut, out)
		}
	}
}

func TestCountsOfOneAreSingular(t *testing.T) {
	one := filepath.Join(t.TempDir(), "one.jsonl")
	os.WriteFile(one, []byte(`{"stream":"a","payload":{"n":1}}`+"\n"), 0o644)
	out, errOut, code := run(t, "verify", one)
	wantCode(t, code, 0, out, errOut)
	if out != "ok: 1 line, 1 event in 1 stream; seqs in order; the reducer is pure on every stream\n" {
		t.Fatalf("verify = %q", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"stream":"a","payload":{"n":1}}`+"\nGARBAGE\n"), 0o644)
	out, _, _ = run(t, "verify", bad)
	if !strings.HasPrefix(out, "1 problem:\n") {
		t.Fatalf("verify = %q", out)
	}
	two := filepath.Join(t.TempDir(), "two.jsonl")
	os.WriteFile(two, []byte(`{"stream":"a","payload":{"n":1}}`+"\n"+`{"stream":"b","payload":{"n":1}}`+"\n"+`{"stream":"b","payload":{"n":2}}`+"\n"), 0o644)
	_, errOut, _ = run(t, "state", two)
	if !strings.Contains(errOut, `"a" (1 event), "b" (2 events)`) {
		t.Fatalf("choosing a stream: %q", errOut)
	}
}
