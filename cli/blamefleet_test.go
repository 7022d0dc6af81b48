package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// blameLog writes a log of three streams under the default reducer: x's
// hp is set at seq 1 and changed at seq 2, then x changes only mp; y
// never has an hp; w's two players' hp both change at seq 2.
func blameLog(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "game.jsonl")
	lines := []string{
		`{"stream":"x","seq":1,"time":"2026-01-01","type":"spawn","payload":{"hp":10}}`,
		`{"stream":"y","seq":1,"time":"2026-01-01","payload":{"mp":3}}`,
		`{"stream":"x","seq":2,"time":"2026-01-02","type":"hit","payload":{"hp":7}}`,
		`{"stream":"w","seq":1,"time":"2026-01-02","payload":{"players":{"ana":{"hp":1},"bob":{"hp":2}}}}`,
		`{"stream":"x","seq":3,"time":"2026-01-03","payload":{"mp":1}}`,
		`{"stream":"w","seq":2,"time":"2026-01-04","payload":{"players":{"ana":{"hp":0},"bob":{"hp":2}}}}`,
		`{"stream":"w","seq":3,"time":"2026-01-05","payload":{"players":{"ana":{"hp":4},"bob":{"hp":5}}}}`,
		`{"stream":"y","seq":2,"time":"2026-01-05","payload":{"mp":4}}`,
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBlameOverEveryStream(t *testing.T) {
	log := blameLog(t)
	out, errOut, code := run(t, "blame", log, "--path", ".hp")
	wantCode(t, code, 0, out, errOut)
	want := "STREAM  SEQ  TIME                  EVENT  PATH  CHANGE\n" +
		"x       2    2026-01-02T00:00:00Z  hit    .hp   10 → 7\n"
	if out != want {
		t.Fatalf("blame over every stream =\n%s\nwant\n%s", out, want)
	}
	if !strings.HasPrefix(errOut, "changed in 1 of 3 streams; 8 events folded in ") {
		t.Errorf("summary = %q", errOut)
	}

	// The last event that changed the players changed both: a row each.
	out, _, code = run(t, "blame", log, "--path", ".players")
	want = "STREAM  SEQ  TIME                  EVENT  PATH             CHANGE\n" +
		"w       3    2026-01-05T00:00:00Z  -      .players.ana.hp  0 → 4\n" +
		"w       3    2026-01-05T00:00:00Z  -      .players.bob.hp  2 → 5\n"
	if code != 0 || out != want {
		t.Fatalf("blame .players (exit %d) =\n%s\nwant\n%s", code, out, want)
	}

	// --at: each stream as of seq 2: ana's hp last changed at w's seq 2,
	// bob's when the players were added at seq 1.
	out, _, code = run(t, "blame", log, "--path", ".players.bob.hp", "--at", "2")
	if code != 0 || !strings.Contains(out, "\nw       1  ") || !strings.Contains(out, `.players  + {"ana":{"hp":1},"bob":{"hp":2}}`) {
		t.Fatalf("blame .players.bob.hp --at 2 (exit %d) =\n%s", code, out)
	}
	out, _, code = run(t, "blame", log, "--path", ".hp", "--at", "1")
	if code != 0 || !strings.Contains(out, "\nx       1  ") || !strings.Contains(out, "+ 10") {
		t.Fatalf("blame .hp --at 1 (exit %d) =\n%s", code, out)
	}
	out, _, code = run(t, "blame", log, "--path", ".players.ana.hp", "--at", "2")
	if code != 0 || !strings.Contains(out, "\nw       2  ") || !strings.Contains(out, "1 → 0") {
		t.Fatalf("blame .players.ana.hp --at 2 (exit %d) =\n%s", code, out)
	}
}

// TestBlameOverEveryStreamAnswersAsEachStreamAlone checks each stream's
// row against the last change blame --stream lists, and that a stream
// left out is one where blame --stream finds no change.
func TestBlameOverEveryStreamAnswersAsEachStreamAlone(t *testing.T) {
	log := blameLog(t)
	for _, path := range []string{".hp", ".mp", ".players", ".players.ana.hp", ".players.ana"} {
		out, errOut, code := run(t, "blame", log, "--path", path, "--json")
		wantCode(t, code, 0, out, errOut)
		var all struct {
			Path    string
			Streams int
			Events  int
			Changes []map[string]any
			Errors  []any
		}
		if err := json.Unmarshal([]byte(out), &all); err != nil {
			t.Fatalf("blame --json = %s: %v", out, err)
		}
		if all.Path != path || all.Streams != 3 || all.Events != 8 || len(all.Errors) != 0 || len(all.Changes) == 0 {
			t.Fatalf("blame %s --json = %s", path, out)
		}
		byStream := map[string][]map[string]any{}
		for _, ch := range all.Changes {
			stream := ch["stream"].(string)
			delete(ch, "stream")
			byStream[stream] = append(byStream[stream], ch)
		}
		for _, stream := range []string{"w", "x", "y"} {
			out, _, code := run(t, "blame", log, "-s", stream, "--path", path, "--json")
			var alone struct{ Changes []map[string]any }
			if err := json.Unmarshal([]byte(out), &alone); err != nil {
				t.Fatalf("blame -s %s --json = %s: %v", stream, out, err)
			}
			var last []map[string]any
			for _, ch := range alone.Changes {
				if ch["summary"] == "" {
					delete(ch, "summary") // every stream's --json leaves it out
				}
			}
			for i, ch := range alone.Changes {
				if ch["seq"] == alone.Changes[len(alone.Changes)-1]["seq"] {
					last = alone.Changes[i:]
					break
				}
			}
			if (code == 1) != (len(byStream[stream]) == 0) || !reflect.DeepEqual(byStream[stream], last) {
				t.Errorf("blame %s: every stream says %v for %s; the stream alone (exit %d) ends with %v", path, byStream[stream], stream, code, last)
			}
		}
	}
}

func TestBlameOverEveryStreamExitsOneWhenNothingChanged(t *testing.T) {
	log := blameLog(t)
	out, errOut, code := run(t, "blame", log, "--path", ".nothing")
	wantCode(t, code, 1, out, errOut)
	if out != "" || !strings.Contains(errOut, "changed in 0 of 3 streams; 8 events folded") || !strings.Contains(errOut, "no event of any stream changed .nothing") {
		t.Fatalf("nothing changed: stdout %q stderr %q", out, errOut)
	}
	out, _, code = run(t, "blame", log, "--path", ".nothing", "--json")
	if code != 1 || !strings.Contains(out, `"changes":[],"errors":[]`) {
		t.Fatalf("nothing changed --json = %s (exit %d)", out, code)
	}
	out, _, code = run(t, "blame", log, "--path", ".hp", "--at", "0")
	if code != 1 || out != "" {
		t.Fatalf("blame --at 0 over every stream = %q (exit %d)", out, code)
	}
}

func TestBlameOverEveryStreamReportsAStreamThatFails(t *testing.T) {
	good, bad := fleetLog(t)
	out, errOut, code := run(t, "-r", sumTotal, "blame", good, bad, "--path", ".total")
	wantCode(t, code, 3, out, errOut)
	for _, row := range []string{"\na       3  ", "\nb       3  ", "\nc       3  ", "\ne       1  "} {
		if !strings.Contains(out, row) {
			t.Errorf("no row %q in\n%s", row, out)
		}
	}
	if strings.Contains(out, "\nd ") || !strings.Contains(out, "  20 → 30\n") {
		t.Errorf("the other streams' answers =\n%s", out)
	}
	if !strings.Contains(errOut, `stream "d": `) || !strings.Contains(errOut, "changed in 4 of 5 streams") || !strings.Contains(errOut, "1 of 5 streams could not be blamed") {
		t.Errorf("stderr = %q", errOut)
	}
	out, _, code = run(t, "-r", sumTotal, "blame", good, bad, "--path", ".total", "--json")
	if code != 3 || !strings.Contains(out, `"errors":[{"stream":"d","error":"`) || !strings.Contains(out, `{"stream":"c","seq":3,"time":"2026-01-03T00:00:00Z","path":".total","kind":"changed","old":2,"new":3}`) {
		t.Fatalf("a failing stream in --json = %s (exit %d)", out, code)
	}
}

func TestBlameAllStreamsOnALogOfOneStream(t *testing.T) {
	one := filepath.Join(t.TempDir(), "one.jsonl")
	os.WriteFile(one, []byte(`{"stream":"only","seq":1,"payload":{"n":1}}`+"\n"+`{"stream":"only","seq":2,"payload":{"n":2}}`+"\n"), 0o644)
	out, _, code := run(t, "blame", one, "--path", ".n")
	if code != 0 || !strings.HasPrefix(out, "seq 1") || !strings.Contains(out, "\nseq 2") {
		t.Fatalf("blame on one stream = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "blame", one, "--path", ".n", "--all-streams")
	if code != 0 || out != "STREAM  SEQ  TIME  EVENT  PATH  CHANGE\nonly    2    -     -      .n    1 → 2\n" {
		t.Fatalf("blame --all-streams on one stream = %q (exit %d)", out, code)
	}
	_, errOut, code := run(t, "blame", one, "-s", "only", "--path", ".n", "--all-streams")
	if code != 2 || !strings.Contains(errOut, "--all-streams blames every stream") {
		t.Fatalf("--all-streams with --stream: exit %d %q", code, errOut)
	}
}
