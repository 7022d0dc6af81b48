package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// divergeLog writes a log whose streams merge and set fold differently
// from a known seq: a at seq 2 (merge keeps .x, set drops it), c at seq
// 1 (merge deletes a null, set keeps it), d at seq 2 in five paths, e
// as c; b agrees throughout.
func divergeLog(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "two.jsonl")
	lines := []string{
		`{"stream":"a","seq":1,"time":"2026-01-01","type":"first","payload":{"x":1}}`,
		`{"stream":"b","seq":1,"time":"2026-01-01","payload":{"x":1}}`,
		`{"stream":"c","seq":1,"time":"2026-01-02","type":"cleared","payload":{"x":null}}`,
		`{"stream":"a","seq":2,"time":"2026-01-03","type":"second","payload":{"y":2}}`,
		`{"stream":"b","seq":2,"time":"2026-01-03","payload":{"x":3}}`,
		`{"stream":"d","seq":1,"time":"2026-01-04","payload":{"a":1,"b":1,"c":1,"d":1,"e":1}}`,
		`{"stream":"d","seq":2,"time":"2026-01-05","type":"z","payload":{"z":1}}`,
		`{"stream":"a","seq":3,"time":"2026-01-06","payload":{"y":3}}`,
		`{"stream":"e","seq":1,"time":"2026-01-06","payload":{"x":null}}`,
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDivergeOverEveryStream(t *testing.T) {
	log := divergeLog(t)
	out, errOut, code := run(t, "diverge", log, "--against", "set")
	wantCode(t, code, 0, out, errOut)
	// The rows after "… and 2 more" stay aligned with those before.
	want := "STREAM  SEQ  TIME                  EVENT    PATH          REDUCE    AGAINST\n" +
		"a       2    2026-01-03T00:00:00Z  second   .x            1         (absent)\n" +
		"c       1    2026-01-02T00:00:00Z  cleared  .x            (absent)  null\n" +
		"d       2    2026-01-05T00:00:00Z  z        .a            1         (absent)\n" +
		"d       2    2026-01-05T00:00:00Z  z        .b            1         (absent)\n" +
		"d       2    2026-01-05T00:00:00Z  z        .c            1         (absent)\n" +
		"d       2    2026-01-05T00:00:00Z  z        … and 2 more\n" +
		"e       1    2026-01-06T00:00:00Z  -        .x            (absent)  null\n"
	if out != want {
		t.Fatalf("diverge =\n%s\nwant\n%s", out, want)
	}
	// Each stream is read up to where it diverges, once: a 2, b 2, c 1, d
	// 2, e 1.
	if !strings.HasPrefix(errOut, "differ in 4 of 5 streams; 8 events folded in ") {
		t.Errorf("summary = %q", errOut)
	}

	out, _, code = run(t, "diverge", log, "--against", "set", "--paths", "5")
	if code != 0 || strings.Contains(out, "more") || !strings.Contains(out, "\nd       2    2026-01-05T00:00:00Z  z        .e    1 ") {
		t.Errorf("--paths 5 (exit %d) =\n%s", code, out)
	}

	// The sides swap with the flags.
	out, _, code = run(t, "-r", "set", "diverge", log, "--against", "merge")
	if code != 0 || !strings.Contains(out, "\nc       1    2026-01-02T00:00:00Z  cleared  .x            null      (absent)\n") {
		t.Errorf("-r set --against merge (exit %d) =\n%s", code, out)
	}
}

func TestDivergeJSON(t *testing.T) {
	out, errOut, code := run(t, "diverge", divergeLog(t), "--against", "set", "--json")
	wantCode(t, code, 0, out, errOut)
	var got struct {
		Left, Right string
		Streams     int
		Events      int
		Divergences []struct {
			Stream      string
			Seq         int
			Time        string
			Summary     string
			Differences []map[string]any
		}
		Errors []any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if got.Left != "--reduce merge" || got.Right != "--against set" || got.Streams != 5 || got.Events != 8 || len(got.Errors) != 0 || len(got.Divergences) != 4 {
		t.Fatalf("diverge --json = %s", out)
	}
	a, c, d := got.Divergences[0], got.Divergences[1], got.Divergences[2]
	if a.Stream != "a" || a.Seq != 2 || a.Summary != "second" || a.Time != "2026-01-03T00:00:00Z" {
		t.Errorf("stream a: %+v", a)
	}
	// A side where the path does not exist has no member; null is a value.
	if len(c.Differences) != 1 || c.Differences[0]["path"] != ".x" || !hasKey(c.Differences[0], "right") || hasKey(c.Differences[0], "left") || c.Differences[0]["right"] != nil {
		t.Errorf("stream c: %+v", c)
	}
	if len(d.Differences) != 5 || d.Differences[4]["path"] != ".e" || d.Differences[4]["left"] != 1.0 {
		t.Errorf("stream d lists every path in JSON: %+v", d)
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

func TestDivergeOfOneStream(t *testing.T) {
	log := divergeLog(t)
	out, errOut, code := run(t, "diverge", log, "-s", "a", "--against", "set")
	wantCode(t, code, 0, out, errOut)
	if want := "STREAM  SEQ  TIME                  EVENT   PATH  REDUCE  AGAINST\n" +
		"a       2    2026-01-03T00:00:00Z  second  .x    1       (absent)\n"; out != want {
		t.Errorf("diverge -s a =\n%s\nwant\n%s", out, want)
	}
	if !strings.HasPrefix(errOut, "differ in 1 of 1 streams; 2 events folded") {
		t.Errorf("summary = %q", errOut)
	}
	out, errOut, code = run(t, "diverge", log, "-s", "b", "--against", "set")
	wantCode(t, code, 1, out, errOut)
	if out != "" || !strings.Contains(errOut, "--reduce and --against agree at every seq of every stream compared") {
		t.Errorf("diverge -s b: %q %q", out, errOut)
	}
	_, errOut, code = run(t, "diverge", log, "-s", "nope", "--against", "set")
	wantCode(t, code, 1, "", errOut)
}

func TestDivergeAgreeingReducers(t *testing.T) {
	for _, args := range [][]string{
		{"diverge", bank, "--against", "merge"},
		{"-r", "jq:@../testdata/bank.jq", "diverge", bank, "--against", "jq:@../testdata/bank.jq", "--json"},
	} {
		out, errOut, code := run(t, args...)
		wantCode(t, code, 1, out, errOut)
		if !strings.HasPrefix(errOut, "differ in 0 of 3 streams; 22 events folded") {
			t.Errorf("%v: summary = %q", args, errOut)
		}
	}
	out, _, _ := run(t, "diverge", bank, "--against", "merge", "--json")
	if !strings.Contains(out, `"divergences":[]`) {
		t.Errorf("--json with no divergence = %s", out)
	}
}

func TestDivergeBankRetries(t *testing.T) {
	out, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "diverge", bank, "--against", "jq:@../testdata/bank-dedupe.jq")
	wantCode(t, code, 0, out, errOut)
	want := "STREAM    SEQ  TIME                  EVENT       PATH      REDUCE  AGAINST\n" +
		"acct-bob  7    2026-05-31T09:21:00Z  withdrawal  .balance  -120    80\n"
	if out != want {
		t.Errorf("bank.jq against bank-dedupe.jq =\n%s\nwant\n%s", out, want)
	}
}

func TestDivergeFailures(t *testing.T) {
	log := divergeLog(t)
	_, errOut, code := run(t, "diverge", log)
	if code != exitUsage || !strings.Contains(errOut, "diverge needs --against REDUCER") {
		t.Errorf("no --against: exit %d, %s", code, errOut)
	}
	_, errOut, code = run(t, "diverge", log, "--against", "jq:.[")
	if code != exitUsage || !strings.Contains(errOut, "--against: ") {
		t.Errorf("a bad --against: exit %d, %s", code, errOut)
	}
	// A reducer that fails on one stream: the others are still answered.
	out, errOut, code := run(t, "diverge", log, "--against", `jq:if $event.stream == "d" then error("no d") else . * $event.payload end`)
	if code != exitBadInput || !strings.Contains(errOut, `stream "d": --against jq:if `) || !strings.Contains(errOut, "no d") || !strings.Contains(out, "\nc ") {
		t.Errorf("a failing --against: exit %d\n%s%s", code, out, errOut)
	}
}

func TestDivergeWithAgainst(t *testing.T) {
	type state struct{ Sum, Big int }
	type event struct{ N int }
	v1 := func(s state, ev replay.Event[event]) state { return state{Sum: s.Sum + ev.Payload.N} }
	v2 := func(s state, ev replay.Event[event]) state {
		s.Sum += ev.Payload.N
		if ev.Payload.N > 10 {
			s.Big++
		}
		return s
	}
	path := filepath.Join(t.TempDir(), "typed.jsonl")
	lines := `{"stream":"s","seq":1,"payload":{"N":3}}` + "\n" + `{"stream":"s","seq":2,"payload":{"N":30}}` + "\n"
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"diverge", path}, &out, &errOut, v2, state{}, WithAgainst(v1))
	wantCode(t, code, 0, out.String(), errOut.String())
	if want := "STREAM  SEQ  TIME  EVENT   PATH       APPLY  AGAINST\n" +
		"s       2    -     {N:30}  state.Big  1      0\n"; out.String() != want {
		t.Errorf("WithAgainst =\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	errOut.Reset()
	code = Run(context.Background(), []string{"diverge", path}, &out, &errOut, v2, state{})
	if code != exitUsage || !strings.Contains(errOut.String(), "cli.WithAgainst") {
		t.Errorf("without WithAgainst: exit %d, %s", code, errOut.String())
	}
	errOut.Reset()
	code = Run(context.Background(), []string{"diverge", path, "--against", "set"}, &out, &errOut, v2, state{}, WithAgainst(v1))
	if code != exitUsage || !strings.Contains(errOut.String(), "--against takes a reducer") {
		t.Errorf("--against in a typed program: exit %d, %s", code, errOut.String())
	}
	var nilApply replay.Apply[state, event]
	code = Run(context.Background(), []string{"diverge", path}, &out, &errOut, v2, state{}, WithAgainst(nilApply))
	if code != exitUsage {
		t.Errorf("WithAgainst(nil): exit %d", code)
	}
}

// An apply that changes its state in place, with WithClone: each side
// folds its own copy of the initial state, so the two are told apart.
func TestDivergeClonesTheInitialStateForTheSecondApply(t *testing.T) {
	type event struct{ N int }
	add := func(times int) replay.Apply[map[string]int, event] {
		return func(s map[string]int, ev replay.Event[event]) map[string]int {
			s["n"] += times * ev.Payload.N
			return s
		}
	}
	path := filepath.Join(t.TempDir(), "inplace.jsonl")
	if err := os.WriteFile(path, []byte(`{"stream":"s","seq":1,"payload":{"N":3}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	clone := func(m map[string]int) map[string]int {
		c := make(map[string]int, len(m))
		for k, v := range m {
			c[k] = v
		}
		return c
	}
	code := Run(context.Background(), []string{"diverge", path}, &out, &errOut, add(2), map[string]int{}, WithAgainst(add(1)), WithClone(clone))
	wantCode(t, code, 0, out.String(), errOut.String())
	if !strings.Contains(out.String(), `state["n"]  6      3`) {
		t.Errorf("diverge of in-place applies =\n%s", out.String())
	}
}
