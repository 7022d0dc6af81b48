package jsonl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/replaytui/replaytui/sources/blobstore"
)

// IsURL reports whether name is a URL with a scheme, such as
// s3://bucket/logs/a.jsonl.gz or file:///var/log/a.jsonl, rather than a
// file path. Open reads such a name as an object in a bucket. A scheme
// has two letters at least, so that C://x stays a Windows path.
func IsURL(name string) bool {
	scheme, _, ok := strings.Cut(name, "://")
	if !ok || len(scheme) < 2 {
		return false
	}
	for i, r := range scheme {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (i == 0 || !('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// SplitURL splits the URL of an object into its bucket's URL and its
// key: s3://bucket/logs/a.jsonl?region=eu-west-1 is key logs/a.jsonl in
// s3://bucket?region=eu-west-1, and file:///var/log/a.jsonl is key
// a.jsonl in file:///var/log/.
func SplitURL(rawURL string) (bucketURL, key string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", "", err
	}
	b := url.URL{Scheme: u.Scheme, Host: u.Host, RawQuery: u.RawQuery}
	if u.Scheme == "file" {
		// A folder is a bucket: the key is the file's name in it.
		b.Path, key = path.Split(u.Path)
	} else {
		key = strings.TrimPrefix(u.Path, "/")
	}
	if key == "" || strings.HasSuffix(key, "/") {
		example := u.Scheme + "://bucket/path/log.jsonl"
		if u.Scheme == "file" {
			example = "file:///path/log.jsonl"
		}
		return "", "", fmt.Errorf("%s names a bucket or a folder, not an object: give the log's key too (%s)", rawURL, example)
	}
	return b.String(), key, nil
}

// object is a log in object storage. Indexing streams it once, from the
// start (stream); events are read back by range reads (ReadAt), through
// a small cache of blocks so that nearby reads cost one request.
type object struct {
	url    string
	bucket *blob.Bucket
	key    string
	size   int64
	owned  bool            // the bucket is closed with the object
	ctx    context.Context // ended by Close: stops reads in flight
	cancel context.CancelFunc
	stream *objectStream

	mu     sync.Mutex
	blocks map[int64]*block // by offset / blockSize
	clock  int64
}

type block struct {
	data []byte
	used int64
}

const (
	blockSize   = 64 << 10
	cacheBlocks = 64 // 4 MiB
	// readTries is how often a read that fails (the network) is made
	// before its error is the reader's.
	readTries = 4
)

// openObject opens the object at rawURL, with its bucket from open (nil:
// blobstore.OpenBucket, and closing the object closes the bucket).
func openObject(rawURL string, open func(context.Context, string) (*blob.Bucket, error)) (*object, error) {
	bucketURL, key, err := SplitURL(rawURL)
	if err != nil {
		return nil, err
	}
	owned := open == nil
	if owned {
		open = blobstore.OpenBucket
	}
	ctx, cancel := context.WithCancel(context.Background())
	bucket, err := open(ctx, bucketURL)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s: %w", rawURL, err)
	}
	// The reader that finds the object and its size is the start of
	// indexing's one pass through it.
	r, err := bucket.NewRangeReader(ctx, key, 0, -1, nil)
	if err != nil {
		if owned {
			bucket.Close()
		}
		cancel()
		return nil, objectError(rawURL, bucketURL, key, err)
	}
	o := &object{url: rawURL, bucket: bucket, owned: owned, key: key, size: r.Size(), ctx: ctx, cancel: cancel, blocks: map[int64]*block{}}
	o.stream = &objectStream{o: o, r: r}
	return o, nil
}

// objectError says what went wrong opening an object, and what to do.
func objectError(rawURL, bucketURL, key string, err error) error {
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		return fmt.Errorf("%s: no such object (key %q in bucket %s): %w", rawURL, key, bucketURL, err)
	case gcerrors.PermissionDenied:
		return fmt.Errorf("%s: not allowed to read it; credentials come from the environment (AWS_PROFILE or AWS_ACCESS_KEY_ID, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY): %w", rawURL, err)
	}
	return fmt.Errorf("%s: %w", rawURL, err)
}

// Close ends the reads in flight and releases the object.
func (o *object) Close() error {
	o.cancel()
	o.stream.mu.Lock()
	if o.stream.r != nil {
		o.stream.r.Close()
		o.stream.r = nil
	}
	o.stream.closed = true
	o.stream.mu.Unlock()
	if o.owned {
		return o.bucket.Close()
	}
	return nil
}

// objectStream reads the object once from its start, in large reads. A
// read that fails midway is made again from where it stopped.
type objectStream struct {
	o      *object
	mu     sync.Mutex
	r      *blob.Reader // nil once done, or to be opened again at off
	off    int64
	closed bool
}

func (s *objectStream) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last error
	for try := 0; try < readTries; try++ {
		if s.closed {
			return 0, context.Canceled
		}
		if try > 0 {
			select {
			case <-time.After(time.Duration(try) * 200 * time.Millisecond):
			case <-s.o.ctx.Done():
				return 0, s.o.ctx.Err()
			}
		}
		if s.off >= s.o.size {
			if s.r != nil {
				s.r.Close()
				s.r = nil
			}
			return 0, io.EOF
		}
		if s.r == nil {
			r, err := s.o.newRangeReader(s.off, -1)
			if errors.Is(err, errObjectChanged) {
				return 0, err
			}
			if err != nil {
				last = err
				continue
			}
			s.r = r
		}
		n, err := s.r.Read(p)
		s.off += int64(n)
		if errors.Is(err, io.EOF) && s.off < s.o.size {
			err = io.ErrUnexpectedEOF // the connection ended early
		}
		if err != nil {
			s.r.Close()
			s.r = nil
		}
		switch {
		case err == nil || errors.Is(err, io.EOF):
			return n, err
		case n > 0:
			return n, nil // the next Read opens it again where this one stopped
		case s.o.ctx.Err() != nil:
			return 0, s.o.ctx.Err()
		}
		last = err
	}
	return 0, fmt.Errorf("reading at byte %d of %d, %d tries: %w", s.off, s.o.size, readTries, last)
}

// errObjectChanged is an object replaced by another of a different size
// while it was read: the offsets indexed are no longer its lines'.
var errObjectChanged = errors.New("the object was replaced while it was read (its size changed): open it again")

// newRangeReader reads length bytes at off (-1: to the end), from the
// object as it was when opened.
func (o *object) newRangeReader(off, length int64) (*blob.Reader, error) {
	r, err := o.bucket.NewRangeReader(o.ctx, o.key, off, length, nil)
	if err == nil && r.Size() != o.size {
		r.Close()
		return nil, fmt.Errorf("%w: %d bytes, then %d", errObjectChanged, o.size, r.Size())
	}
	return r, err
}

// ReadAt reads the object's bytes at off by range reads, whole blocks at
// a time, keeping the last blocks read.
func (o *object) ReadAt(p []byte, off int64) (int, error) {
	if off >= o.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), o.size)
	firstBlock, lastBlock := off/blockSize, (end-1)/blockSize
	if lastBlock-firstBlock >= cacheBlocks/2 {
		// More than the cache should hold: read it as it is.
		if err := o.fetch(p[:end-off], off); err != nil {
			return 0, err
		}
		return o.short(int(end-off), len(p))
	}
	n := 0
	for b := firstBlock; b <= lastBlock; {
		data, blocks := o.cached(b), int64(1)
		if data == nil {
			// Fetch the run of blocks missing from here in one request.
			run := b + 1
			for run <= lastBlock && o.cached(run) == nil {
				run++
			}
			from := b * blockSize
			data, blocks = make([]byte, min(run*blockSize, o.size)-from), run-b
			if err := o.fetch(data, from); err != nil {
				return n, err
			}
			o.keep(b, data)
		}
		start := max(off-b*blockSize, 0)
		n += copy(p[n:], data[start:])
		b += blocks
	}
	return o.short(n, len(p))
}

func (o *object) short(n, want int) (int, error) {
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

// fetch fills buf with the bytes at off, in one range read.
func (o *object) fetch(buf []byte, off int64) error {
	var last error
	for try := 0; try < readTries; try++ {
		if try > 0 {
			select {
			case <-time.After(time.Duration(try) * 200 * time.Millisecond):
			case <-o.ctx.Done():
				return o.ctx.Err()
			}
		}
		r, err := o.newRangeReader(off, int64(len(buf)))
		if err == nil {
			_, err = io.ReadFull(r, buf)
			r.Close()
		}
		if err == nil {
			return nil
		}
		if last = err; o.ctx.Err() != nil || gcerrors.Code(err) == gcerrors.NotFound || errors.Is(err, errObjectChanged) {
			break
		}
	}
	return fmt.Errorf("%s: reading bytes %d to %d: %w", o.url, off, off+int64(len(buf)), last)
}

func (o *object) cached(b int64) []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	if bl := o.blocks[b]; bl != nil {
		o.clock++
		bl.used = o.clock
		return bl.data
	}
	return nil
}

// keep caches the blocks of buf, which starts at block b, forgetting
// the least recently used ones beyond cacheBlocks.
func (o *object) keep(b int64, buf []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for len(buf) > 0 {
		n := min(len(buf), blockSize)
		o.clock++
		o.blocks[b] = &block{data: buf[:n:n], used: o.clock}
		buf, b = buf[n:], b+1
	}
	for len(o.blocks) > cacheBlocks {
		oldest, at := int64(-1), int64(0)
		for k, bl := range o.blocks {
			if oldest < 0 || bl.used < at {
				oldest, at = k, bl.used
			}
		}
		delete(o.blocks, oldest)
	}
}
