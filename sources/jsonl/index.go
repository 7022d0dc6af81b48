package jsonl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Indexing reads each input once, in chunks cut at line ends. Workers
// parse the lines of a chunk in parallel (validating each fully and
// extracting stream, seq and time); the merger takes the chunks in file
// order, gives each event its seq and checks the seqs. Only the merger
// touches the index, under l.mu, once per chunk.

const chunkSize = 4 << 20

// firstChunk is the size of an input's first chunk; each next one is
// twice as large, up to chunkSize. Small chunks first put the first lines
// on the screen sooner, parsed on every core at once rather than by one.
const firstChunk = 256 << 10

// followEvery is how often a followed file is looked at for new lines.
const followEvery = 200 * time.Millisecond

type chunk struct {
	input   int
	base    int64 // offset of data in the input
	firstNo int   // line number of the first line
	data    []byte
	final   bool // the last chunk of its input
	atEnd   bool // a followed file: this chunk reaches its current end
	ready   chan struct{}
	lines   []parsedLine
	events  []replay.Event[jsonv.Payload] // lines of the eager stream, parsed in full
}

type parsedLine struct {
	off     int64  // offset in the input
	no      uint32 // line number
	cut     bool   // the input's last line, with no newline after it
	hasTime bool
	stream  replay.StreamKey
	seq     replay.Seq // 0 when the line has none
	unix    int64      // its time, in Unix seconds (a range needs no more)
	err     *lineError
	ev      int32 // 1 + index in the chunk's events, for the eager stream; 0: none
}

func (l *Log) index(ctx context.Context) {
	var err error
	// Only this goroutine adds inputs (a followed file rotated), under
	// l.mu; it may read them without.
	for i := 0; i < len(l.inputs); i++ {
		in := l.inputs[i]
		err = l.indexInput(ctx, i, in)
		var rotated *rotatedError
		var truncated *truncatedError
		switch {
		case errors.As(err, &rotated):
			err = l.rotate(in, rotated.next)
		case errors.As(err, &truncated):
			l.mu.Lock()
			l.stats.FollowNote = fmt.Sprintf("%s %v (at %s): no longer followed; reopen it to read what it holds now", in.name, truncated, time.Now().Format(time.TimeOnly))
			l.mu.Unlock()
			err = nil
		}
		if err != nil {
			break
		}
	}
	l.mu.Lock()
	if err != nil && l.err == nil && !errors.Is(err, context.Canceled) {
		l.err = err
	}
	if l.opts.Follow && l.stats.FollowNote == "" && l.err == nil && ctx.Err() == nil {
		// A pipe or standard input, which cannot be followed past its end.
		l.stats.FollowNote = l.inputs[len(l.inputs)-1].name + " has ended"
	}
	l.done = true
	l.notify()
	l.mu.Unlock()
	l.eager.finish()
}

// maxInputs is how many files one log can have: an input's number must
// fit in the bits of a position above its offset.
const maxInputs = 1<<(64-posShift) - 1

// rotate follows next, the file that took the name of the followed file
// in: its events go on from where in's stopped.
func (l *Log) rotate(in *input, next *os.File) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := time.Now().Format(time.TimeOnly)
	if len(l.inputs) >= maxInputs {
		next.Close()
		l.stats.FollowNote = fmt.Sprintf("%s was replaced at %s, too many times to follow it further", in.path, at)
		return nil
	}
	l.rotations++
	l.inputs = append(l.inputs, &input{
		name: fmt.Sprintf("%s (after rotation %d)", in.path, l.rotations), path: in.path,
		file: next, src: &tail{f: next, path: in.path}, size: -1, follow: true,
		close: []func() error{next.Close},
	})
	l.lines = append(l.lines, 0)
	l.stats.FollowNote = fmt.Sprintf("%s was replaced (rotated) at %s; following the new file", in.path, at)
	return nil
}

func (l *Log) indexInput(ctx context.Context, idx int, in *input) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *chunk, 4)
	inOrder := make(chan *chunk, 4)
	var readErr error
	go func() {
		defer close(work)
		defer close(inOrder)
		readErr = readChunks(ctx, idx, in, func(c *chunk) bool {
			if idx == 0 && c.firstNo == 1 && l.opts.ReadAheadFirst && l.opts.ReadAheadStream == "" {
				l.readAheadFirst(c.data)
			}
			select {
			case work <- c:
			case <-ctx.Done():
				return false
			}
			select {
			case inOrder <- c:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	var wg sync.WaitGroup
	for range max(runtime.GOMAXPROCS(0), 1) {
		wg.Go(func() {
			streams := make(map[string]replay.StreamKey)
			for c := range work {
				key, prepare := l.eager.eagerKey()
				c.parse(streams, key, prepare)
				close(c.ready)
			}
		})
	}
	defer wg.Wait()
	for c := range inOrder {
		<-c.ready
		events, err := l.merge(in, c)
		l.eager.push(events)
		if err != nil {
			cancel()
			for range inOrder { // let the reader finish
			}
			if rotated := (*rotatedError)(nil); errors.As(readErr, &rotated) {
				rotated.next.Close()
			}
			return err
		}
	}
	var damage *damageError
	var rotated *rotatedError
	var truncated *truncatedError
	switch {
	case errors.As(readErr, &damage):
		// As for a file cut short: the lines before are usable, and the
		// damage is reported, not fatal.
		le := LineError{File: in.name, Line: damage.line, Column: damage.column, Msg: damage.message(), Err: damage}
		l.mu.Lock()
		l.stats.Truncated = &le
		l.problem(le)
		l.notify()
		l.mu.Unlock()
		return nil
	case errors.As(readErr, &rotated), errors.As(readErr, &truncated):
		return readErr
	case readErr != nil && !errors.Is(readErr, context.Canceled):
		return fmt.Errorf("%s: %w", in.name, readErr)
	}
	return ctx.Err()
}

// readChunks cuts src into chunks that end at a line end (except the
// last). A chunk is emitted when it is full, or as soon as the source has
// nothing more ready: then the lines of a slow pipe reach the index (and
// the screen) while the writer is still writing.
func readChunks(ctx context.Context, idx int, in *input, emit func(*chunk) bool) error {
	// A local file has all its bytes there to read; an object in a
	// bucket comes over the network, and its lines are handed on as they
	// arrive, as a pipe's are.
	if _, local := in.file.(*os.File); local && in.size >= 0 && !in.follow && !in.temp {
		return readFileChunks(ctx, idx, in, emit)
	}
	type piece struct {
		data  []byte
		err   error
		atEOF bool // a followed file has no more for now
	}
	pieces := make(chan piece, 16)
	// The reader stops once readChunks returns, and readChunks waits for
	// it where a read always comes back (a file, compressed or followed,
	// an object): the input is closed after, and a decompressor closed in
	// the middle of a read is a data race. A pipe's read may never come
	// back; nothing is closed under it but the pipe.
	ctx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	defer func() {
		stop()
		if in.stored >= 0 || in.follow {
			<-stopped
		}
	}()
	go func() {
		defer close(stopped)
		defer close(pieces)
		for {
			buf := make([]byte, 256<<10)
			n, err := in.src.Read(buf)
			if n > 0 {
				select {
				case pieces <- piece{data: buf[:n]}:
				case <-ctx.Done():
					return
				}
			}
			if errors.Is(err, io.EOF) && in.follow {
				// A file being written: say it is read to its current end,
				// and look again in a moment.
				select {
				case pieces <- piece{atEOF: true}:
				case <-ctx.Done():
					return
				}
				select {
				case <-time.After(followEvery):
					continue
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				select {
				case pieces <- piece{err: err}:
				case <-ctx.Done():
				}
				return
			}
		}
	}()

	var pending []byte
	var base int64
	lineNo := 1
	announced := false // an empty atEnd chunk went out since the last data
	size := firstChunk
	flush := func(final, atEnd bool) bool {
		cut := len(pending)
		if !final {
			cut = bytes.LastIndexByte(pending, '\n') + 1
		}
		if cut == 0 && !final && (!atEnd || announced) {
			return true
		}
		announced = atEnd && cut == 0
		data := pending[:cut:cut]
		c := &chunk{input: idx, base: base, firstNo: lineNo, data: data, final: final, atEnd: atEnd, ready: make(chan struct{})}
		lineNo += bytes.Count(data, []byte{'\n'})
		base += int64(cut)
		pending = append(make([]byte, 0, chunkSize), pending[cut:]...)
		return emit(c)
	}
	// end ends reading at err: the complete lines before it are handed
	// over.
	end := func(err error) error {
		var damage *damageError
		var rotated *rotatedError
		var truncated *truncatedError
		switch {
		case errors.As(err, &damage):
			if !flush(false, false) {
				return ctx.Err()
			}
			// What is left is the start of the line the damage cut: it
			// is not an event, however it ends.
			damage.line, damage.column = lineNo, len(pending)+1
		case errors.As(err, &rotated):
			// The old file is read to its end; a last line without a
			// newline is its last line, as in a file not followed.
			if !flush(true, false) {
				rotated.next.Close()
				return ctx.Err()
			}
		case errors.As(err, &truncated):
			// From now on, reads refuse what is at the old offsets.
			in.truncated.Store(true)
			// Lines read before the file changed were whole when read.
			if !flush(false, false) {
				return ctx.Err()
			}
		}
		return err
	}
	for {
		var p piece
		var ok bool
		select {
		case p, ok = <-pieces:
		default:
			// Nothing ready: hand over the lines we have before waiting.
			if bytes.IndexByte(pending, '\n') >= 0 && !flush(false, false) {
				return ctx.Err()
			}
			select {
			case p, ok = <-pieces:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		switch {
		case !ok:
			return ctx.Err()
		case p.atEOF:
			if !flush(false, true) {
				return ctx.Err()
			}
			continue
		case p.err != nil && errors.Is(p.err, io.EOF):
			if !flush(true, false) {
				return ctx.Err()
			}
			return nil
		case p.err != nil:
			return end(p.err)
		}
		pending = append(pending, p.data...)
		announced = false
		if len(pending) >= size {
			if !flush(false, false) {
				return ctx.Err()
			}
			size = min(2*size, chunkSize)
		}
	}
}

func (c *chunk) parse(streams map[string]replay.StreamKey, eager *replay.StreamKey, prepare func(jsonv.Payload) jsonv.Payload) {
	data, no := c.data, c.firstNo
	// Room for every line, unless most of them are too short to be
	// events: blank lines take no room in the index.
	lines := min(bytes.Count(data, []byte{'\n'}), len(data)/32) + 1
	c.lines = make([]parsedLine, 0, lines)
	if eager != nil {
		// As many as the stream's share of the lines so far: growing the
		// slice would copy every event once or twice more.
		c.events = make([]replay.Event[jsonv.Payload], 0, lines/max(len(streams), 1))
	}
	for off := 0; off < len(data); no++ {
		end := bytes.IndexByte(data[off:], '\n')
		cut := false
		if end < 0 {
			end, cut = len(data), true
		} else {
			end += off
		}
		line := bytes.TrimSuffix(data[off:end], []byte{'\r'})
		if len(bytes.TrimSpace(line)) > 0 {
			var want func(replay.StreamKey) bool
			if eager != nil {
				want = func(k replay.StreamKey) bool { return k == *eager }
			}
			h, ev, full, err := parseLine(line, streams, want)
			evIndex := int32(0)
			if full && len(streams) >= sparseStreams {
				// One stream among many: its events hold a copy of their
				// lines rather than the chunk, or every chunk of the file
				// would stay in memory for an event or two of it.
				_, ev, _, _ = parseLine(bytes.Clone(line), streams, want)
			}
			if full {
				if prepare != nil {
					ev.Payload = prepare(ev.Payload)
				}
				c.events = append(c.events, ev)
				evIndex = int32(len(c.events))
			}
			c.lines = append(c.lines, parsedLine{off: c.base + int64(off), no: uint32(no), stream: h.stream, seq: h.seq, unix: h.time.Unix(), hasTime: h.hasTime, err: err, cut: cut && c.final, ev: evIndex})
		}
		off = end + 1
	}
}

// sparseStreams is how many streams a chunk's lines must have named for
// the stream read ahead to be taken as one among many.
const sparseStreams = 8

// readAheadFirst starts reading ahead the stream of the first line of
// data, before any line is parsed.
func (l *Log) readAheadFirst(data []byte) {
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if h, err := parseHead(bytes.TrimSuffix(line, []byte{'\r'}), map[string]replay.StreamKey{}); err == nil {
			l.ReadAhead(h.stream, l.opts.Prepare)
		}
		return
	}
}

// merge adds a parsed chunk to the index and returns the events of the
// eager stream it held, with their seqs.
func (l *Log) merge(in *input, c *chunk) ([]replay.Event[jsonv.Payload], error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer l.notify()
	l.stats.BytesIndexed += int64(len(c.data))
	n := bytes.Count(c.data, []byte{'\n'})
	if len(c.data) > 0 && c.data[len(c.data)-1] != '\n' {
		n++ // the last line, without a newline
	}
	l.lines[c.input] += n
	l.stats.Lines += n
	if c.atEnd {
		l.caughtUp = true
	}
	// Lines read stop at the line that stops indexing, wherever the
	// chunk it came in happens to end.
	stopAt := func(pl parsedLine) {
		after := c.firstNo + n - 1 - int(pl.no)
		l.lines[c.input] -= after
		l.stats.Lines -= after
	}
	scale := l.lineScale()
	// The eager stream's events, given their seqs in place: the i-th
	// kept is never after the i-th parsed.
	events := c.events[:0]
	for _, pl := range c.lines {
		if pl.err != nil {
			le := LineError{File: in.name, Line: int(pl.no), Column: pl.err.column, Msg: pl.err.msg}
			switch {
			case pl.cut:
				le.Msg = "the last line is cut short (" + le.Msg + "); the events before it are usable"
				l.stats.Truncated = &le
				l.problem(le)
			case l.opts.SkipBad:
				l.stats.Skipped++
				l.problem(le)
			default:
				stopAt(pl)
				return events, &le
			}
			continue
		}
		seq, err := l.add(in, c.input, pl, scale)
		if err != nil {
			stopAt(pl)
			return events, err
		}
		if pl.ev != 0 && seq != 0 {
			ev := c.events[pl.ev-1]
			ev.Seq = seq
			events = append(events, ev)
		}
	}
	return events, nil
}

func (l *Log) problem(le LineError) {
	if len(l.stats.Problems) < maxProblems {
		l.stats.Problems = append(l.stats.Problems, le)
	}
}

// lineScale is the log's lines per byte so far, in 16.16 fixed point,
// for the index to predict line numbers from offsets; called with l.mu.
func (l *Log) lineScale() uint32 {
	return uint32(min(int64(l.stats.Lines)<<16/max(l.stats.BytesIndexed, 1), 1<<16))
}

// add gives a line its seq and appends it to its stream; called with
// l.mu. It returns the seq, or 0 when the line was skipped. scale is the
// log's lines per byte, for the index (positions.add).
func (l *Log) add(in *input, idx int, pl parsedLine, scale uint32) (replay.Seq, error) {
	st := l.streams[pl.stream]
	if st == nil {
		st = &stream{id: uint32(len(l.order))}
		l.streams[pl.stream] = st
		l.order = append(l.order, pl.stream)
	}
	next := replay.Seq(st.n) + 1
	if pl.seq != 0 && pl.seq != next {
		le := LineError{File: in.name, Line: int(pl.no), Msg: l.seqProblem(st, pl.stream, pl.seq, next)}
		switch {
		case !l.opts.SkipBad:
			return 0, &le
		case pl.seq < next:
			l.stats.Skipped++
			l.problem(le)
			return 0, nil
		default:
			le.Msg += fmt.Sprintf("; renumbered as seq %d", next)
			l.stats.Renumbered++
			l.problem(le)
		}
	}
	st.add(&l.arena, uint64(idx)<<posShift|uint64(pl.off), pl.no, scale)
	if l.global.tracking {
		l.global.push(st.id, st.positions.last)
	}
	if pl.hasTime {
		t := time.Unix(pl.unix, 0).UTC()
		if st.first.IsZero() || t.Before(st.first) {
			st.first = t
		}
		if t.After(st.last) {
			st.last = t
		}
	}
	l.stats.Events++
	return next, nil
}

// seqProblem explains a seq that is not the next one, naming the lines.
func (l *Log) seqProblem(st *stream, key replay.StreamKey, seq, next replay.Seq) string {
	lineOf := func(seq replay.Seq) string {
		p, no := st.at(int(seq - 1))
		return fmt.Sprintf("%s:%d", l.inputs[p>>posShift].name, no)
	}
	last := next - 1
	switch {
	case seq == last:
		return fmt.Sprintf("seq %d of stream %q is a duplicate: that seq is at %s already", seq, key, lineOf(seq))
	case seq < last:
		return fmt.Sprintf("seq %d of stream %q is out of order: it comes after seq %d (%s); seq %d is at %s", seq, key, last, lineOf(last), seq, lineOf(seq))
	case last == 0:
		return fmt.Sprintf("stream %q starts at seq %d; seqs start at 1", key, seq)
	}
	return fmt.Sprintf("stream %q jumps from seq %d (%s) to seq %d: seqs %d to %d are missing", key, last, lineOf(last), seq, last+1, seq-1)
}
