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
}

// withDebugger replaces the terminal debugger with one that reads the
// first stream as far as it goes, the way a user paging to its end
// would, and then quits.
func withDebugger(got *seen) Option {
	return Option{apply: func(target any) error {
		target.(*config[any, jsonv.Payload]).debugger = func(ctx context.Context, cfg tui.Config[any, jsonv.Payload]) error {
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
	got = &seen{}
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
