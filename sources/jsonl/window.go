package jsonl

import (
	"bytes"
	"errors"
	"io"
	"os"
)

// window reads lines back from a file with few ReadAt calls: one read
// covers a run of nearby lines. Its buffers are never reused, because
// events keep pointing into them.
type window struct {
	file io.ReaderAt
	off  int64
	buf  []byte
}

const (
	windowMax   = 1 << 20 // a run of lines read at once
	windowSlack = 4 << 10 // beyond the last line start, for its length
	// windowGap is the most of other lines a read takes in to cover the
	// next line of its run: about what one more ReadAt costs.
	windowGap = 16 << 10
)

// line returns the line that starts at off, without its newline. rest
// starts with off and goes on with the offsets to be read next, which
// lets one read cover them too.
func (w *window) line(file io.ReaderAt, off int64, rest []uint64) ([]byte, error) {
	for size := windowSlack; ; size *= 2 {
		if w.file == file && off >= w.off && off < w.off+int64(len(w.buf)) {
			b := w.buf[off-w.off:]
			if i := bytes.IndexByte(b, '\n'); i >= 0 {
				return b[:i:i], nil
			}
			if w.eof(file) {
				return b, nil // the last line of the file, without a newline
			}
		}
		// Cover the following lines that lie within windowMax, as long as
		// they lie close together: the lines of a stream scattered through
		// a file (one account among a thousand) are read each on its own,
		// not with the megabyte of other streams' lines between them.
		end := off
		for _, p := range rest {
			next := int64(p & posMask)
			if p>>posShift != rest[0]>>posShift || next < end || next-off > windowMax || next-end > windowGap {
				break
			}
			end = next
		}
		n := max(int(end-off)+size, size)
		buf := make([]byte, n)
		got, err := file.ReadAt(buf, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if got == 0 {
			return nil, io.ErrUnexpectedEOF
		}
		w.file, w.off, w.buf = file, off, buf[:got]
		if got < n { // reached the end of the file
			b := w.buf
			if i := bytes.IndexByte(b, '\n'); i >= 0 {
				return b[:i:i], nil
			}
			return b, nil
		}
	}
}

// eof reports whether the window reaches the end of file. A file that
// cannot say its size is read again, further: a short read finds its end.
func (w *window) eof(file io.ReaderAt) bool {
	f, ok := file.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && w.off+int64(len(w.buf)) >= st.Size()
}
