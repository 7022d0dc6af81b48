package jsonl

import (
	"context"
	"errors"
	"fmt"
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
// Its fields are guarded by the Log's mu, except build.
type globalOrder struct {
	field string // "": file order
	refs  []globalRef
	// merged counts, per stream (by its place in Log.order), the events
	// refs holds, in file order.
	merged []int
	sorted bool // refs is in field order (the whole log)
	build  sync.Mutex
}

// globalRef is one event of the global order: its stream (by its place
// in Log.order) and its seq there.
type globalRef struct {
	stream uint32
	seq    uint32
}

var _ replay.GlobalReader[jsonv.Payload] = (*Log)(nil)

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
	g.field, g.refs, g.merged, g.sorted = field, nil, nil, false
}

// ReadGlobal implements [replay.GlobalReader]. Positions are places in
// the global order of the whole log: 1 for its first event. In file
// order, events not indexed yet are waited for.
func (l *Log) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[jsonv.Payload], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read the global order: limit must be positive, got %d", limit)
	}
	from = max(from, 1)
	l.mu.Lock()
	field := l.global.field
	l.mu.Unlock()
	if field != "" {
		if err := l.sortGlobal(ctx); err != nil {
			return nil, err
		}
	}
	var want map[replay.StreamKey]bool
	if len(streams) > 0 {
		want = make(map[replay.StreamKey]bool, len(streams))
		for _, s := range streams {
			want[s] = true
		}
	}
	type found struct {
		at  uint64
		key replay.StreamKey
		seq replay.Seq
		pos uint64
		no  uint32
	}
	var picked []found
	l.mu.Lock()
	for next := from; ; {
		l.mergeGlobal()
		refs := l.global.refs
		for ; next <= uint64(len(refs)) && len(picked) < limit; next++ {
			r := refs[next-1]
			key := l.order[r.stream]
			if want != nil && !want[key] {
				continue
			}
			pos, no := l.streams[key].at(int(r.seq) - 1)
			picked = append(picked, found{at: next, key: key, seq: replay.Seq(r.seq), pos: pos, no: no})
		}
		if len(picked) > 0 || l.global.sorted {
			break
		}
		// None of it is indexed yet: wait for more lines, unless indexing
		// is over (or has caught up with a followed file).
		seen := l.stats.Events
		if err := l.waitFor(ctx, func() bool { return l.stats.Events > seen || l.err != nil }); err != nil {
			l.mu.Unlock()
			return nil, err
		}
		if l.stats.Events == seen {
			break
		}
	}
	inputs := l.inputs
	indexErr := l.err
	l.mu.Unlock()
	if len(picked) == 0 && indexErr != nil {
		return nil, indexErr
	}
	pos := make([]uint64, len(picked))
	for i, f := range picked {
		pos[i] = f.pos
	}
	events := make([]replay.GlobalEvent[jsonv.Payload], len(picked))
	var win window
	for i, f := range picked {
		in := inputs[f.pos>>posShift]
		if in.truncated.Load() {
			return nil, fmt.Errorf("%s:%d: stream %q seq %d: %w", in.name, f.no, f.key, f.seq, errGone)
		}
		line, err := win.line(in.file, int64(f.pos&posMask), pos[i:])
		var ev replay.Event[jsonv.Payload]
		if err == nil {
			ev, err = parseEvent(line, f.seq)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: reading stream %q seq %d back: %v (did the file change after it was opened?)", in.name, f.no, f.key, f.seq, err)
		}
		if ev.Stream != f.key {
			return nil, fmt.Errorf("%s:%d: expected an event of stream %q, found %q: the file changed after it was opened", in.name, f.no, f.key, ev.Stream)
		}
		events[i] = replay.GlobalEvent[jsonv.Payload]{Position: f.at, Event: ev}
	}
	return events, nil
}

// mergeGlobal adds the events indexed since it last ran to the file
// order, by their offsets: every event indexed lies before every event
// not indexed yet, so the order only ever grows at its end. Call with
// l.mu held.
func (l *Log) mergeGlobal() {
	g := &l.global
	if g.sorted || len(g.refs) == l.stats.Events {
		return // every event indexed is in it already
	}
	type fresh struct {
		pos uint64
		ref globalRef
	}
	var news []fresh
	for i, key := range l.order {
		if i == len(g.merged) {
			g.merged = append(g.merged, 0)
		}
		st := l.streams[key]
		if from := g.merged[i]; from < st.n {
			pos := make([]uint64, st.n-from)
			st.run(pos, make([]uint32, len(pos)), from)
			for k, p := range pos {
				news = append(news, fresh{pos: p, ref: globalRef{stream: uint32(i), seq: uint32(from + k + 1)}})
			}
		}
		g.merged[i] = st.n
	}
	if len(news) == 0 {
		return
	}
	slices.SortFunc(news, func(a, b fresh) int {
		switch {
		case a.pos < b.pos:
			return -1
		case a.pos > b.pos:
			return 1
		}
		return 0
	})
	g.refs = slices.Grow(g.refs, len(news))
	for _, n := range news {
		g.refs = append(g.refs, n.ref)
	}
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
	l.mu.Lock()
	l.mergeGlobal()
	refs := slices.Clone(l.global.refs)
	type at struct {
		pos uint64
		no  uint32
	}
	where := make([]at, len(refs))
	for i, r := range refs {
		pos, no := l.streams[l.order[r.stream]].at(int(r.seq) - 1)
		where[i] = at{pos, no}
	}
	inputs := l.inputs
	l.mu.Unlock()

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
			return fmt.Errorf("%s:%d: reading the line back to order by %q: %v", in.name, w.no, field, err)
		}
		var value []byte
		_, err = jsonscan.MembersRaw(line, 0, func(key, v []byte) error {
			if string(key) == string(name) {
				value = v
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s:%d: %v", in.name, w.no, lineErrorOf(err))
		}
		if value == nil {
			return &LineError{File: in.name, Line: int(w.no), Msg: fmt.Sprintf("no %q member: ordering the log by %q needs one on every line", field, field)}
		}
		n, err := strconv.ParseFloat(string(value), 64)
		if err != nil || value[0] == '"' {
			return &LineError{File: in.name, Line: int(w.no), Column: offsetIn(line, value) + 1, Msg: fmt.Sprintf("%q must be a number to order the log by, found %s", field, preview(value))}
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
			return &LineError{File: inputs[again.pos>>posShift].name, Line: int(again.no),
				Msg: fmt.Sprintf("%q %s again: %s:%d has it too; ordering the log by %q needs each value once", field, strconv.FormatFloat(keys[o], 'g', -1, 64), inputs[first.pos>>posShift].name, first.no, field)}
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
