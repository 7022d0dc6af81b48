package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

// seen is what a stand-in for the terminal debugger saw of the log.
type seen struct {
	stream replay.StreamKey
	events int
	err    error
	// What the status bar said when the user quit.
	stopped bool
	note    string
	// session, when set, is what the user did before quitting, instead
	// of paging through the first stream to its end.
	session func(ctx context.Context, cfg tui.Config[any, jsonv.Payload])
}

// withDebugger replaces the terminal debugger with a stand-in that
// records into got what a user would have seen.
func withDebugger(got *seen) Option {
	return Option{apply: func(target any) error {
		target.(*config[any, jsonv.Payload]).debugger = func(ctx context.Context, cfg tui.Config[any, jsonv.Payload]) error {
			defer func() {
				if cfg.Health != nil {
					got.stopped, got.note = cfg.Health()
				}
			}()
			if got.session != nil {
				got.session(ctx, cfg)
				return nil
			}
			got.stream, got.err = cfg.FirstStream(ctx)
			if got.err != nil {
				return nil
			}
			for ev, err := range replay.All(ctx, cfg.Log, got.stream) {
				if err != nil {
					got.err = err
					break
				}
				got.events = int(ev.Seq)
			}
			return nil
		}
		return nil
	}}
}

// runDebugger runs the command line with stdin as standard input and a
// stand-in debugger.
func runDebugger(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int, got *seen) {
	t.Helper()
	return runSession(t, stdin, nil, args...)
}

// runSession is runDebugger with a user who does session.
func runSession(t *testing.T, stdin string, session func(context.Context, tui.Config[any, jsonv.Payload]), args ...string) (stdout, stderr string, code int, got *seen) {
	t.Helper()
	if stdin != "" {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		saved := os.Stdin
		os.Stdin = r
		t.Cleanup(func() { os.Stdin = saved; r.Close() })
		go func() {
			w.WriteString(stdin)
			w.Close()
		}()
	}
	got = &seen{session: session}
	var out, errOut bytes.Buffer
	var empty any = (*jsonv.Object)(nil)
	code = Run(context.Background(), args, &out, &errOut, reduce.Merge, empty, JSON(), withDebugger(got))
	return out.String(), errOut.String(), code, got
}

func TestTheDebuggerReadsStandardInput(t *testing.T) {
	log, err := os.ReadFile(match)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-"}, {"debug", "-"}} {
		out, errOut, code, got := runDebugger(t, string(log), args...)
		wantCode(t, code, 0, out, errOut)
		if got.err != nil || got.stream != "match-17" || got.events != 16 {
			t.Fatalf("%v: the debugger saw %+v", args, got)
		}
	}
	// A mistyped command is still one.
	_, errOut, code, _ := runDebugger(t, "", "stats")
	if code != 2 || !strings.Contains(errOut, `no command or file named "stats"`) {
		t.Fatalf("exit %d, %q", code, errOut)
	}
}

// cutCapture writes the first half of a gzipped log of n events of
// stream s: a capture cut mid-write.
func cutCapture(t *testing.T, n int) (path string, whole int) {
	t.Helper()
	var log strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&log, `{"stream":"s","seq":%d,"payload":{"n":%d}}`+"\n", i, i)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(log.String()))
	zw.Close()
	data := buf.Bytes()[:buf.Len()/2]
	zr, _ := gzip.NewReader(bytes.NewReader(data))
	plain, _ := io.ReadAll(zr)
	path = filepath.Join(t.TempDir(), "capture.jsonl.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, bytes.Count(plain, []byte{'\n'})
}

func TestACutCaptureIsUsableAndTheCutReported(t *testing.T) {
	path, whole := cutCapture(t, 20_000)
	out, errOut, code := run(t, "state", path, "--json")
	wantCode(t, code, 0, out, errOut)
	if out != fmt.Sprintf(`{"n":%d}`+"\n", whole) {
		t.Fatalf("state = %q, want the state after the %d whole lines", out, whole)
	}
	want := fmt.Sprintf("replaytui: warning: %s:%d:", path, whole+1)
	if !strings.HasPrefix(errOut, want) || !strings.Contains(errOut, "the gzip data is cut short or damaged (unexpected EOF)") {
		t.Fatalf("stderr %q, want it to start with %q", errOut, want)
	}
	// The debugger says so too when it quits.
	_, errOut, code, got := runDebugger(t, "", path)
	if code != 0 || got.events != whole || !strings.HasPrefix(errOut, want) {
		t.Fatalf("debug: exit %d, %d events, stderr %q", code, got.events, errOut)
	}
}

func TestTheDebuggerFailsAfterALogThatStoppedAtAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gap.jsonl")
	os.WriteFile(path, []byte(`{"stream":"s","seq":1,"payload":{}}`+"\n"+`{"stream":"s","seq":2,"payload":{}}`+"\n"+`{"stream":"s","seq":4,"payload":{}}`+"\n"), 0o644)
	out, errOut, code, got := runDebugger(t, "", path)
	want := fmt.Sprintf(`replaytui: error: %s:3: stream "s" jumps from seq 2 (%s:2) to seq 4: seqs 3 to 3 are missing`+"\n", path, path)
	if code != 3 || errOut != want || got.events != 2 || !got.stopped || !strings.HasPrefix(got.note, path+":3: ") {
		t.Fatalf("exit %d, saw %+v\nstdout %q\nstderr %q\nwant %q", code, got, out, errOut, want)
	}
}

// waitFor polls cond: what it waits for comes within a few looks at a
// followed file; the deadline only turns a hang into a failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("never %s", what)
			return
		}
	}
}

func TestTheDebuggerFollowingALogSaysWhenItStops(t *testing.T) {
	line := func(seq int) string { return fmt.Sprintf(`{"stream":"s","seq":%d,"payload":{"n":%d}}`+"\n", seq, seq) }
	for _, tc := range []struct {
		name   string
		change func(path string)
		code   int
		stderr string
	}{
		{"a gap", func(path string) {
			f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(line(5))
			f.Close()
		}, 3, `:4: stream "s" jumps from seq 3`},
		{"truncated", func(path string) { os.WriteFile(path, []byte(line(1)), 0o644) }, 0, "live.jsonl was truncated to 41 bytes after 123 had been read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "live.jsonl")
			os.WriteFile(path, []byte(line(1)+line(2)+line(3)), 0o644)
			_, errOut, code, got := runSession(t, "", func(ctx context.Context, cfg tui.Config[any, jsonv.Payload]) {
				if cfg.Health == nil {
					t.Error("the debugger is not told how reading the log goes")
					return
				}
				waitFor(t, "see 3 events", func() bool { n, _ := cfg.Indexed("s"); return n == 3 })
				if stopped, note := cfg.Health(); stopped || note != "" {
					t.Errorf("while following: stopped %v, %q", stopped, note)
				}
				tc.change(path)
				waitFor(t, "stop", func() bool { stopped, _ := cfg.Health(); return stopped })
			}, "--follow", path)
			if code != tc.code || !strings.Contains(errOut, tc.stderr) || !got.stopped || !strings.Contains(got.note, tc.stderr) {
				t.Fatalf("exit %d, status %v %q, stderr %q", code, got.stopped, got.note, errOut)
			}
		})
	}
}

func TestSkipBadOnAnAllBadFileSaysWhatItSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(path, []byte("garbage\n{oops}\n"), 0o644)
	for _, cmd := range []string{"state", "streams", "diff", "export"} {
		_, errOut, _ := run(t, "--skip-bad", cmd, path)
		if !strings.Contains(errOut, "--skip-bad skipped 2 lines") || !strings.Contains(errOut, path+":1:1: expected '{'") {
			t.Errorf("%s: stderr %q", cmd, errOut)
		}
	}
	_, errOut, code, _ := runDebugger(t, "", "--skip-bad", path)
	if code != 0 || !strings.Contains(errOut, "--skip-bad skipped 2 lines") {
		t.Errorf("debug: exit %d, stderr %q", code, errOut)
	}
}
