package jsonl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// The global order of a log of files is the order of its lines (the files
// one after another), or, when asked (OrderGlobalBy), the order of a
// numeric member every line carries, such as "gseq". It is worked out of
// the index, not kept by it: the streams' line offsets, merged. File order
// grows with the index (a log being read or followed has its global order
// as far as it is read); a member's order needs the whole log.

// globalOrder is the log's global order, as far as it is worked out.
// Its fields are guarded by the Log's mu, except build and merge.
//
// File order is kept only once it is asked for: then the events indexed
// so far are merged by their positions, stream by stream (outside the
// lock), and from then on add notes each event's stream as it comes. It
// keeps the stream of every event (2 bytes an event while the log has at
// most 65,536 streams, 4 beyond) and every markEvery-th event's position,
// from which an event's seq in its stream is found (positions.below).
type globalOrder struct {
	field string // "": file order

	tracking bool // add notes the streams of the events it adds (push)
	ready    bool // ids holds every event indexed
	ids      streamIDs
	marks    []uint64 // the position of event k*markEvery, for each k
	count    int      // events in the order (while building, before ids' first)

	refs   []globalRef // in field order (the whole log), once sorted
	sorted bool
	build  sync.Mutex // held while refs is sorted
	merge  sync.Mutex // held while ids is merged
}

// markEvery is how many events of the file order one position in marks
// stands for: 8 bytes for 4,096 events; a read starts its scan at most
// that many events before where it reads.
const markEvery = 4096

// push notes an event added at pos, of the stream with place id.
func (g *globalOrder) push(id uint32, pos uint64) {
	if g.count%markEvery == 0 {
		g.marks = append(g.marks, pos)
	}
	g.ids.add(id)
	g.count++
}

// streamIDs is a stream's place in Log.order for each event of the file
// order: in 2 bytes while every place fits.
type streamIDs struct {
	narrow []uint16
	wide   []uint32 // once a place does not fit; narrow is then nil
}

func (s *streamIDs) at(i int) uint32 {
	if s.wide != nil {
		return s.wide[i]
	}
	return uint32(s.narrow[i])
}

func (s *streamIDs) len() int { return len(s.narrow) + len(s.wide) }

func (s *streamIDs) add(id uint32) {
	if id > math.MaxUint16 && s.wide == nil {
		s.widen()
	}
	if s.wide != nil {
		s.wide = append(s.wide, id)
		return
	}
	s.narrow = append(s.narrow, uint16(id))
}

func (s *streamIDs) widen() {
	s.wide = make([]uint32, len(s.narrow), max(2*len(s.narrow), 1024))
	for i, id := range s.narrow {
		s.wide[i] = uint32(id)
	}
	s.narrow = nil
}

// addAll appends the ids of t.
func (s *streamIDs) addAll(t *streamIDs) {
	if t.wide != nil && s.wide == nil {
		s.widen()
	}
	switch {
	case s.wide == nil:
		s.narrow = append(s.narrow, t.narrow...)
	case t.wide != nil:
		s.wide = append(s.wide, t.wide...)
	default:
		for _, id := range t.narrow {
			s.wide = append(s.wide, uint32(id))
		}
	}
}

// globalRef is one event of the global order: its stream (by its place
// in Log.order) and its seq there.
type globalRef struct {
	stream uint32
	seq    uint32
}

var (
	_ replay.GlobalReader[jsonv.Payload] = (*Log)(nil)
	_ replay.GlobalPositioner            = (*Log)(nil)
)

// OrderGlobalBy makes ReadGlobal order events by field, a numeric
// top-level member of every line (as "gseq"), instead of by their place
// in the files; "" goes back to file order. Every line must have the
// member, each with another value: ReadGlobal fails naming the line that
// has none, or the two lines that have the same. Ordering by a member
// waits for the whole log, so a followed log is never ordered by one.
func (l *Log) OrderGlobalBy(field string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := &l.global
	g.field, g.refs, g.sorted = field, nil, false
}

// fileOrder works out the file order of the events indexed so far, once,
// and has add keep it from then on. The merge runs outside l.mu, on the
// streams' positions as they were: full blocks never change, the open
// ones are copied.
func (l *Log) fileOrder(ctx context.Context) error {
	g := &l.global
	g.merge.Lock()
	defer g.merge.Unlock()
	l.mu.Lock()
	if g.ready {
		l.mu.Unlock()
		return nil
	}
	// Events added from now on are noted by add, after those merged here.
	g.ids, g.marks, g.tracking = streamIDs{}, nil, true
	runs := make([]positions, len(l.order))
	base := 0
	for i, key := range l.order {
		runs[i] = l.streams[key].positions
		runs[i].open.data = slices.Clone(runs[i].open.data)
		base += runs[i].n
	}
	g.count = base
	l.mu.Unlock()

	ids, marks, err := mergeRuns(ctx, runs, base)

	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		// Try again on the next read: forget what add noted meanwhile.
		g.ids, g.marks, g.count, g.tracking = streamIDs{}, nil, 0, false
		return err
	}
	ids.addAll(&g.ids)
	g.ids, g.marks, g.ready = ids, append(marks, g.marks...), true
	return nil
}

// mergeRuns merges the streams' runs of positions (runs[i] the one of the
// stream with place i), n events in all, into file order: the stream of
// each event, and the position of every markEvery-th.
func mergeRuns(ctx context.Context, runs []positions, n int) (streamIDs, []uint64, error) {
	var ids streamIDs
	if len(runs) <= math.MaxUint16+1 {
		ids.narrow = make([]uint16, 0, n)
	} else {
		ids.wide = make([]uint32, 0, n)
	}
	marks := make([]uint64, 0, n/markEvery+1)
	// A heap of cursors, the lowest position on top.
	type run struct {
		posCursor
		id uint32
	}
	heap := make([]run, 0, len(runs))
	for i := range runs {
		if runs[i].n > 0 {
			r := run{posCursor{p: &runs[i]}, uint32(i)}
			r.load()
			heap = append(heap, r)
		}
	}
	less := func(a, b int) bool { return heap[a].at < heap[b].at }
	down := func(i int) {
		for {
			least := i
			if l := 2*i + 1; l < len(heap) && less(l, least) {
				least = l
			}
			if r := 2*i + 2; r < len(heap) && less(r, least) {
				least = r
			}
			if least == i {
				return
			}
			heap[i], heap[least] = heap[least], heap[i]
			i = least
		}
	}
	for i := len(heap)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for k := 0; len(heap) > 0; k++ {
		if k%(1<<16) == 0 {
			if err := ctx.Err(); err != nil {
				return streamIDs{}, nil, err
			}
		}
		top := &heap[0]
		if k%markEvery == 0 {
			marks = append(marks, top.at)
		}
		ids.add(top.id)
		if !top.next() {
			heap[0] = heap[len(heap)-1]
			heap = heap[:len(heap)-1]
		}
		down(0)
	}
	return ids, marks, nil
}

// pickedEvent is an event a read of the global order found: its place in
// the order, stream and seq, and where its line is.
type pickedEvent struct {
	at  uint64
	id  uint32
	seq replay.Seq
	pos uint64
	no  uint32
}

// pick finds up to limit events of the chosen streams (want; nil: every
// stream) from place from on (1-based) in file order, with their seqs and
// lines. Call with l.mu held, after fileOrder.
func (l *Log) pick(want map[uint32]bool, from uint64, limit int) []pickedEvent {
	g := &l.global
	if from > uint64(g.count) {
		return nil
	}
	var picked []pickedEvent
	// Seqs are counted from the mark at or before from: a stream's first
	// event met after it has as seq one more than its events before it.
	start := int(from-1) / markEvery * markEvery
	mark := g.marks[start/markEvery]
	next := map[uint32]replay.Seq{}
	for i := start; i < g.count && len(picked) < limit; i++ {
		id := g.ids.at(i)
		if want != nil && !want[id] {
			continue
		}
		seq, met := next[id]
		if !met {
			seq = replay.Seq(l.streams[l.order[id]].below(mark)) + 1
		}
		next[id] = seq + 1
		if uint64(i)+1 >= from {
			picked = append(picked, pickedEvent{at: uint64(i) + 1, id: id, seq: seq})
		}
	}
	// A stream's events among those picked have seqs one after another:
	// decode each stream's run at once.
	runs := map[uint32][2]int{} // first seq, count
	for _, p := range picked {
		r, ok := runs[p.id]
		if !ok {
			r[0] = int(p.seq)
		}
		r[1]++
		runs[p.id] = r
	}
	pos := map[uint32][]uint64{}
	nos := map[uint32][]uint32{}
	for id, r := range runs {
		pos[id], nos[id] = make([]uint64, r[1]), make([]uint32, r[1])
		l.streams[l.order[id]].run(pos[id], nos[id], r[0]-1)
	}
	for i, p := range picked {
		k := int(p.seq) - runs[p.id][0]
		picked[i].pos, picked[i].no = pos[p.id][k], nos[p.id][k]
	}
	return picked
}

// places is pick for the events' places alone. Call with l.mu held,
// after fileOrder.
func (l *Log) places(want map[uint32]bool, from uint64, limit int) []uint64 {
	g := &l.global
	if from > uint64(g.count) {
		return nil
	}
	end := g.count
	if want == nil {
		end = min(end, int(from-1)+limit)
		at := make([]uint64, end-int(from-1))
		for i := range at {
			at[i] = from + uint64(i)
		}
		return at
	}
	var at []uint64
	for i := int(from - 1); i < end && len(at) < limit; i++ {
		if want[g.ids.at(i)] {
			at = append(at, uint64(i)+1)
		}
	}
	return at
}

// chosen maps the streams asked for to their places in Log.order (nil:
// every stream). Call with l.mu held.
func (l *Log) chosen(streams []replay.StreamKey) map[uint32]bool {
	if len(streams) == 0 {
		return nil
	}
	want := make(map[uint32]bool, len(streams))
	for _, s := range streams {
		if st, ok := l.streams[s]; ok {
			want[st.id] = true
		}
	}
	return want
}

// GlobalPositions implements [replay.GlobalPositioner]: the places in
// the global order of the events ReadGlobal would read, without reading
// them (in file order, a scan of the streams' places alone).
func (l *Log) GlobalPositions(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]uint64, error) {
	_, at, _, err := l.pickGlobal(ctx, streams, from, limit, true)
	return at, err
}

// pickGlobal picks the events ReadGlobal reads, or only their places
// when places is set, waiting for them in file order.
func (l *Log) pickGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int, places bool) (picked []pickedEvent, at []uint64, inputs []*input, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	if limit <= 0 {
		return nil, nil, nil, fmt.Errorf("read the global order: limit must be positive, got %d", limit)
	}
	from = max(from, 1)
	l.mu.Lock()
	field := l.global.field
	l.mu.Unlock()
	if field != "" {
		if err := l.sortGlobal(ctx); err != nil {
			return nil, nil, nil, err
		}
	} else if err := l.fileOrder(ctx); err != nil {
		return nil, nil, nil, err
	}
	l.mu.Lock()
	for {
		want := l.chosen(streams)
		if l.global.sorted {
			refs := l.global.refs
			for next := from; next <= uint64(len(refs)) && len(picked) < limit; next++ {
				r := refs[next-1]
				if want != nil && !want[r.stream] {
					continue
				}
				if places {
					at = append(at, next)
					continue
				}
				p := pickedEvent{at: next, id: r.stream, seq: replay.Seq(r.seq)}
				p.pos, p.no = l.streams[l.order[r.stream]].at(int(r.seq) - 1)
				picked = append(picked, p)
			}
			break
		}
		switch {
		case want != nil && len(want) == 0: // none of them has an event yet
		case places:
			at = l.places(want, from, limit)
		default:
			picked = l.pick(want, from, limit)
		}
		if len(picked) > 0 || len(at) > 0 {
			break
		}
		// None of it is indexed yet: wait for more lines, unless indexing
		// is over (or has caught up with a followed file).
		seen := l.stats.Events
		if err := l.waitFor(ctx, func() bool { return l.stats.Events > seen || l.err != nil }); err != nil {
			l.mu.Unlock()
			return nil, nil, nil, err
		}
		if l.stats.Events == seen {
			break
		}
	}
	inputs = l.inputs
	indexErr := l.err
	l.mu.Unlock()
	if len(picked) == 0 && len(at) == 0 && indexErr != nil {
		return nil, nil, nil, indexErr
	}
	return picked, at, inputs, nil
}

// ReadGlobal implements [replay.GlobalReader]. Positions are places in
// the global order of the whole log: 1 for its first event. In file
// order, events not indexed yet are waited for.
func (l *Log) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[jsonv.Payload], error) {
	picked, _, inputs, err := l.pickGlobal(ctx, streams, from, limit, false)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	keys := make([]replay.StreamKey, len(picked))
	for i, p := range picked {
		keys[i] = l.order[p.id]
	}
	l.mu.Unlock()
	pos := make([]uint64, len(picked))
	for i, f := range picked {
		pos[i] = f.pos
	}
	events := make([]replay.GlobalEvent[jsonv.Payload], len(picked))
	var win window
	for i, f := range picked {
		key := keys[i]
		in := inputs[f.pos>>posShift]
		if in.truncated.Load() {
			return nil, fmt.Errorf("%s:%d: stream %q seq %d: %w", in.name, f.no, key, f.seq, errGone)
		}
		line, err := win.line(in.file, int64(f.pos&posMask), pos[i:])
		var ev replay.Event[jsonv.Payload]
		if err == nil {
			ev, err = parseEvent(line, f.seq)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: reading stream %q seq %d back: %v (did the file change after it was opened?)", in.name, f.no, key, f.seq, err)
		}
		if ev.Stream != key {
			return nil, fmt.Errorf("%s:%d: expected an event of stream %q, found %q: the file changed after it was opened", in.name, f.no, key, ev.Stream)
		}
		events[i] = replay.GlobalEvent[jsonv.Payload]{Position: f.at, Event: ev}
	}
	return events, nil
}

// sortGlobal orders the whole log by the member OrderGlobalBy chose, once.
func (l *Log) sortGlobal(ctx context.Context) error {
	l.global.build.Lock()
	defer l.global.build.Unlock()
	l.mu.Lock()
	done, field := l.global.sorted, l.global.field
	l.mu.Unlock()
	if done {
		return nil
	}
	if l.opts.Follow {
		return fmt.Errorf("order by %q: a followed log is never complete; open it without following to order it by a member", field)
	}
	if err := l.Wait(ctx); err != nil {
		return err
	}
	if err := l.fileOrder(ctx); err != nil {
		return err
	}
	// The whole log is indexed: its positions no longer change, and are
	// read outside the lock, each stream's in one pass.
	l.mu.Lock()
	count, ids := l.global.count, l.global.ids
	runs := make([]posCursor, len(l.order))
	for i, key := range l.order {
		runs[i] = posCursor{p: &l.streams[key].positions, i: -1}
	}
	inputs := l.inputs
	l.mu.Unlock()

	refs := make([]globalRef, count)
	type at struct{ pos uint64 }
	where := make([]at, count)
	for i := range refs {
		id := ids.at(i)
		c := &runs[id]
		if c.i < 0 {
			c.i = 0
			c.load()
		} else {
			c.next()
		}
		refs[i] = globalRef{stream: id, seq: uint32(c.i + 1)}
		where[i] = at{pos: c.at}
	}
	// lineOf is the line number of the event at place i, for errors.
	lineOf := func(i int) uint32 {
		_, no := runs[refs[i].stream].p.at(int(refs[i].seq) - 1)
		return no
	}
	keys := make([]float64, len(refs))
	pos := make([]uint64, len(refs))
	for i, w := range where {
		pos[i] = w.pos
	}
	var win window
	name := []byte(field)
	for i, w := range where {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		in := inputs[w.pos>>posShift]
		line, err := win.line(in.file, int64(w.pos&posMask), pos[i:])
		if err != nil {
			return fmt.Errorf("%s:%d: reading the line back to order by %q: %v", in.name, lineOf(i), field, err)
		}
		var value []byte
		_, err = jsonscan.MembersRaw(line, 0, func(key, v []byte) error {
			if string(key) == string(name) {
				value = v
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s:%d: %v", in.name, lineOf(i), lineErrorOf(err))
		}
		if value == nil {
			return &LineError{File: in.name, Line: int(lineOf(i)), Msg: fmt.Sprintf("no %q member: ordering the log by %q needs one on every line", field, field)}
		}
		n, err := strconv.ParseFloat(string(value), 64)
		if err != nil || value[0] == '"' {
			return &LineError{File: in.name, Line: int(lineOf(i)), Column: offsetIn(line, value) + 1, Msg: fmt.Sprintf("%q must be a number to order the log by, found %s", field, preview(value))}
		}
		keys[i] = n
	}
	order := make([]int, len(refs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		return 0
	})
	sorted := make([]globalRef, len(refs))
	for i, o := range order {
		if i > 0 && keys[o] == keys[order[i-1]] {
			first, again := where[order[i-1]], where[o]
			return &LineError{File: inputs[again.pos>>posShift].name, Line: int(lineOf(o)),
				Msg: fmt.Sprintf("%q %s again: %s:%d has it too; ordering the log by %q needs each value once", field, strconv.FormatFloat(keys[o], 'g', -1, 64), inputs[first.pos>>posShift].name, lineOf(order[i-1]), field)}
		}
		sorted[i] = refs[o]
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.global.field != field {
		return errors.New("the global order changed while it was worked out")
	}
	l.global.refs, l.global.sorted = sorted, true
	return nil
}

// ReadGlobal implements [replay.GlobalReader]; see (*Log).ReadGlobal.
// An event that does not decode stops the read with a *LineError.
func (t *Typed[E]) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[E], error) {
	read, err := t.l.ReadGlobal(ctx, streams, from, limit)
	if err != nil {
		return nil, err
	}
	out := make([]replay.GlobalEvent[E], len(read))
	for i, ge := range read {
		ev := ge.Event
		e, err := t.codec.Decode(ev.Payload)
		if err != nil {
			return nil, t.l.decodeError(ctx, ev.Stream, ev.Seq, err)
		}
		out[i] = replay.GlobalEvent[E]{Position: ge.Position, Event: replay.Event[E]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: e}}
	}
	return out, nil
}

// GlobalPositions implements [replay.GlobalPositioner]; see
// (*Log).GlobalPositions.
func (t *Typed[E]) GlobalPositions(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]uint64, error) {
	return t.l.GlobalPositions(ctx, streams, from, limit)
}
