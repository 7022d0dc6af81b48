package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// A log written by an attacker: escape sequences that would set the
// terminal's title (OSC 0), write the clipboard (OSC 52), clear the
// screen, C1 CSI, the bell, and bidirectional overrides (Trojan Source),
// in the stream name, the event type, field names and payload strings.
const (
	hostileStream = "s\x1b]0;TITLE\x07\u202e"
	hostileType   = "open\x1b]52;c;ZXZpbA==\x07\u2066"
	hostileKey    = "name\x1b[2J\u202d"
	hostileValue  = "a\u202eb\u009b31m\x07\u200f"
)

func hostileLog(t *testing.T) string {
	t.Helper()
	line := func(seq int, typ string, payload map[string]any) string {
		b, err := json.Marshal(map[string]any{"stream": hostileStream, "seq": seq, "type": typ, "payload": payload})
		if err != nil {
			t.Fatal(err)
		}
		return string(b) + "\n"
	}
	path := filepath.Join(t.TempDir(), "hostile.jsonl")
	log := line(1, hostileType, map[string]any{hostileKey: hostileValue, "n": 1}) +
		line(2, "t\u202e\u009b", map[string]any{hostileKey: "c\x1b]8;;http://x\x1b\\d", "n": 2})
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// terminalSafe fails t if text holds anything a terminal would act on
// rather than show: ESC, BEL or any C0 control but newline and tab, DEL,
// C1 controls, bidirectional controls, invalid UTF-8.
func terminalSafe(t *testing.T, what, text string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Errorf("%s: invalid UTF-8 in %q", what, text)
	}
	for _, r := range text {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f,
			r == 0x61c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			t.Errorf("%s: %U reached the terminal in %q", what, r, text)
			return
		}
	}
}

func TestHostileLogCannotDriveTheTerminal(t *testing.T) {
	log := hostileLog(t)
	patches := filepath.Join(t.TempDir(), "patches.jsonl")
	os.WriteFile(patches, []byte(`{"stream":"p\u001b]0;x\u0007","type":"x\u202e","payload":[{"op":"remove","path":"/\u001b]0;T\u0007\u202e"}]}`+"\n"), 0o644)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"stream\":\"p\u202e\",\"seq\":\"\u202e\u009b\",\"payload\":1}\n{\"stream\":\"\x1b]0;T\x07\"}\n{\"stream\":\"q\",\"time\":\"\u202e\",\"payload\":1}\n"), 0o644)
	for _, args := range [][]string{
		{"streams", log},
		{"state", log},
		{"state", log, "-s", hostileStream, "--at", "1"},
		{"diff", log},
		{"diff", log, "--from", "0"},
		{"find", log, "--where", "event.seq > 0", "--all"},
		{"find", log, "--where", "event.seq > 0", "--bisect"},
		{"find", log, "--where", "event.seq > 5"},
		{"blame", log, "--path", ".n"},
		{"blame", log, "--path", `.["` + hostileKey + `"]`},
		{"blame", log, "--path", `.["\x1b]0;T\x07"]`},
		{"verify", log},
		{"verify", log, patches, "-s", hostileStream},
		{"state", log, "-s", "\x1b]0;nope\x07"},
		{"-r", "patch", "state", patches},
		{"-r", "jq:error($event.type)", "state", log},
		{"-r", "jq:error($event.payload)", "diff", log},
		{"-r", "jq:.[$event.type] = 1", "state", log},
		{"--skip-bad", "state", log, patches, bad, "-s", hostileStream},
		{"verify", bad},
		{"export", log, "-o", filepath.Join(t.TempDir(), "\x1b]0;T\x07.jsonl")},
	} {
		out, errOut, code := run(t, args...)
		if code == 2 {
			t.Errorf("%q: exit 2 (usage): %s", args, errOut)
		}
		terminalSafe(t, strings.Join(args, " ")+": stdout", out)
		terminalSafe(t, strings.Join(args, " ")+": stderr", errOut)
	}
	// What was escaped is shown, not dropped.
	out, _, _ := run(t, "streams", log)
	if !strings.Contains(out, `s\x1b]0;TITLE\x07\u202e`) {
		t.Errorf("streams shows the name as %q", out)
	}
}

// --json stays exact: every string of the log comes back as it was.
func TestHostileLogJSONIsExact(t *testing.T) {
	log := hostileLog(t)
	for _, tc := range []struct {
		args []string
		want []string // strings that must be in the decoded output
	}{
		{[]string{"streams", log, "--json"}, []string{hostileStream}},
		{[]string{"state", log, "--json", "--at", "1"}, []string{hostileKey, hostileValue}},
		{[]string{"diff", log, "--from", "0", "--to", "1", "--json"}, []string{hostileStream, hostileValue}},
		{[]string{"find", log, "--where", "event.seq == 1", "--json"}, []string{hostileStream, hostileType}},
		{[]string{"blame", log, "--path", ".n", "--json"}, []string{hostileStream, hostileType}},
	} {
		out, errOut, code := run(t, tc.args...)
		wantCode(t, code, 0, out, errOut)
		terminalSafe(t, strings.Join(tc.args, " "), out)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%q: not JSON: %v\n%s", tc.args, err, out)
		}
		found := map[string]bool{}
		collectStrings(v, found)
		for _, s := range tc.want {
			if !found[s] {
				t.Errorf("%q: %q is not in the output %s", tc.args, s, out)
			}
		}
	}
}

// collectStrings gathers every string, member names included, in v and
// in the JSON text of its strings (diff and blame give values as JSON).
func collectStrings(v any, into map[string]bool) {
	switch t := v.(type) {
	case string:
		into[t] = true
		var inner any
		if json.Unmarshal([]byte(t), &inner) == nil {
			collectStrings(inner, into)
		}
	case []any:
		for _, e := range t {
			collectStrings(e, into)
		}
	case map[string]any:
		for k, e := range t {
			into[k] = true
			collectStrings(e, into)
		}
	}
}

func TestCompletionOffersNoHostileStreamName(t *testing.T) {
	log := hostileLog(t)
	os.WriteFile(log, append(must(os.ReadFile(log)), `{"stream":"s-ok","payload":1}`+"\n"...), 0o644)
	t.Setenv("COMP_LINE", "replaytui state "+log+" --stream s")
	t.Setenv("COMP_POINT", "1000")
	out, errOut, code := run(t)
	if code != 0 || out != "s-ok\n" {
		t.Fatalf("completing --stream = %q %q (exit %d)", out, errOut, code)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
