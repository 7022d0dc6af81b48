package jsonl

import (
	"bytes"
	"context"
	"errors"
	"io"
)

// firstChunkSize is the size of a file's first chunk: small, so that the
// first screen waits for little of a large file.
const firstChunkSize = 256 << 10

// fileChunkSize is the size of the chunks after it. Chunks wait in
// queues between the reader, the parsing workers, the merger and the
// reader of an eager stream; with 4 MB ones, what waited there (the
// bytes, their parsed lines and events) was most of a fold's memory, and
// the kernel's time went to faulting it in.
const fileChunkSize = 1 << 20

// readFileChunks is readChunks for a regular file, whose bytes are all
// there to read: each chunk is read straight into a buffer of its own,
// in one read of the chunk's size, and handed over as it is. Reading a
// pipe's pieces and gathering them into chunks copied every byte twice,
// in small reads, each into freshly allocated memory the kernel had to
// fault in.
func readFileChunks(ctx context.Context, idx int, in *input, emit func(*chunk) bool) error {
	var carry []byte // the start of a line the last chunk cut
	var base int64
	lineNo := 1
	size := firstChunkSize
	for {
		// A line longer than a chunk takes a larger one.
		buf := make([]byte, max(size, 2*len(carry)))
		n := copy(buf, carry)
		m, err := io.ReadFull(in.src, buf[n:])
		n += m
		final := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !final {
			return err
		}
		data := buf[:n]
		cut := n
		if !final {
			cut = bytes.LastIndexByte(data, '\n') + 1
		}
		carry = data[cut:]
		size = fileChunkSize
		if cut == 0 && !final {
			continue
		}
		c := &chunk{input: idx, base: base, firstNo: lineNo, data: data[:cut:cut], final: final, ready: make(chan struct{})}
		lineNo += bytes.Count(c.data, []byte{'\n'})
		base += int64(cut)
		if !emit(c) {
			return ctx.Err()
		}
		if final {
			return nil
		}
	}
}
