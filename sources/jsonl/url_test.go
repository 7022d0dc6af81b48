package jsonl_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

func TestIsURL(t *testing.T) {
	for name, want := range map[string]bool{
		"s3://bucket/a.jsonl":     true,
		"file:///tmp/a.jsonl":     true,
		"azblob://c/a.jsonl.gz":   true,
		"a.jsonl":                 false,
		"-":                       false,
		"C://x/a.jsonl":           false,
		"dir/s3://a.jsonl":        false,
		"/tmp/x://y":              false,
		"git+ssh://host/a.jsonl":  true,
		"./relative/a.jsonl.gz":   false,
		"1s://not/a/scheme.jsonl": false,
	} {
		if got := jsonl.IsURL(name); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSplitURL(t *testing.T) {
	for raw, want := range map[string][2]string{
		"s3://bucket/logs/a.jsonl.gz?region=eu-west-1": {"s3://bucket?region=eu-west-1", "logs/a.jsonl.gz"},
		"file:///var/log/a.jsonl":                      {"file:///var/log/", "a.jsonl"},
		"mem://logs/day%201.jsonl":                     {"mem://logs", "day 1.jsonl"},
	} {
		b, k, err := jsonl.SplitURL(raw)
		if err != nil || b != want[0] || k != want[1] {
			t.Errorf("SplitURL(%q) = %q, %q, %v; want %q, %q", raw, b, k, err, want[0], want[1])
		}
	}
	if _, _, err := jsonl.SplitURL("s3://bucket/logs/"); err == nil || !strings.Contains(err.Error(), "not an object") {
		t.Errorf("a folder: %v", err)
	}
}

// everything reads every stream of a log whole.
func everything(t *testing.T, l *jsonl.Log) map[replay.StreamKey][]string {
	t.Helper()
	ctx := context.Background()
	infos, err := l.StreamInfos(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := map[replay.StreamKey][]string{}
	for _, info := range infos {
		events, err := l.Read(ctx, info.Key, 1, info.Events+1)
		if err != nil || len(events) != info.Events {
			t.Fatalf("stream %q: %d events of %d, %v", info.Key, len(events), info.Events, err)
		}
		for _, ev := range events {
			line, err := jsonl.MarshalLine(ev)
			if err != nil {
				t.Fatal(err)
			}
			all[info.Key] = append(all[info.Key], string(line))
		}
	}
	return all
}

func TestAURLReadsAsTheFileDoes(t *testing.T) {
	bank, err := os.ReadFile("../../testdata/bank.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	plain := write(t, "bank.jsonl", string(bank))
	gz := compressed(t, "bank.jsonl.gz", string(bank))
	want := everything(t, open(t, jsonl.Options{}, plain))

	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	ctx := context.Background()
	for key, path := range map[string]string{"bank.jsonl": plain, "bank.jsonl.gz": gz} {
		data, _ := os.ReadFile(path)
		if err := mem.WriteAll(ctx, key, data, nil); err != nil {
			t.Fatal(err)
		}
	}
	inMemory := jsonl.Options{OpenBucket: func(_ context.Context, bucketURL string) (*blob.Bucket, error) {
		if bucketURL != "mem://logs" {
			t.Errorf("bucket %q, want mem://logs", bucketURL)
		}
		return mem, nil
	}}
	for _, c := range []struct {
		url  string
		opts jsonl.Options
	}{
		{"file://" + filepath.ToSlash(plain), jsonl.Options{}},
		{"file://" + filepath.ToSlash(gz), jsonl.Options{}},
		{"mem://logs/bank.jsonl", inMemory},
		{"mem://logs/bank.jsonl.gz", inMemory},
	} {
		l, err := jsonl.Open([]string{c.url}, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.url, err)
		}
		if got := everything(t, l); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the events differ from the file's", c.url)
		}
		st := l.Stats()
		if plainObject := !strings.HasSuffix(c.url, ".gz"); plainObject && st.BytesTotal != int64(len(bank)) {
			t.Errorf("%s: BytesTotal = %d, want the object's size %d (for the progress shown)", c.url, st.BytesTotal, len(bank))
		}
		stored, _ := os.Stat(plain)
		if strings.HasSuffix(c.url, ".gz") {
			stored, _ = os.Stat(gz)
		}
		if read, total := l.ReadProgress(); read != stored.Size() || total != stored.Size() {
			t.Errorf("%s: ReadProgress = %d of %d, want all %d bytes as stored", c.url, read, total, stored.Size())
		}
		if err := l.Close(); err != nil {
			t.Errorf("%s: close: %v", c.url, err)
		}
	}
	// The bucket OpenBucket gave is the caller's: still open.
	if _, err := mem.ReadAll(ctx, "bank.jsonl"); err != nil {
		t.Errorf("the caller's bucket was closed with the log: %v", err)
	}
}

func TestAMissingObjectIsNamed(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ url, want string }{
		{"file://" + filepath.ToSlash(dir) + "/nope.jsonl", "no such object"},
		{"file://" + filepath.ToSlash(dir) + "/", "not an object"},
		{"mem://b/nope.jsonl", "no such object"},
		{"s3x://bucket/a.jsonl", "not a scheme replaytui knows"},
	} {
		_, err := jsonl.Open([]string{c.url}, jsonl.Options{})
		if err == nil || !strings.Contains(err.Error(), c.url) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want the URL and %q", c.url, err, c.want)
		}
	}
	tb := newTestBucket(lines("s", 1, 10))
	tb.denied = true
	_, err := jsonl.Open([]string{"test://b/log.jsonl"}, jsonl.Options{OpenBucket: tb.open})
	if err == nil || !strings.Contains(err.Error(), "not allowed") || !strings.Contains(err.Error(), "AWS_") {
		t.Errorf("permission denied: %v", err)
	}
	_, err = jsonl.Open([]string{"test://b/log.jsonl"}, jsonl.Options{OpenBucket: tb.open, Follow: true})
	if err == nil || !strings.Contains(err.Error(), "cannot be followed") {
		t.Errorf("followed: %v", err)
	}
}

func TestAnObjectShowsItsFirstEventsBeforeItIsRead(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 20000; i++ {
		b.WriteString(lines("a", i, i))
		b.WriteString(lines("b", i, i))
	}
	content := b.String()
	tb := newTestBucket(content)
	tb.gateAt = 256 << 10 // the one pass through the object stops here
	tb.gate = make(chan struct{})
	l, err := jsonl.Open([]string{"test://b/log.jsonl"}, jsonl.Options{OpenBucket: tb.open})
	if err != nil {
		t.Fatal(err)
	}
	gateOpen := false
	defer func() {
		if !gateOpen {
			close(tb.gate) // or Close would wait for a read held back for ever
		}
		l.Close()
	}()
	ctx := context.Background()
	key, _, err := l.FirstStream(ctx)
	if err != nil || key != "a" {
		t.Fatalf("FirstStream = %q, %v", key, err)
	}
	events, err := l.Read(ctx, key, 1, 100)
	if err != nil || len(events) != 100 || events[99].Seq != 100 {
		t.Fatalf("the first screen: %d events, %v", len(events), err)
	}
	st := l.Stats()
	if st.Done || st.BytesIndexed >= int64(len(content)) {
		t.Fatalf("indexing went past the gate: %+v", st)
	}
	streamed, ranged := tb.counts()
	if ranged == 0 || ranged > int64(len(content))/20 {
		t.Errorf("the first screen read %d bytes by range reads, of a %d-byte object: want some, and far fewer", ranged, len(content))
	}
	if streamed > tb.gateAt {
		t.Errorf("streamed %d bytes past the gate at %d", streamed, tb.gateAt)
	}
	close(tb.gate)
	gateOpen = true
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if last, _ := l.LastSeq(ctx, "b"); last != 20000 {
		t.Errorf("LastSeq(b) = %d", last)
	}
	if streamed, _ := tb.counts(); streamed != int64(len(content)) {
		t.Errorf("indexing streamed %d bytes of %d: want the object once", streamed, len(content))
	}
	events, err = l.Read(ctx, "b", 19990, 11)
	if err != nil || len(events) != 11 || events[10].Seq != 20000 {
		t.Errorf("the end of stream b: %d events, %v", len(events), err)
	}
}

func TestAReadThatFailsMidwayIsMadeAgain(t *testing.T) {
	content := lines("s", 1, 30000)
	tb := newTestBucket(content)
	tb.failAt, tb.failures = 100<<10, 2 // the connection drops, twice, then recovers
	l, err := jsonl.Open([]string{"test://b/log.jsonl"}, jsonl.Options{OpenBucket: tb.open})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Wait(context.Background()); err != nil {
		t.Fatalf("a read that failed twice: %v", err)
	}
	if last, _ := l.LastSeq(context.Background(), "s"); last != 30000 {
		t.Errorf("LastSeq = %d", last)
	}

	tb = newTestBucket(content)
	tb.failAt, tb.failures = 100<<10, 1000 // the network is gone
	l, err = jsonl.Open([]string{"test://b/log.jsonl"}, jsonl.Options{OpenBucket: tb.open})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = l.Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "test://b/log.jsonl") || !strings.Contains(err.Error(), "reading at byte") || !errors.Is(err, errNetwork) {
		t.Fatalf("a read that always fails: %v", err)
	}
	// The events before it are readable.
	if events, err := l.Read(context.Background(), "s", 1, 10); err != nil || len(events) != 10 {
		t.Errorf("the events before the failure: %d, %v", len(events), err)
	}
}

func TestAnObjectReplacedWhileReadIsNoticed(t *testing.T) {
	tb := newTestBucket(lines("s", 1, 20000))
	tb.gateAt, tb.gate = 64<<10, make(chan struct{})
	l, err := jsonl.Open([]string{"test://b/log.jsonl"}, jsonl.Options{OpenBucket: tb.open})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	if events, err := l.Read(ctx, "s", 1, 10); err != nil || len(events) != 10 {
		t.Fatalf("before: %d events, %v", len(events), err)
	}
	tb.replace(lines("s", 1, 30000))
	close(tb.gate)
	// The pass through it goes on (its reader is the old object's), but
	// lines not yet read back come from the new one: refused.
	l.Wait(ctx)
	_, err = l.Read(ctx, "s", 15000, 10)
	if err == nil || !strings.Contains(err.Error(), "replaced while it was read") {
		t.Errorf("a read of a replaced object: %v", err)
	}
}

var (
	errNotFound = errors.New("no such key")
	errDenied   = errors.New("access denied")
	errNetwork  = errors.New("connection reset")
)

// testBucket is a bucket of one object that counts what is read of it,
// and can hold back or break the reading of it whole.
type testBucket struct {
	data   []byte
	denied bool
	gate   chan struct{} // closed to let a whole read go past gateAt
	gateAt int64

	mu       sync.Mutex
	failAt   int64 // a whole read fails here, failures times
	failures int
	streamed int64 // bytes of reads of the object from an offset to its end
	ranged   int64 // bytes of range reads
}

func newTestBucket(content string) *testBucket { return &testBucket{data: []byte(content)} }

func (b *testBucket) open(context.Context, string) (*blob.Bucket, error) {
	return blob.NewBucket(b), nil
}

func (b *testBucket) counts() (streamed, ranged int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.streamed, b.ranged
}

func (b *testBucket) ErrorCode(err error) gcerrors.ErrorCode {
	switch {
	case errors.Is(err, errNotFound):
		return gcerrors.NotFound
	case errors.Is(err, errDenied):
		return gcerrors.PermissionDenied
	}
	return gcerrors.Unknown
}

func (b *testBucket) As(any) bool             { return false }
func (b *testBucket) ErrorAs(error, any) bool { return false }
func (b *testBucket) Close() error            { return nil }

func (b *testBucket) Attributes(_ context.Context, key string) (*driver.Attributes, error) {
	if key != "log.jsonl" {
		return nil, errNotFound
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return &driver.Attributes{Size: int64(len(b.data))}, nil
}

// replace puts another object under the key.
func (b *testBucket) replace(content string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.data = []byte(content)
}

func (b *testBucket) NewRangeReader(_ context.Context, key string, offset, length int64, _ *driver.ReaderOptions) (driver.Reader, error) {
	switch {
	case b.denied:
		return nil, errDenied
	case key != "log.jsonl":
		return nil, errNotFound
	}
	b.mu.Lock()
	data := b.data
	b.mu.Unlock()
	end := int64(len(data))
	if length >= 0 {
		end = min(end, offset+length)
	}
	return &testReader{b: b, data: data, off: offset, end: end, whole: length < 0}, nil
}

var errUnsupported = errors.New("not supported by the test bucket")

func (b *testBucket) ListPaged(context.Context, *driver.ListOptions) (*driver.ListPage, error) {
	return nil, errUnsupported
}
func (b *testBucket) NewTypedWriter(context.Context, string, string, *driver.WriterOptions) (driver.Writer, error) {
	return nil, errUnsupported
}
func (b *testBucket) Copy(context.Context, string, string, *driver.CopyOptions) error {
	return errUnsupported
}
func (b *testBucket) Delete(context.Context, string, *driver.DeleteOptions) error {
	return errUnsupported
}
func (b *testBucket) SignedURL(context.Context, string, *driver.SignedURLOptions) (string, error) {
	return "", errUnsupported
}

type testReader struct {
	b        *testBucket
	data     []byte
	off, end int64
	whole    bool
}

func (r *testReader) Read(p []byte) (int, error) {
	b := r.b
	if r.off >= r.end {
		return 0, io.EOF
	}
	n := min(int64(len(p)), r.end-r.off)
	if r.whole {
		if b.gate != nil && r.off >= b.gateAt {
			<-b.gate
		}
		if b.gate != nil && r.off < b.gateAt {
			n = min(n, b.gateAt-r.off)
		}
		b.mu.Lock()
		if b.failures > 0 && r.off >= b.failAt {
			b.failures--
			b.mu.Unlock()
			return 0, errNetwork
		}
		if b.failures > 0 && r.off < b.failAt {
			n = min(n, b.failAt-r.off)
		}
		b.streamed += n
		b.mu.Unlock()
	} else {
		b.mu.Lock()
		b.ranged += n
		b.mu.Unlock()
	}
	copy(p, r.data[r.off:r.off+n])
	r.off += n
	return int(n), nil
}

func (r *testReader) Close() error { return nil }
func (r *testReader) As(any) bool  { return false }
func (r *testReader) Attributes() *driver.ReaderAttributes {
	return &driver.ReaderAttributes{Size: int64(len(r.data))}
}

var _ driver.Bucket = (*testBucket)(nil)

// BenchmarkObjectFirstScreen opens a 40 MB object and reads the first 100
// events of its first stream, as the debugger's first screen does, while
// the one pass through the object is held back after 1 MB: it reports
// how long the first screen took and the bytes its range reads took,
// against the object's size (ns/op includes indexing the rest, at Close).
func BenchmarkObjectFirstScreen(b *testing.B) {
	var sb strings.Builder
	for i := 1; i <= 200000; i++ {
		fmt.Fprintf(&sb, `{"stream":"a","seq":%d,"payload":{"type":"tick","n":%d,"pad":%q}}`+"\n", i, i, strings.Repeat("x", 60))
		fmt.Fprintf(&sb, `{"stream":"b","seq":%d,"payload":{"type":"tick","n":%d,"pad":%q}}`+"\n", i, i, strings.Repeat("y", 60))
	}
	content := sb.String()
	var ranged int64
	var toFirst time.Duration
	for b.Loop() {
		tb := newTestBucket(content)
		tb.gateAt, tb.gate = 1<<20, make(chan struct{})
		start := time.Now()
		l, err := jsonl.Open([]string{"test://b/log.jsonl"}, jsonl.Options{OpenBucket: tb.open})
		if err != nil {
			b.Fatal(err)
		}
		events, err := l.Read(context.Background(), "a", 1, 100)
		if err != nil || len(events) != 100 {
			b.Fatalf("%d events, %v", len(events), err)
		}
		toFirst += time.Since(start)
		_, ranged = tb.counts()
		close(tb.gate)
		l.Close()
	}
	b.ReportMetric(float64(toFirst.Microseconds())/float64(b.N), "µs-to-first-screen")
	b.ReportMetric(float64(ranged), "range-bytes")
	b.ReportMetric(float64(len(content)), "object-bytes")
}
