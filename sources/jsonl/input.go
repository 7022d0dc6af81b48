package jsonl

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"
	"gocloud.dev/blob"
)

// input is one file of a log. Events are read back with ReadAt on file;
// indexing reads src once. An object in a bucket (a URL) is read back by
// range reads. A compressed file, standard input or any
// other file that is not a regular file (a pipe, a FIFO, /dev/stdin) is
// copied into a temporary file as it is indexed, so reading an event
// back is still one ReadAt.
type input struct {
	name   string      // as the user gave it, for messages
	path   string      // what was opened, to follow it by name
	file   io.ReaderAt // what events are read back from
	src    io.Reader
	size   int64 // bytes src will yield, or -1 when unknown
	temp   bool  // file is a temporary copy, gone once closed
	follow bool  // src goes on past the end as the file grows
	close  []func() error
	// stored is the file's size as stored (compressed, for a compressed
	// file), -1 when unknown; read counts what indexing has read of it,
	// nil when nothing does.
	stored int64
	read   *countingReader
	// truncated is set once a followed file has shrunk or been
	// rewritten: what is at the offsets indexed is no longer what was
	// indexed, so reads of it are refused.
	truncated atomic.Bool
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// openInput opens path ("-" is standard input, a URL an object in a
// bucket opened by buckets) for indexing; with follow, a regular file is
// read on past its end as it grows, and after it is replaced under its
// name.
func openInput(path string, follow bool, buckets func(context.Context, string) (*blob.Bucket, error)) (*input, error) {
	in := &input{name: path, path: path, size: -1, stored: -1}
	var raw io.Reader
	var obj *object
	switch {
	case path == "-":
		in.name, in.path = "standard input", ""
		raw = os.Stdin
	case IsURL(path):
		if follow {
			return nil, fmt.Errorf("%s: an object in a bucket cannot be followed (--follow): it is written whole", path)
		}
		var err error
		if obj, err = openObject(path, buckets); err != nil {
			return nil, err
		}
		in.path = ""
		in.close = append(in.close, obj.Close)
		raw, in.size = obj.stream, obj.size
	default:
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if st.IsDir() {
			f.Close()
			return nil, fmt.Errorf("%s is a directory, not a log file", path)
		}
		in.close = append(in.close, f.Close)
		raw = f
		if st.Mode().IsRegular() {
			in.size = st.Size()
		}
	}
	counted := &countingReader{r: raw}
	in.stored, in.read = in.size, counted
	br := bufio.NewReaderSize(counted, 1<<16)
	magic, _ := br.Peek(4)
	var plain io.Reader
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		plain = &decompressor{format: "gzip", raw: counted, buf: br, size: in.size, open: func() (io.Reader, error) {
			// A multi-member file (gzip a >> f; gzip b >> f) is read whole,
			// as gzip -dc does.
			return gzip.NewReader(br)
		}}
	case bytes.HasPrefix(magic, zstdMagic):
		// One decoder, in the reading goroutine: with more, zstd reads
		// ahead from br in goroutines of its own, which then race the
		// indexer's look at what was read when the data turns out damaged,
		// and its Close.
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			in.closeAll()
			return nil, fmt.Errorf("%s: zstd: %w", in.name, err)
		}
		in.close = append(in.close, func() error { zr.Close(); return nil })
		plain = &decompressor{format: "zstd", raw: counted, buf: br, size: in.size, r: zr}
	case obj != nil:
		// Indexed by streaming it once, read back by range reads: the
		// first screen needs no download of the whole object.
		in.file, in.src = obj, br
		return in, nil
	default:
		if f, ok := raw.(*os.File); ok && path != "-" && in.size >= 0 {
			// A regular file is read in place. Anything else (a pipe, a
			// FIFO, a terminal) has no size to trust and cannot be read
			// twice: it is copied like standard input.
			in.file = f
			in.read = &countingReader{r: io.NewSectionReader(f, 0, in.size)}
			in.src = in.read
			if follow {
				in.src, in.follow, in.size, in.stored, in.read = &tail{f: f, path: path}, true, -1, -1, nil
			}
			return in, nil
		}
		plain = br
	}
	tmp, err := os.CreateTemp("", "replaytui-*.jsonl")
	if err != nil {
		in.closeAll()
		return nil, fmt.Errorf("%s: a temporary file to decompress into: %w", in.name, err)
	}
	in.file, in.temp, in.size = tmp, true, -1
	in.close = append(in.close, tmp.Close)
	// Unlinked at once, the copy lives only as long as the open file: a
	// process that is killed leaves nothing behind. Where an open file
	// cannot be removed, it is removed when closed.
	if name := tmp.Name(); os.Remove(name) != nil {
		in.close = append(in.close, func() error { return os.Remove(name) })
	}
	// Bytes reach the temporary file before the indexer sees them, so
	// every offset indexed can be read back.
	in.src = io.TeeReader(plain, tmp)
	return in, nil
}

func (in *input) closeAll() error {
	var first error
	for i := len(in.close) - 1; i >= 0; i-- {
		if err := in.close[i](); err != nil && first == nil {
			first = err
		}
	}
	in.close = nil
	return first
}

// countingReader counts the bytes read from a file, and keeps the error
// that reading it met: a decompressor's failure is damage in the data,
// unless it is the file's own.
type countingReader struct {
	r   io.Reader
	n   atomic.Int64 // read by ReadProgress, as indexing goes
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// ReadProgress says how much of the files as they are stored (a
// compressed one compressed) indexing has read, and their total size:
// what a progress bar shows for a compressed log, whose Stats.BytesTotal
// is unknown. total is -1 when a size is unknown (standard input, a
// pipe, a followed file).
func (l *Log) ReadProgress() (read, total int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, in := range l.inputs {
		if in.read == nil || in.stored < 0 {
			return 0, -1
		}
		read += in.read.n.Load()
		total += in.stored
	}
	return min(read, total), total
}

// decompressor reads compressed data and turns a failure of the data
// (cut short, corrupt) into a *damageError that says where it is.
type decompressor struct {
	format string
	raw    *countingReader
	buf    *bufio.Reader // between raw and the decompressor
	size   int64         // of the compressed file, -1 when unknown
	open   func() (io.Reader, error)
	r      io.Reader
	plain  int64 // decompressed bytes so far
	err    error
}

func (d *decompressor) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.r == nil {
		// The header is read here, not when the file is opened: a file
		// cut inside it is damaged like any other, not unopenable.
		r, err := d.open()
		if err != nil {
			d.err = d.damage(err)
			return 0, d.err
		}
		d.r = r
	}
	n, err := d.r.Read(p)
	d.plain += int64(n)
	if err != nil && err != io.EOF {
		err = d.damage(err)
		d.err = err
	}
	return n, err
}

func (d *decompressor) damage(err error) error {
	if d.raw.err != nil && errors.Is(err, d.raw.err) {
		return err // the file could not be read: not the data's fault
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // data that stops where a header should be
	}
	return &damageError{format: d.format, read: d.raw.n.Load() - int64(d.buf.Buffered()), size: d.size, plain: d.plain, err: err}
}

// damageError is compressed data that ends early or is corrupt, as when
// a capture was cut mid-write. The lines decompressed before it are
// usable; readChunks fills in where the first line it spoils starts.
type damageError struct {
	format string
	read   int64 // compressed bytes the decompressor had taken in
	size   int64 // of the compressed file, -1 when unknown
	plain  int64 // decompressed bytes before the damage
	err    error

	line   int // the line the damage cuts
	column int // 1-based: where in that line the good data stops
}

func (e *damageError) Error() string { return e.message() }
func (e *damageError) Unwrap() error { return e.err }

func (e *damageError) message() string {
	of := ""
	if e.size >= 0 {
		of = fmt.Sprintf(" of the file's %d", e.size)
	}
	return fmt.Sprintf("the %s data is cut short or damaged (%v) after %d%s bytes (%d bytes decompressed); the %d lines before this one are usable",
		e.format, e.err, e.read, of, e.plain, e.line-1)
}

// tail reads a followed file from the start and past its end: at the end
// it reports io.EOF, and a later Read returns what was appended since.
// Like tail -F, it follows the name: when another file takes the name
// (a log rotated away), Read returns a *rotatedError with that file,
// once the old one is read to its end. When the file shrinks or is
// rewritten, Read returns a *truncatedError rather than what is now
// where the old lines ended.
type tail struct {
	f    *os.File
	path string
	off  int64
	last []byte // the last bytes read, to notice them rewritten
}

// tailCheck is how many of the last bytes read are compared with the
// file, to notice a file truncated and written again past where it was
// read, which its size alone does not tell.
const tailCheck = 64

func (t *tail) Read(p []byte) (int, error) {
	for {
		n, err := t.f.ReadAt(p, t.off)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		// Checked after reading: bytes read before the file changed were
		// the file's, and a change since is seen here.
		if !t.unchanged() {
			st, err := t.f.Stat()
			if err != nil {
				return 0, err
			}
			return 0, &truncatedError{read: t.off, size: st.Size()}
		}
		if n > 0 {
			t.remember(p[:n])
			t.off += int64(n)
			return n, nil
		}
		more, err := t.atEnd()
		if err != nil || !more {
			return 0, cmp.Or(err, io.EOF)
		}
	}
}

func (t *tail) remember(b []byte) {
	if len(b) >= tailCheck {
		t.last = append(t.last[:0], b[len(b)-tailCheck:]...)
		return
	}
	t.last = append(t.last, b...)
	if extra := len(t.last) - tailCheck; extra > 0 {
		t.last = append(t.last[:0], t.last[extra:]...)
	}
}

// unchanged reports whether the last bytes read are still in the file.
func (t *tail) unchanged() bool {
	if len(t.last) == 0 {
		return true
	}
	buf := make([]byte, len(t.last))
	n, _ := t.f.ReadAt(buf, t.off-int64(len(t.last)))
	return bytes.Equal(buf[:n], t.last)
}

// atEnd looks at the name once the file is read to its end: more is true
// when the file has grown meanwhile.
func (t *tail) atEnd() (more bool, err error) {
	st, err := t.f.Stat()
	if err != nil {
		return false, err
	}
	if st.Size() > t.off {
		return true, nil
	}
	named, err := os.Stat(t.path)
	if err != nil || os.SameFile(st, named) {
		// The name may be between two files (moved away, the new one not
		// created yet): look again later.
		return false, nil
	}
	next, err := os.Open(t.path)
	if err != nil {
		return false, nil
	}
	if nst, err := next.Stat(); err != nil || !nst.Mode().IsRegular() {
		next.Close()
		return false, nil
	}
	// What was written to the old file before the new one was noticed.
	if st, err := t.f.Stat(); err == nil && st.Size() > t.off {
		next.Close()
		return true, nil
	}
	return false, &rotatedError{next: next}
}

// rotatedError says a followed file was replaced under its name: next
// is the new file, to be followed from its start.
type rotatedError struct{ next *os.File }

func (e *rotatedError) Error() string { return "was replaced (rotated)" }

// truncatedError says a followed file shrank, or was rewritten, after
// read bytes of it had been indexed.
type truncatedError struct{ read, size int64 }

func (e *truncatedError) Error() string {
	if e.size < e.read {
		return fmt.Sprintf("was truncated to %d bytes after %d had been read", e.size, e.read)
	}
	return fmt.Sprintf("was rewritten after %d bytes had been read", e.read)
}
