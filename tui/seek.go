package tui

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
)

// Every command here does its I/O and folding off the Update loop and
// reports back with a message. Messages that may come late carry what
// they were for (a stream, a generation), and Update drops stale ones.

// seekedMsg is the outcome of a seek: the state at seq, the event there,
// what changed to it (from the event before, or from the mark), and the
// watches.
type seekedMsg[S, E any] struct {
	stream  replay.StreamKey
	gen     int
	seq     replay.Seq
	state   S
	ok      bool // state holds the state at seq
	event   replay.Event[E]
	line    string // the event's line (Config.Line), at its own seq
	origin  string // in the global order: the event's own stream and seq ("acct-bob seq 4")
	changes []Change
	mark    replay.Seq // the changes are from this seq (0: from seq-1)
	hasMark bool
	doc     Doc
	watches []watchValue
	stop    bool // the play condition holds here
	cost    replay.SeekCost
	err     error         // why the state at seq is not there
	other   *otherSide[S] // the state under Config.Against, if set
}

// seekReq is what a seek computes besides the state.
type seekReq[S, E any] struct {
	seq     replay.Seq
	mark    replay.Seq // diff from this seq instead of seq-1
	hasMark bool
	watches []watch[S, E]
	stopIf  Evaluator[S, E] // play stops where this holds
	against *replay.Timeline[S, E]
}

// seekCmd folds to seq-1 and then seq (one more apply), diffs the two (or
// the mark and seq), evaluates the watches on both and lays the state
// out, all off the UI loop. The cost it reports is what reaching seq
// took: the seek's origin, and every event folded on the way, once.
func seekCmd[S, E any](ctx context.Context, cfg *Config[S, E], tl *replay.Timeline[S, E], gen int, req seekReq[S, E]) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		seq := req.seq
		msg := seekedMsg[S, E]{stream: tl.Stream(), gen: gen, seq: seq, mark: req.mark, hasMark: req.hasMark}
		done := func(err error) tea.Msg {
			msg.err, msg.cost.Took = err, time.Since(start)
			return msg
		}
		if req.against != nil {
			msg.other = seekAgainst(ctx, cfg, req.against, seq)
		}
		// The cost shown: where the first seek that folded anything
		// started (else where the last one did), and all that was folded.
		var folded int
		var first *replay.SeekCost
		seek := func(at replay.Seq) (S, error) {
			s, cost, err := tl.Seek(ctx, at)
			if first == nil && cost.Folded > 0 {
				first = &cost
			}
			if first == nil {
				msg.cost = cost
			} else {
				msg.cost = *first
			}
			folded += cost.Folded
			return s, err
		}
		// The mark first, unless it is seq or seq-1 (then its state comes
		// on the way): the timeline ends at seq, for the next step.
		var before S
		markApart := req.hasMark && req.mark != seq && req.mark+1 != seq
		if markApart {
			b, err := seek(req.mark)
			if err != nil {
				return done(err)
			}
			before = b
		}
		prev := cfg.Initial // the state before the event at seq
		if seq > 0 {
			b, err := seek(seq - 1)
			if err != nil {
				return done(err)
			}
			prev = b
		}
		state, err := seek(seq)
		if err != nil {
			return done(err)
		}
		msg.cost.Folded = folded
		switch {
		case !req.hasMark || req.mark+1 == seq:
			before = prev
		case req.mark == seq:
			before = state
		}
		msg.state, msg.ok = state, true
		if seq > 0 || req.hasMark {
			msg.changes = cfg.Diff(before, state)
		}
		var prevEv replay.Event[E]
		if seq > 0 {
			evs, err := cfg.Log.Read(ctx, tl.Stream(), max(seq-1, 1), 2)
			if err != nil {
				return done(err)
			}
			for _, e := range evs {
				switch e.Seq {
				case seq:
					msg.event = e
				case seq - 1:
					prevEv = e
				}
			}
			if msg.event.Seq == seq {
				msg.line, msg.origin = ownLine(ctx, cfg, tl.Stream(), msg.event)
			}
		}
		for _, w := range req.watches {
			now, absent := evaluate(w.eval, state, msg.event)
			was, wasAbsent := evaluate(w.eval, prev, prevEv)
			changed := seq > 0 && (now != was || absent != wasAbsent)
			msg.watches = append(msg.watches, watchValue{source: w.source, value: now, absent: absent, changed: changed})
		}
		if req.stopIf != nil && seq > 0 {
			v, err := req.stopIf(state, msg.event)
			msg.stop = err == nil && v == true
		}
		if o := msg.other; o != nil && o.ok {
			o.diffs = cfg.Diff(state, o.state)
		}
		msg.doc = cfg.Doc(state)
		msg.cost.Took = time.Since(start)
		return msg
	}
}

// evaluate renders an expression's value, or its error, for a watch;
// absent reports no value at all (a path the state does not have).
func evaluate[S, E any](eval Evaluator[S, E], state S, ev replay.Event[E]) (text string, absent bool) {
	v, err := eval(state, ev)
	switch {
	case err != nil:
		return "error: " + err.Error(), false
	case v == nil:
		return "", true
	}
	if rv := reflect.ValueOf(v); (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) && rv.IsNil() {
		return "", true // a typed nil: fmt would say <nil>
	}
	return fmt.Sprintf("%v", v), false
}

// lastMsg reports how far the stream goes.
type lastMsg struct {
	stream replay.StreamKey
	last   replay.Seq
	final  bool // no more events will come (the log is read to the end)
	err    error
}

func lastCmd[S, E any](ctx context.Context, cfg *Config[S, E], tl *replay.Timeline[S, E]) tea.Cmd {
	stream := tl.Stream()
	if cfg.Indexed != nil {
		return func() tea.Msg {
			last, done := cfg.Indexed(stream)
			return lastMsg{stream: stream, last: last, final: done && !cfg.Follow}
		}
	}
	return func() tea.Msg {
		last, err := tl.Last(ctx)
		return lastMsg{stream: stream, last: last, final: !cfg.Follow, err: err}
	}
}

// readingMsg is how reading a log in the background goes: how far it
// has got, and its health (Config.Health).
type readingMsg struct {
	done, total int64
	stopped     bool
	note        string
}

func readingCmd[S, E any](cfg *Config[S, E]) tea.Cmd {
	if cfg.Reading == nil && cfg.Health == nil {
		return nil
	}
	return func() tea.Msg {
		var msg readingMsg
		if cfg.Reading != nil {
			msg.done, msg.total = cfg.Reading()
		}
		if cfg.Health != nil {
			msg.stopped, msg.note = cfg.Health()
		}
		return msg
	}
}

// firstStreamMsg names the stream to open first.
type firstStreamMsg struct {
	stream replay.StreamKey
	err    error
}

func firstStreamCmd[S, E any](ctx context.Context, cfg *Config[S, E]) tea.Cmd {
	return func() tea.Msg {
		key, err := cfg.FirstStream(ctx)
		return firstStreamMsg{key, err}
	}
}

// tickMsg polls what runs in the background and cannot send messages of
// its own: a log being read, or followed.
type tickMsg struct{}

func tick(every time.Duration) tea.Cmd {
	return tea.Tick(every, func(time.Time) tea.Msg { return tickMsg{} })
}

// Progress of background work comes as messages from a channel: a
// command waits for the next one and is issued again until the channel
// closes.

// keyframesMsg reports the keyframe build: how far it has got, or its end.
type keyframesMsg struct {
	stream      replay.StreamKey
	done, total replay.Seq
	finished    bool
	err         error
	next        <-chan keyframesMsg
}

// buildKeyframesCmd builds the stream's keyframes in the background and
// reports its progress: the command starts the build (never Update) and
// brings its first report; listen brings the next ones.
func buildKeyframesCmd[S, E any](ctx context.Context, tl *replay.Timeline[S, E]) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan keyframesMsg, 1)
		stream := tl.Stream()
		go func() {
			defer close(ch)
			err := tl.BuildKeyframes(ctx, func(done, total replay.Seq) {
				select { // drop a report when the last is not read yet
				case ch <- keyframesMsg{stream: stream, done: done, total: total}:
				default:
				}
			})
			if errors.Is(err, context.Canceled) {
				err = nil
			}
			ch <- keyframesMsg{stream: stream, finished: true, err: err}
		}()
		return listen(ch)()
	}
}

// listen waits for the next message of ch.
func listen[M interface{ withNext(<-chan M) M }](ch <-chan M) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg.withNext(ch)
	}
}

func (m keyframesMsg) withNext(ch <-chan keyframesMsg) keyframesMsg { m.next = ch; return m }

// ownLine is Config.Line of ev, an event of stream, as its own stream
// has it: an event of the global order (replay.GlobalLog) has its place
// there as its seq, which its line would show as its seq in its stream.
// For such an event it also says where it stands in its own stream.
func ownLine[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, ev replay.Event[E]) (line, origin string) {
	if g, ok := cfg.Log.(*replay.GlobalLog[E]); ok && g.Key() == stream {
		own, seq, err := g.Origin(ctx, ev.Seq)
		if err != nil {
			return "", ""
		}
		ev.Stream, ev.Seq = own, seq
		origin = fmt.Sprintf("%s seq %d", clean(string(own)), seq)
	}
	return cfg.Line(ev), origin
}
