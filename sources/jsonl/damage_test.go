package jsonl_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/replaytui/replaytui/sources/jsonl"
)

// zstdEncoder is made once: making one takes longer than most fuzzed
// inputs take to open.
var zstdEncoder, _ = zstd.NewWriter(nil)

// compress returns content compressed as format ("gz" or "zst").
func compress(t testing.TB, format, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch format {
	case "gz":
		w = gzip.NewWriter(&buf)
	case "zst":
		return zstdEncoder.EncodeAll([]byte(content), nil)
	}
	if _, err := io.WriteString(w, content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wholeLines is how many complete lines a decompressor gets out of data
// before it fails, as gzip -dc would.
func wholeLines(t testing.TB, format string, data []byte) int {
	t.Helper()
	var r io.Reader
	var err error
	switch format {
	case "gz":
		r, err = gzip.NewReader(bytes.NewReader(data))
	case "zst":
		var zr *zstd.Decoder
		zr, err = zstd.NewReader(bytes.NewReader(data))
		if err == nil {
			defer zr.Close()
		}
		r = zr
	}
	if err != nil {
		return 0
	}
	out, _ := io.ReadAll(r)
	return bytes.Count(out, []byte{'\n'})
}

func TestADamagedCompressedFileKeepsItsCompleteLines(t *testing.T) {
	content := lines("s", 1, 20_000)
	for _, format := range []string{"gz", "zst"} {
		whole := compress(t, format, content)
		for _, cut := range []int{len(whole) / 3, len(whole) / 2, len(whole) - 1, 5} {
			t.Run(fmt.Sprintf("%s cut at %d", format, cut), func(t *testing.T) {
				path := write(t, "capture.jsonl."+format, string(whole[:cut]))
				want := wholeLines(t, format, whole[:cut])
				for range 3 { // the same count every time
					l := open(t, jsonl.Options{}, path)
					if err := l.Wait(context.Background()); err != nil {
						t.Fatalf("a cut capture is not usable: %v", err)
					}
					st := l.Stats()
					if st.Events != want {
						t.Fatalf("%d events, want the %d whole lines", st.Events, want)
					}
					d := st.Truncated
					if d == nil || d.Line != want+1 || d.Column < 1 || !errors.Is(d, io.ErrUnexpectedEOF) ||
						!strings.Contains(d.Error(), fmt.Sprintf("after %d of the file's %d bytes", cut, cut)) ||
						!strings.Contains(d.Error(), fmt.Sprintf("the %d lines before this one are usable", want)) {
						t.Fatalf("the damage is reported as %v", d)
					}
					if want > 0 {
						events, err := l.Read(context.Background(), "s", 1, want+10)
						if err != nil || len(events) != want || string(events[want-1].Payload.Value) != fmt.Sprintf(`{"n":%d}`, want) {
							t.Fatalf("reading the usable events: %d, %v", len(events), err)
						}
					}
				}
			})
		}
	}
}

func TestADamagedFileIsReportedAndTheNextFileRead(t *testing.T) {
	whole := compress(t, "gz", lines("s", 1, 5000))
	cut := write(t, "a.jsonl.gz", string(whole[:len(whole)/2]))
	want := wholeLines(t, "gz", whole[:len(whole)/2])
	next := write(t, "b.jsonl", lines("t", 1, 3))
	l := open(t, jsonl.Options{}, cut, next)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.Events != want+3 || st.Truncated == nil || !strings.HasPrefix(st.Truncated.Error(), cut+":") {
		t.Fatalf("stats %+v", st)
	}
}
