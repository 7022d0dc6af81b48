package jsonl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// output is where Append writes: the last file of the log.
type output struct {
	file *os.File
	idx  int // its input
}

// Create creates a new JSON Lines file at path, which must not exist yet,
// and returns it as an empty log that accepts Append: a program can
// capture its events to a file, or export another log into one.
func Create(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create log: %w", err)
	}
	l := newLog(Options{})
	l.inputs = []*input{{name: path, file: f, close: []func() error{f.Close}}}
	l.lines = []int{0}
	l.w = &output{file: f}
	l.done = true
	return l, nil
}

// OpenAppend opens a JSON Lines file, which must exist and not be
// compressed, as a log that accepts Append. Appends wait for the index.
func OpenAppend(path string, opts Options) (*Log, error) {
	l, err := Open([]string{path}, opts)
	if err != nil {
		return nil, err
	}
	in := l.inputs[0]
	if in.temp {
		l.Close()
		return nil, fmt.Errorf("open %s for appending: a compressed file cannot be appended to", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		l.Close()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open for appending" // not "open for appending: open"
			return nil, pe
		}
		return nil, err
	}
	in.close = append(in.close, f.Close)
	l.w = &output{file: f}
	return l, nil
}

// Append implements [replay.Log]. It writes one line with a single write
// to the end of the file, so a crash never leaves half an event behind
// another one. It fails on a log not opened by Create or OpenAppend.
func (l *Log) Append(ctx context.Context, ev replay.Event[jsonv.Payload]) (replay.Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if l.w == nil {
		return 0, errors.New("append: this log was opened read-only (use jsonl.Create or jsonl.OpenAppend)")
	}
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.Wait(ctx); err != nil {
		return 0, fmt.Errorf("append: %w", err)
	}
	l.mu.Lock()
	next := replay.Seq(1)
	if st := l.streams[ev.Stream]; st != nil {
		next = replay.Seq(st.n) + 1
	}
	l.mu.Unlock()
	if ev.Seq == 0 {
		ev.Seq = next
	} else if ev.Seq != next {
		return 0, fmt.Errorf("append to stream %q at seq %d: next seq is %d: %w", ev.Stream, ev.Seq, next, replay.ErrSeqMismatch)
	}
	line, err := appendLine(nil, ev)
	if err != nil {
		return 0, fmt.Errorf("append to stream %q: %w", ev.Stream, err)
	}
	f := l.w.file
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("append: %w", err)
	}
	off := st.Size()
	if off > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], off-1); err != nil {
			return 0, fmt.Errorf("append: %w", err)
		}
		if last[0] != '\n' { // finish a cut line rather than join it
			line = append([]byte{'\n'}, line...)
			off++
		}
	}
	if _, err := f.Write(line); err != nil {
		return 0, fmt.Errorf("append to %s: %w", l.inputs[l.w.idx].name, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines[l.w.idx]++
	_, err = l.add(l.inputs[l.w.idx], l.w.idx, parsedLine{off: off, no: uint32(l.lines[l.w.idx]), stream: ev.Stream, unix: ev.Time.Unix(), hasTime: !ev.Time.IsZero()}, l.lineScale())
	l.notify()
	return ev.Seq, err
}

// Sync flushes appended events to stable storage.
func (l *Log) Sync() error {
	if l.w == nil {
		return nil
	}
	return l.w.file.Sync()
}

// Write writes events as JSON Lines to w and returns how many it wrote.
// Any replay.Log exports this way: Write(w, replay.All(ctx, log, stream)).
func Write(w io.Writer, events iter.Seq2[replay.Event[jsonv.Payload], error]) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	n := 0
	for ev, err := range events {
		if err != nil {
			return n, err
		}
		if buf, err = appendLine(buf[:0], ev); err != nil {
			return n, fmt.Errorf("stream %q seq %d: %w", ev.Stream, ev.Seq, err)
		}
		if _, err := bw.Write(buf); err != nil {
			return n, err
		}
		n++
	}
	return n, bw.Flush()
}

// MarshalLine returns ev as one JSON Lines line, newline included.
func MarshalLine(ev replay.Event[jsonv.Payload]) ([]byte, error) {
	line, err := appendLine(nil, ev)
	if err != nil {
		return nil, fmt.Errorf("stream %q seq %d: %w", ev.Stream, ev.Seq, err)
	}
	return line, nil
}
