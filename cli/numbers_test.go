package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Numbers float64 cannot hold come out of every command as the log wrote
// them, whatever the reducer, as long as it only carries them.
func TestNumbersBeyondFloat64StayExact(t *testing.T) {
	log := filepath.Join(t.TempDir(), "big.jsonl")
	os.WriteFile(log, []byte(`{"stream":"a","payload":{"i":12345678901234567890123,"h":1e400,"f":0.1000000000000000000001}}`+"\n"+
		`{"stream":"a","payload":{"t":1e-400,"n":1}}`+"\n"), 0o644)
	const want = `{"f":0.1000000000000000000001,"h":1e400,"i":12345678901234567890123,"n":1,"t":1e-400}`
	for _, args := range [][]string{
		{"state", log, "--json"},              // the accumulator's fold
		{"state", log, "-s", "a", "--json"},   // the same, read ahead by stream
		{"state", log, "--at", "2", "--json"}, // replay.Replay
		{"-r", "jq:. * $event.payload", "state", log, "--json"},
	} {
		out, errOut, code := run(t, args...)
		wantCode(t, code, 0, out, errOut)
		if out != want+"\n" {
			t.Errorf("%q = %s, want %s", args, out, want)
		}
	}
	out, errOut, code := run(t, "diff", log, "--from", "0", "--to", "1")
	wantCode(t, code, 0, out, errOut)
	for _, s := range []string{"+ .i  12345678901234567890123", "+ .h  1e400", "+ .f  0.1000000000000000000001"} {
		if !strings.Contains(out, s) {
			t.Errorf("diff lacks %q:\n%s", s, out)
		}
	}
	// Conditions compute in float64: 1e400 is +Inf there.
	out, errOut, code = run(t, "find", log, "--where", "state.h > 1e308 && state.i > 1e22")
	wantCode(t, code, 0, out, errOut)
	if !strings.HasPrefix(out, "seq 1\t") {
		t.Errorf("find = %q", out)
	}
}
