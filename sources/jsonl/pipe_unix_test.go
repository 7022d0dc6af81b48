//go:build unix

// Pipes, FIFOs and unlinked temporary files are Unix things.

package jsonl_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

func gzipped(t testing.TB, content string) string {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write([]byte(content))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestNoTemporaryFileIsLeftBehind(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	path := compressed(t, "capture.jsonl.gz", lines("s", 1, 100))
	l := open(t, jsonl.Options{}, path)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// While the log is open, as when the process is killed: nothing in
	// the temporary directory.
	if names, _ := filepath.Glob(filepath.Join(tmp, "*")); len(names) != 0 {
		t.Fatalf("left in TMPDIR: %v", names)
	}
	if events, err := l.Read(context.Background(), "s", 100, 1); err != nil || len(events) != 1 {
		t.Fatalf("reading back from the copy: %v, %v", events, err)
	}
}

// readsLikeAFile checks that a log opened from a stream holds what the
// same lines hold in a file.
func readsLikeAFile(t *testing.T, path string, write func(io.Writer)) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		write(f)
		f.Close()
	}()
	l := open(t, jsonl.Options{}, path)
	last, err := l.LastSeq(context.Background(), "s")
	var events []replay.Event[jsonv.Payload]
	if err == nil {
		events, err = l.Read(context.Background(), "s", 2999, 5)
	}
	l.Close() // a writer still blocked on a full pipe gets an error
	<-done
	if err != nil || last != 3000 {
		t.Fatalf("LastSeq = %d, %v; want 3000", last, err)
	}
	if len(events) != 2 || string(events[1].Payload.Value) != `{"n":3000}` {
		t.Fatalf("Read = %+v", events)
	}
}

func TestReadsAFIFOByPath(t *testing.T) {
	for _, format := range []string{"plain", "gz"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
			content := []byte(lines("s", 1, 3000))
			if format == "gz" {
				content = []byte(gzipped(t, string(content)))
			}
			readsLikeAFile(t, path, func(w io.Writer) { w.Write(content) })
		})
	}
}

func TestReadsAPipeByPath(t *testing.T) {
	// As /dev/stdin or <(cat log) name a pipe.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	path := fmt.Sprintf("/dev/fd/%d", r.Fd())
	go func() {
		w.Write([]byte(lines("s", 1, 3000)))
		w.Close()
	}()
	l := open(t, jsonl.Options{}, path)
	last, err := l.LastSeq(context.Background(), "s")
	l.Close() // a writer still blocked on a full pipe gets an error
	if err != nil || last != 3000 {
		t.Fatalf("LastSeq = %d, %v; want 3000", last, err)
	}
}

// FuzzOpenPipe checks that any log read from a pipe named by its path
// (as /dev/stdin or <(…) are) holds what the same bytes hold in a file:
// the same events, lines, problems and error.
func FuzzOpenPipe(f *testing.F) {
	for _, s := range []string{
		lines("s", 1, 3),
		lines("s", 1, 2) + `{"stream":"s","seq":3,"pay`, // cut short
		"\n\n" + lines("s", 1, 1) + "\r\n\n",
		lines("s", 1, 1) + lines("s", 3, 3), // a gap
		"garbage\n",
		gzipped(f, lines("s", 1, 50)),
		gzipped(f, lines("s", 1, 50))[:40], // a cut capture
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		file := filepath.Join(dir, "log")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		go func() {
			w.Write(data)
			w.Close()
		}()
		pipe := fmt.Sprintf("/dev/fd/%d", r.Fd())
		fromPipe, fromFile := openAll(t, pipe), openAll(t, file)
		fromPipe.err = strings.ReplaceAll(fromPipe.err, pipe, file)
		same := fromPipe.events == fromFile.events && fromPipe.lines == fromFile.lines && fromPipe.err == fromFile.err &&
			(fromPipe.damage == nil) == (fromFile.damage == nil)
		if same && fromPipe.damage != nil {
			same = fromPipe.damage.Line == fromFile.damage.Line && fromPipe.damage.Column == fromFile.damage.Column
		}
		if !same {
			t.Fatalf("from a pipe %+v, from a file %+v", fromPipe, fromFile)
		}
	})
}
