package jsonl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// input is one file of a log. Events are read back with ReadAt on file;
// indexing reads src once. A compressed file, standard input or any
// other file that is not a regular file (a pipe, a FIFO, /dev/stdin) is
// copied into a temporary file as it is indexed, so reading an event
// back is still one ReadAt.
type input struct {
	name   string   // as the user gave it, for messages
	file   *os.File // what ReadAt reads
	src    io.Reader
	size   int64 // bytes src will yield, or -1 when unknown
	temp   bool  // file is a temporary copy, gone once closed
	follow bool  // src goes on past the end as the file grows
	close  []func() error
}

// tail reads a file from the start and past its end: at the end it
// reports io.EOF, and a later Read returns what was appended since.
type tail struct {
	f   *os.File
	off int64
}

func (t *tail) Read(p []byte) (int, error) {
	n, err := t.f.ReadAt(p, t.off)
	t.off += int64(n)
	if n > 0 && errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// openInput opens path ("-" is standard input) for indexing; with
// follow, a plain file is read on past its end as it grows.
func openInput(path string, follow bool) (*input, error) {
	in := &input{name: path, size: -1}
	var raw io.Reader
	if path == "-" {
		in.name = "standard input"
		raw = os.Stdin
	} else {
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
	br := bufio.NewReaderSize(raw, 1<<16)
	magic, _ := br.Peek(4)
	var plain io.Reader
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			in.closeAll()
			return nil, fmt.Errorf("%s: gzip: %w", in.name, err)
		}
		plain = zr
	case bytes.HasPrefix(magic, zstdMagic):
		zr, err := zstd.NewReader(br)
		if err != nil {
			in.closeAll()
			return nil, fmt.Errorf("%s: zstd: %w", in.name, err)
		}
		in.close = append(in.close, func() error { zr.Close(); return nil })
		plain = zr
	default:
		if f, ok := raw.(*os.File); ok && path != "-" && in.size >= 0 {
			// A regular file is read in place. Anything else (a pipe, a
			// FIFO, a terminal) has no size to trust and cannot be read
			// twice: it is copied like standard input.
			in.file = f
			in.src = io.NewSectionReader(f, 0, in.size)
			if follow {
				in.src, in.follow, in.size = &tail{f: f}, true, -1
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
