package cli

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

// sumTotal adds each event's amount to .total.
const sumTotal = "jq:.total = (.total // 0) + $event.payload.amount"

// fleetLog writes a log of five accounts whose lines carry the total the
// ledger recorded (expect.total): a and e agree with the sum throughout;
// b disagrees from seq 2 on, c from seq 3 (earlier in time than b's);
// and, in a second file, d's amount is not a number, so the sum fails.
func fleetLog(t *testing.T) (good, bad string) {
	t.Helper()
	dir := t.TempDir()
	good, bad = filepath.Join(dir, "good.jsonl"), filepath.Join(dir, "bad.jsonl")
	write := func(path string, lines ...string) {
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(good,
		`{"stream":"a","seq":1,"time":"2026-01-01","payload":{"amount":10},"expect":{"total":10}}`,
		`{"stream":"b","seq":1,"time":"2026-01-01","payload":{"amount":5},"expect":{"total":5}}`,
		`{"stream":"c","seq":1,"time":"2026-01-01","payload":{"amount":1},"expect":{"total":1}}`,
		`{"stream":"e","seq":1,"time":"2026-01-01","payload":{"amount":7},"expect":{"total":7}}`,
		`{"stream":"c","seq":2,"time":"2026-01-02","payload":{"amount":1},"expect":{"total":2}}`,
		`{"stream":"c","seq":3,"time":"2026-01-03","payload":{"amount":1},"expect":{"total":30}}`,
		`{"stream":"a","seq":2,"time":"2026-01-04","payload":{"amount":10},"expect":{"total":20}}`,
		`{"stream":"b","seq":2,"time":"2026-01-05","payload":{"amount":5},"expect":{"total":99}}`,
		`{"stream":"b","seq":3,"time":"2026-01-06","payload":{"amount":5},"expect":{"total":104}}`,
		`{"stream":"a","seq":3,"time":"2026-01-07","payload":{"amount":10},"expect":{"total":30}}`,
	)
	write(bad,
		`{"stream":"d","seq":1,"time":"2026-01-02","payload":{"amount":"ten"},"expect":{"total":10}}`,
	)
	return good, bad
}

func TestFindOverEveryStream(t *testing.T) {
	good, _ := fleetLog(t)
	out, errOut, code := run(t, "-r", sumTotal, "find", good, "--where", "state.total != event.expect.total")
	wantCode(t, code, 0, out, errOut)
	want := "STREAM  SEQ  TIME                  EVENT  state.total  event.expect.total\n" +
		"b       2    2026-01-05T00:00:00Z  -      10           99\n" +
		"c       3    2026-01-03T00:00:00Z  -      3            30\n"
	if out != want {
		t.Fatalf("find over every stream =\n%s\nwant\n%s", out, want)
	}
	if !strings.HasPrefix(errOut, "found in 2 of 4 streams; 9 events folded in ") {
		t.Errorf("summary = %q", errOut)
	}

	out, _, code = run(t, "-r", sumTotal, "find", good, "--where", "state.total != event.expect.total", "--sort", "time", "--all")
	want = "STREAM  SEQ  TIME                  EVENT  state.total  event.expect.total\n" +
		"c       3    2026-01-03T00:00:00Z  -      3            30\n" +
		"b       2    2026-01-05T00:00:00Z  -      10           99\n" +
		"b       3    2026-01-06T00:00:00Z  -      15           104\n"
	if code != 0 || out != want {
		t.Fatalf("find --all --sort time (exit %d) =\n%s\nwant\n%s", code, out, want)
	}
}

func TestFindOverEveryStreamAsJSON(t *testing.T) {
	good, _ := fleetLog(t)
	out, errOut, code := run(t, "-r", sumTotal, "find", good, "--where", "event.expect.total - state.total > 20", "--json")
	wantCode(t, code, 0, out, errOut)
	var got struct {
		Where   string
		Streams int
		Events  int
		Matches []struct {
			Stream string
			Seq    int
			Time   string
			Values map[string]float64
		}
		Errors []any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("find --json = %s: %v", out, err)
	}
	if got.Where != "event.expect.total - state.total > 20" || got.Streams != 4 || got.Events != 9 || len(got.Errors) != 0 || len(got.Matches) != 2 {
		t.Fatalf("find --json = %s", out)
	}
	b := got.Matches[0]
	if b.Stream != "b" || b.Seq != 2 || b.Time != "2026-01-05T00:00:00Z" || b.Values["event.expect.total"] != 99 || b.Values["state.total"] != 10 || len(b.Values) != 2 {
		t.Fatalf("find --json: first match %+v", b)
	}
}

func TestFindOverEveryStreamExitsOneWhenNoneMatches(t *testing.T) {
	good, _ := fleetLog(t)
	out, errOut, code := run(t, "-r", sumTotal, "find", good, "--where", "state.total < 0")
	wantCode(t, code, 1, out, errOut)
	if out != "" || !strings.Contains(errOut, "found in 0 of 4 streams; 10 events folded") || !strings.Contains(errOut, `"state.total < 0" holds at no seq of any stream`) {
		t.Fatalf("no match: stdout %q stderr %q", out, errOut)
	}
	out, _, code = run(t, "-r", sumTotal, "find", good, "--where", "state.total < 0", "--json")
	if code != 1 || !strings.Contains(out, `"matches":[],"errors":[]`) {
		t.Fatalf("no match --json = %s (exit %d)", out, code)
	}
}

func TestFindBisectOverEveryStream(t *testing.T) {
	good, _ := fleetLog(t)
	out, errOut, code := run(t, "-r", sumTotal, "find", good, "--where", "state.total != event.expect.total", "--bisect")
	wantCode(t, code, 0, out, errOut)
	// a and e agree at their last seq: nothing to bisect there, and no
	// match, not an error.
	want := "STREAM  SEQ  TIME                  EVENT  state.total  event.expect.total\n" +
		"b       2    2026-01-05T00:00:00Z  -      10           99\n" +
		"c       3    2026-01-03T00:00:00Z  -      3            30\n"
	if out != want {
		t.Fatalf("find --bisect over every stream =\n%s\nwant\n%s", out, want)
	}
	_, errOut, code = run(t, "-r", sumTotal, "find", good, "--where", "true", "--bisect", "--all")
	if code != 2 || !strings.Contains(errOut, "--bisect finds one seq") {
		t.Fatalf("--bisect --all: exit %d %q", code, errOut)
	}
}

func TestAStreamThatFailsIsReportedAndTheOthersAnswered(t *testing.T) {
	good, bad := fleetLog(t)
	for _, bisect := range []bool{false, true} {
		args := []string{"-r", sumTotal, "find", good, bad, "--where", "state.total != event.expect.total"}
		if bisect {
			args = append(args, "--bisect")
		}
		out, errOut, code := run(t, args...)
		wantCode(t, code, 3, out, errOut)
		if !strings.Contains(out, "\nb       2  ") || !strings.Contains(out, "\nc       3  ") || strings.Contains(out, "\nd ") {
			t.Errorf("bisect %v: the other streams' answers =\n%s", bisect, out)
		}
		if !strings.Contains(errOut, `stream "d": `) || !strings.Contains(errOut, "found in 2 of 5 streams") || !strings.Contains(errOut, "1 of 5 streams could not be searched") {
			t.Errorf("bisect %v: stderr = %q", bisect, errOut)
		}
	}
	out, _, code := run(t, "-r", sumTotal, "find", good, bad, "--where", "state.total != event.expect.total", "--json")
	if code != 3 || !strings.Contains(out, `"errors":[{"stream":"d","error":"`) || !strings.Contains(out, `{"stream":"c","seq":3,`) {
		t.Fatalf("a failing stream in --json = %s (exit %d)", out, code)
	}
}

func TestAllStreamsOnALogOfOneStream(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.jsonl")
	os.WriteFile(one, []byte(`{"stream":"only","seq":1,"payload":{"n":1}}`+"\n"+`{"stream":"only","seq":2,"payload":{"n":2}}`+"\n"), 0o644)
	out, _, code := run(t, "find", one, "--where", "state.n == 2")
	if code != 0 || out != "seq 2\t-\t\n" {
		t.Fatalf("find on one stream = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "find", one, "--where", "state.n == 2", "--all-streams")
	if code != 0 || out != "STREAM  SEQ  TIME  EVENT  state.n\nonly    2    -     -      2\n" {
		t.Fatalf("find --all-streams on one stream = %q (exit %d)", out, code)
	}
	_, errOut, code := run(t, "find", one, "-s", "only", "--where", "true", "--all-streams")
	if code != 2 || !strings.Contains(errOut, "--all-streams searches every stream") {
		t.Fatalf("--all-streams with --stream: exit %d %q", code, errOut)
	}
}

// TestEveryStreamAnswersAsEachStreamAlone runs the worker pool on more
// streams than workers (run it with -race) and checks each answer against
// find --stream.
func TestEveryStreamAnswersAsEachStreamAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.jsonl")
	var b strings.Builder
	const streams, events = 40, 30
	for seq := 1; seq <= events; seq++ {
		for s := range streams {
			fmt.Fprintf(&b, `{"stream":"s%02d","seq":%d,"payload":{"amount":%d}}`+"\n", s, seq, (s*7+seq*3)%11)
		}
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	where := "state.total > 150 && event.payload.amount > 5"
	out, errOut, code := run(t, "-r", sumTotal, "find", path, "--where", where, "--json")
	wantCode(t, code, 0, out, errOut)
	var got struct {
		Events  int
		Matches []struct {
			Stream string
			Seq    int
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	first := map[string]int{}
	for _, m := range got.Matches {
		first[m.Stream] = m.Seq
	}
	for s := range streams {
		name := fmt.Sprintf("s%02d", s)
		alone, _, code := run(t, "-r", sumTotal, "find", path, "-s", name, "--where", where)
		seq, ok := first[name]
		switch {
		case code == 1 && ok:
			t.Errorf("%s: every stream says seq %d, the stream alone nothing", name, seq)
		case code == 0 && !strings.HasPrefix(alone, fmt.Sprintf("seq %d\t", seq)):
			t.Errorf("%s: every stream says seq %d (found %v), the stream alone %q", name, seq, ok, alone)
		}
	}
	if len(first) == 0 || len(first) == streams {
		t.Fatalf("the condition should hold in some streams, not all: %d", len(first))
	}
}

// TestBerkaAccountsThatDisagreeWithTheBank finds, on the Berka ledger,
// the accounts whose balance, summed from their credits and debits,
// first differs from the balance the bank recorded on the line by more
// than a crown, and checks the answer against the same sum in Go.
func TestBerkaAccountsThatDisagreeWithTheBank(t *testing.T) {
	const path = "../../shared/realdata/berka-bank.jsonl.gz"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("the Berka ledger is not here (%v): it lives beside the project, in ../shared/realdata", err)
	}
	const reducer = `jq:.balance = (.balance // 0) + (if $event.type == "credit" then $event.payload.amount else -$event.payload.amount end)`
	out, errOut, code := run(t, "-r", reducer, "find", path, "--where", "abs(state.balance - event.expect.balance) > 1", "--json")
	wantCode(t, code, 0, out, errOut)
	var got struct {
		Streams int
		Matches []struct {
			Stream string
			Seq    int
			Values map[string]float64
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}

	type first struct {
		seq           int
		balance, bank float64
	}
	want := map[string]first{}
	balance := map[string]float64{}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(z)
	for lines.Scan() {
		var l struct {
			Stream, Type string
			Seq          int
			Payload      struct{ Amount float64 }
			Expect       struct{ Balance float64 }
		}
		if err := json.Unmarshal(lines.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Type == "credit" {
			balance[l.Stream] += l.Payload.Amount
		} else {
			balance[l.Stream] -= l.Payload.Amount
		}
		if _, seen := want[l.Stream]; !seen && math.Abs(balance[l.Stream]-l.Expect.Balance) > 1 {
			want[l.Stream] = first{l.Seq, balance[l.Stream], l.Expect.Balance}
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}

	if got.Streams != 1229 || len(got.Matches) != len(want) {
		t.Fatalf("%d accounts of %d disagree, want %d of 1229", len(got.Matches), got.Streams, len(want))
	}
	for _, m := range got.Matches {
		w := want[m.Stream]
		if m.Seq != w.seq || math.Abs(m.Values["state.balance"]-w.balance) > 1e-6 || m.Values["event.expect.balance"] != w.bank {
			t.Errorf("%s: seq %d %v, want seq %d balance %v, the bank's %v", m.Stream, m.Seq, m.Values, w.seq, w.balance, w.bank)
		}
	}
	if w := want["acct-1000"]; w.seq != 15 || w.bank != 96031.5 {
		t.Errorf("acct-1000 first disagrees at %+v, want seq 15 where the bank says 96031.5", w)
	}
}

func TestTheValuesAConditionLooksAt(t *testing.T) {
	for where, want := range map[string][]string{
		"state.balance != event.expect.balance":           {"state.balance", "event.expect.balance"},
		`event.type == "x" && state.items[0].n > 1`:       {"event.type", "state.items[0].n"},
		"len(state.items) > 2 || state.items == nil":      {"state.items"},
		"event.expect != nil && event.expect.balance > 0": {"event.expect.balance"},
		`state["odd key"] > 1 && state.balance > 0`:       {`state["odd key"]`, "state.balance"},
		"state == nil":    {"state"},
		"1 > 0":           nil,
		"state.balance <": nil,
	} {
		if got := lookedAt(where); !slices.Equal(got, want) {
			t.Errorf("lookedAt(%q) = %q, want %q", where, got, want)
		}
	}
}

func TestTheDebuggerFindsInEveryStreamAsFindDoes(t *testing.T) {
	good, bad := fleetLog(t)
	where := "state.total != event.expect.total"
	out, errOut, code := run(t, "-r", sumTotal, "find", good, bad, "--where", where, "--json")
	wantCode(t, code, exitBadInput, out, errOut) // d cannot be searched
	var want struct {
		Streams int
		Matches []struct {
			Stream replay.StreamKey
			Seq    replay.Seq
			Time   time.Time
			Values map[string]any
		}
		Errors []struct{ Stream, Error string }
	}
	if err := json.Unmarshal([]byte(out), &want); err != nil {
		t.Fatalf("%v in %s", err, out)
	}

	var found tui.FoundAll
	var findErr error
	var mu sync.Mutex
	lastDone, lastTotal := 0, 0
	_, errOut, code, _ = runSession(t, "", func(ctx context.Context, cfg tui.Config[any, jsonv.Payload]) {
		found, findErr = cfg.FindAll(ctx, where, func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			lastDone, lastTotal = max(lastDone, done), total
		})
	}, "-r", sumTotal, good, bad)
	wantCode(t, code, 0, "", errOut)
	if findErr != nil {
		t.Fatal(findErr)
	}
	if found.Streams != want.Streams || lastDone != want.Streams || lastTotal != want.Streams {
		t.Fatalf("the debugger searched %d streams, with progress to %d of %d; find searched %d", found.Streams, lastDone, lastTotal, want.Streams)
	}
	if len(found.Matches) != len(want.Matches) || len(want.Matches) != 2 {
		t.Fatalf("the debugger found %+v; find found %+v", found.Matches, want.Matches)
	}
	for i, w := range want.Matches {
		got := found.Matches[i]
		if got.Stream != w.Stream || got.Seq != w.Seq || !got.Time.Equal(w.Time) || len(got.Values) != 2 {
			t.Fatalf("match %d: the debugger found %+v; find found %+v", i, got, w)
		}
		for _, v := range got.Values {
			if text := valueText(w.Values[v.Name]); v.Value != text {
				t.Errorf("match %d: %s = %s in the debugger, %s from find", i, v.Name, v.Value, text)
			}
		}
	}
	if len(found.Failed) != 1 || len(want.Errors) != 1 || string(found.Failed[0].Stream) != want.Errors[0].Stream || found.Failed[0].Err.Error() != want.Errors[0].Error {
		t.Fatalf("failed streams: the debugger %+v; find %+v", found.Failed, want.Errors)
	}
}
