package jsonl_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/replaytui/replaytui/sources/jsonl"
)

func openErr(paths []string) (*jsonl.Log, error) { return jsonl.Open(paths, jsonl.Options{}) }

func lines(stream string, from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, `{"stream":%q,"seq":%d,"payload":{"n":%d}}`+"\n", stream, i, i)
	}
	return b.String()
}

func compressed(t *testing.T, name, content string) string {
	t.Helper()
	var buf bytes.Buffer
	switch filepath.Ext(name) {
	case ".gz":
		w := gzip.NewWriter(&buf)
		w.Write([]byte(content))
		w.Close()
	case ".zst":
		w, _ := zstd.NewWriter(&buf)
		w.Write([]byte(content))
		w.Close()
	}
	return write(t, name, buf.String())
}

func TestOpensCompressedFilesAndConcatenates(t *testing.T) {
	paths := []string{
		compressed(t, "a.jsonl.gz", lines("s", 1, 1000)),
		compressed(t, "b.jsonl.zst", lines("s", 1001, 2000)),
		write(t, "c.ndjson", lines("s", 2001, 2500)+lines("t", 1, 3)),
	}
	l := open(t, jsonl.Options{}, paths...)
	ctx := context.Background()
	last, err := l.LastSeq(ctx, "s")
	if err != nil || last != 2500 {
		t.Fatalf("Latest = %d, %v", last, err)
	}
	events, err := l.Read(ctx, "s", 995, 10)
	if err != nil || len(events) != 10 {
		t.Fatalf("Read across the gz/zst boundary: %d events, %v", len(events), err)
	}
	for i, ev := range events {
		if want := fmt.Sprintf(`{"n":%d}`, 995+i); string(ev.Payload.Value) != want {
			t.Fatalf("seq %d payload %s, want %s", ev.Seq, ev.Payload.Value, want)
		}
	}
	infos, _ := l.StreamInfos(ctx)
	if len(infos) != 2 {
		t.Fatalf("StreamInfos = %+v", infos)
	}
	first0, _, err0 := l.RawLine(ctx, infos[0].Key, 1)
	first1, _, err1 := l.RawLine(ctx, infos[1].Key, 1)
	if err0 != nil || err1 != nil || !strings.HasSuffix(first0.String(), "a.jsonl.gz:1") || !strings.HasSuffix(first1.String(), "c.ndjson:501") {
		t.Fatalf("first lines of the streams: %v %v, %v %v", first0, err0, first1, err1)
	}
}

func TestALineInACompressedFileIsNamedByItsFile(t *testing.T) {
	path := compressed(t, "bad.jsonl.gz", lines("s", 1, 3)+"{oops}\n")
	err := open(t, jsonl.Options{}, path).Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl.gz:4:2: expected a member name") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadsStandardInput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = stdin }()
	go func() {
		w.Write([]byte(lines("s", 1, 5000)))
		w.Close()
	}()
	l := open(t, jsonl.Options{}, "-")
	events, err := l.Read(context.Background(), "s", 4990, 20)
	if err != nil || len(events) != 11 || string(events[10].Payload.Value) != `{"n":5000}` {
		t.Fatalf("Read from stdin = %d events, %v", len(events), err)
	}
}

func TestFirstEventsAreReadableBeforeIndexingEnds(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = stdin }()
	// More than a chunk, then the writer stalls: the index cannot be done.
	go w.Write([]byte(lines("s", 1, 60_000)))
	l := open(t, jsonl.Options{}, "-")
	events, err := l.Read(context.Background(), "s", 1, 50)
	if err != nil || len(events) != 50 {
		t.Fatalf("first screen: %d events, %v", len(events), err)
	}
	if st := l.Stats(); st.Done {
		t.Fatal("the index finished although its input is still open")
	}
	w.Write([]byte(lines("s", 60_001, 60_002)))
	w.Close()
	if last, err := l.LastSeq(context.Background(), "s"); err != nil || last != 60_002 {
		t.Fatalf("Latest = %d, %v", last, err)
	}
}

func TestOpenErrors(t *testing.T) {
	for _, paths := range [][]string{{filepath.Join(t.TempDir(), "missing.jsonl")}, {t.TempDir()}, nil} {
		if _, err := openErr(paths); err == nil {
			t.Errorf("Open(%v) succeeded", paths)
		}
	}
}

func TestFollowSeesLinesAppendedLater(t *testing.T) {
	path := write(t, "live.jsonl", lines("s", 1, 3))
	l, err := jsonl.Open([]string{path}, jsonl.Options{Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	waitIndexed := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); ; {
			if n, done := l.Indexed("s"); int(n) >= want {
				if done {
					t.Fatal("a followed log says it is complete")
				}
				return
			}
			if time.Now().After(deadline) {
				n, _ := l.Indexed("s")
				t.Fatalf("%d events indexed, want %d", n, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitIndexed(3)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(lines("s", 4, 5))
	f.WriteString(`{"stream":"s","seq":6,"pay`) // a line being written
	waitIndexed(5)
	f.WriteString(`load":{"n":6}}` + "\n")
	f.Close()
	waitIndexed(6)
	events, err := l.Read(context.Background(), "s", 4, 10)
	if err != nil || len(events) != 3 || string(events[2].Payload.Value) != `{"n":6}` {
		t.Fatalf("events %+v, %v", events, err)
	}
}
