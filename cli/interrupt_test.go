package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

func TestARunawayJQReducerEndsWithItsSeqAfterItsTimeBudget(t *testing.T) {
	out, errOut, code := run(t, "state", bank, "-s", "acct-bob", "-r", "jq:def f: f; f", "--apply-timeout", "100ms")
	wantCode(t, code, exitBadInput, out, errOut)
	for _, want := range []string{`stream "acct-bob" seq 1`, "time budget of 100ms per event (--apply-timeout)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q does not say %q", errOut, want)
		}
	}
}

func TestARunawayJQReducerEndsAfterItsMemoryBudget(t *testing.T) {
	out, errOut, code := run(t, "state", bank, "-s", "acct-bob", "-r", "jq:[range(1e9)]", "--apply-timeout", "0", "--apply-memory", "64MiB")
	wantCode(t, code, exitBadInput, out, errOut)
	if !strings.Contains(errOut, "memory budget") || !strings.Contains(errOut, "seq 1") {
		t.Errorf("stderr %q does not name the memory budget and the seq", errOut)
	}
}

func TestInterruptingACommandIsACleanExit130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel) // Ctrl-C, as Main turns SIGINT into a cancelled context
	var out, errOut bytes.Buffer
	var empty any = (*jsonv.Object)(nil)
	code := Run(ctx, []string{"state", bank, "-s", "acct-bob", "-r", "jq:def f: f; f", "--apply-timeout", "0"}, &out, &errOut, reduce.Merge, empty, JSON())
	if code != exitInterrupted || strings.TrimSpace(errOut.String()) != "replaytui: interrupted" {
		t.Fatalf("exit %d, stderr %q; want 130 and one line saying it was interrupted", code, errOut.String())
	}
}

func TestByteSizes(t *testing.T) {
	for text, want := range map[string]int64{"0": 0, "512MiB": 512 << 20, "2GiB": 2 << 30, "1.5KiB": 1536, "1000": 1000, "3 MB": 3e6} {
		if got, err := parseByteSize(text); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-1GiB", "1e30GiB"} {
		if _, err := parseByteSize(bad); err == nil {
			t.Errorf("parseByteSize(%q) accepted it", bad)
		}
	}
	_, errOut, code := run(t, "state", bank, "-s", "acct-bob", "--apply-memory", "lots")
	if code != exitUsage || !strings.Contains(errOut, "512MiB") {
		t.Errorf("a bad --apply-memory: exit %d, %q", code, errOut)
	}
}

func TestAProgramsCollectorIsTunedOnlyIfItAsks(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	type event struct{ N int }
	var seen []int // the percentage each apply ran under
	apply := func(s int, ev replay.Event[event]) int {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		seen = append(seen, p)
		return s + ev.Payload.N
	}
	path := filepath.Join(t.TempDir(), "typed.jsonl")
	if err := os.WriteFile(path, []byte(`{"stream":"s","seq":1,"payload":{"N":3}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	state := func(opts ...Option) int {
		t.Helper()
		seen = nil
		var out, errOut bytes.Buffer
		code := Run(context.Background(), []string{"state", path}, &out, &errOut, apply, 0, opts...)
		wantCode(t, code, 0, out.String(), errOut.String())
		if len(seen) != 1 {
			t.Fatalf("apply ran %d times, want once", len(seen))
		}
		if p := debug.SetGCPercent(100); p != 100 {
			t.Errorf("after the command the percentage is %d, want 100 back", p)
		}
		return seen[0]
	}
	if p := state(); p != 100 {
		t.Errorf("a program that did not ask had its percentage changed to %d", p)
	}
	if p := state(TuneCollector()); p != 200 {
		t.Errorf("with TuneCollector the fold ran under %d, want 200", p)
	}
	t.Setenv("GOGC", "100")
	if p := state(TuneCollector()); p != 100 {
		t.Errorf("GOGC=100 and TuneCollector: the fold ran under %d", p)
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "1GiB")
	if p := state(TuneCollector()); p != 100 {
		t.Errorf("GOMEMLIMIT and TuneCollector: the fold ran under %d", p)
	}
	t.Setenv("GOMEMLIMIT", "")

	// The debugger keeps room above its live heap: with a test's heap,
	// well under the room, the percentage rises above the default.
	debugger := func(opts ...Option) int {
		t.Helper()
		most := 0
		watch := Option{apply: func(target any) error {
			target.(*config[int, event]).debugger = func(context.Context, tui.Config[int, event]) error {
				for deadline := time.Now().Add(time.Second); most <= 100 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
					p := debug.SetGCPercent(100)
					debug.SetGCPercent(p)
					most = max(most, p)
				}
				return nil
			}
			return nil
		}}
		var out, errOut bytes.Buffer
		code := Run(context.Background(), []string{path}, &out, &errOut, apply, 0, append(opts, watch)...)
		wantCode(t, code, 0, out.String(), errOut.String())
		if p := debug.SetGCPercent(100); p != 100 {
			t.Errorf("after the debugger the percentage is %d, want 100 back", p)
		}
		return most
	}
	if p := debugger(TuneCollector()); p <= 100 {
		t.Errorf("with TuneCollector the debugger ran under at most %d, want more than 100", p)
	}
	t.Setenv("GOGC", "100")
	if p := debugger(TuneCollector()); p != 100 {
		t.Errorf("GOGC=100 and TuneCollector: the debugger ran under %d", p)
	}
}
