package jsonl

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"
)

// Reads at any offset and of any length, across blocks, past the end and
// larger than the cache, give the object's bytes, however the cache
// stands.
func TestObjectReadAtThroughTheCache(t *testing.T) {
	content := make([]byte, 5<<20+123)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	bucket := memblob.OpenBucket(nil)
	defer bucket.Close()
	if err := bucket.WriteAll(context.Background(), "log", content, nil); err != nil {
		t.Fatal(err)
	}
	o, err := openObject("mem://b/log", func(context.Context, string) (*blob.Bucket, error) { return bucket, nil })
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.size != int64(len(content)) {
		t.Fatalf("size %d, want %d", o.size, len(content))
	}
	for i := range 1000 {
		off := rng.Int64N(int64(len(content)))
		n := rng.IntN(200 << 10)
		if i%50 == 0 {
			n = rng.IntN(6 << 20) // past the cache, and past the end
		}
		p := make([]byte, n)
		got, err := o.ReadAt(p, off)
		want := min(n, len(content)-int(off))
		if got != want || (got < n) != errors.Is(err, io.EOF) || err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("ReadAt(%d bytes, %d) = %d, %v; want %d", n, off, got, err, want)
		}
		if !bytes.Equal(p[:got], content[off:off+int64(got)]) {
			t.Fatalf("ReadAt(%d bytes, %d): wrong bytes", n, off)
		}
	}
	if len(o.blocks) > cacheBlocks {
		t.Errorf("%d blocks cached, more than %d", len(o.blocks), cacheBlocks)
	}
	if _, err := o.ReadAt(make([]byte, 1), o.size); !errors.Is(err, io.EOF) {
		t.Errorf("ReadAt at the end: %v", err)
	}
}
