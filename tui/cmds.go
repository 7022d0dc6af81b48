package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
)

// Every command below does its I/O and folding off the Update loop and
// reports back with a message. Messages that may come late carry what
// they were for (a stream, a generation), and Update drops stale ones.

// seekedMsg is the outcome of a seek: the state at seq, what changed to
// it (from the event before, or from the mark), and the watches.
type seekedMsg[S any] struct {
	gen     int
	seq     replay.Seq
	state   S
	ok      bool // state holds the state at seq
	changes []Change
	mark    replay.Seq // the changes are from this seq (0: from seq-1)
	doc     Doc
	watches []watchValue
	stop    bool // the play condition holds here
	cost    replay.SeekCost
	err     error // why the state at seq is not there
	failed  replay.Seq
}

// seekReq is what a seek computes besides the state.
type seekReq[S, E any] struct {
	seq     replay.Seq
	mark    replay.Seq // diff from this seq instead of seq-1 (0: none)
	hasMark bool
	watches []watch[S, E]
	stopIf  Evaluator[S, E] // play stops where this holds
}

// seekCmd folds to seq-1 and then seq (one more apply), diffs the two (or
// the mark and seq), evaluates the watches on both and lays the state
// out, all off the UI loop.
func seekCmd[S, E any](ctx context.Context, cfg *Config[S, E], tl *replay.Timeline[S, E], gen int, req seekReq[S, E]) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		seq := req.seq
		msg := seekedMsg[S]{gen: gen, seq: seq}
		var before S
		if req.hasMark {
			b, cost, err := tl.Seek(ctx, req.mark)
			if err != nil {
				return failed(msg, err, start)
			}
			before, msg.mark, msg.cost = b, req.mark, cost
		}
		var prev S // the state before the event at seq
		if seq > 0 {
			b, cost, err := tl.Seek(ctx, seq-1)
			if !req.hasMark {
				msg.cost = cost
			} else {
				msg.cost.Folded += cost.Folded
			}
			if err != nil {
				return failed(msg, err, start)
			}
			prev = b
		} else {
			prev = cfg.Initial
		}
		if !req.hasMark {
			before = prev
		}
		state, cost, err := tl.Seek(ctx, seq)
		if seq == 0 && !req.hasMark {
			msg.cost = cost
		} else {
			msg.cost.Folded += cost.Folded
		}
		if err != nil {
			return failed(msg, err, start)
		}
		msg.state, msg.ok = state, true
		if seq > 0 || req.hasMark {
			msg.changes = cfg.Diff(before, state)
		}
		if len(req.watches) > 0 || req.stopIf != nil {
			var evs []replay.Event[E]
			if seq > 0 {
				evs, _ = cfg.Log.Read(ctx, tl.Stream(), max(seq-1, 1), 2)
			}
			var ev, prevEv replay.Event[E]
			for _, e := range evs {
				switch e.Seq {
				case seq:
					ev = e
				case seq - 1:
					prevEv = e
				}
			}
			for _, w := range req.watches {
				now := evaluate(w.eval, state, ev)
				was := evaluate(w.eval, prev, prevEv)
				msg.watches = append(msg.watches, watchValue{source: w.source, value: now, changed: seq > 0 && now != was})
			}
			if req.stopIf != nil && seq > 0 {
				v, err := req.stopIf(state, ev)
				msg.stop = err == nil && v == true
			}
		}
		msg.doc = cfg.Doc(state)
		msg.cost.Took = time.Since(start)
		return msg
	}
}

// evaluate renders an expression's value, or its error, for a watch.
func evaluate[S, E any](eval Evaluator[S, E], state S, ev replay.Event[E]) string {
	v, err := eval(state, ev)
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("%v", v)
}

func failed[S any](msg seekedMsg[S], err error, start time.Time) seekedMsg[S] {
	msg.err, msg.cost.Took = err, time.Since(start)
	var ae *replay.ApplyError
	if errors.As(err, &ae) {
		msg.failed = ae.Seq
	}
	return msg
}

// pageSize is how many events the event list loads at a time.
const pageSize = 128

// pageMsg brings a page of events for the event list.
type pageMsg[E any] struct {
	stream replay.StreamKey
	first  replay.Seq // the page's first seq
	events []replay.Event[E]
	err    error
}

func pageCmd[E any](ctx context.Context, log replay.Log[E], stream replay.StreamKey, first replay.Seq) tea.Cmd {
	return func() tea.Msg {
		events, err := log.Read(ctx, stream, first, pageSize)
		return pageMsg[E]{stream: stream, first: first, events: events, err: err}
	}
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
			return lastMsg{stream: stream, last: last, final: done}
		}
	}
	return func() tea.Msg {
		last, err := tl.Last(ctx)
		return lastMsg{stream: stream, last: last, final: !cfg.Follow, err: err}
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

type streamsMsg struct {
	infos []StreamInfo
	err   error
}

func streamsCmd[S, E any](ctx context.Context, cfg *Config[S, E]) tea.Cmd {
	return func() tea.Msg {
		infos, err := cfg.Streams(ctx)
		return streamsMsg{infos, err}
	}
}

// tickMsg refreshes progress while something runs in the background.
type tickMsg struct{}

func tick(every time.Duration) tea.Cmd {
	return tea.Tick(every, func(time.Time) tea.Msg { return tickMsg{} })
}

// progress is shared with a background job, read on each tick.
type progress struct {
	done, total atomic.Uint64
	running     atomic.Bool
	err         atomic.Pointer[error]
}

// buildKeyframes starts building the stream's keyframes in the
// background; prog follows it.
func buildKeyframes[S, E any](ctx context.Context, tl *replay.Timeline[S, E], prog *progress) {
	prog.running.Store(true)
	go func() {
		defer prog.running.Store(false)
		err := tl.BuildKeyframes(ctx, func(done, total replay.Seq) {
			prog.done.Store(uint64(done))
			prog.total.Store(uint64(total))
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			prog.err.Store(&err)
		}
	}()
}

// foundMsg is the outcome of a search or of a go-to-time.
type foundMsg struct {
	gen   int
	seq   replay.Seq
	found bool
	what  string
	err   error
}

// searchCmd looks for the next (or previous) event after from whose line
// contains text, ignoring case.
func searchCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, gen int, from replay.Seq, text string, backward bool) tea.Cmd {
	needle := strings.ToLower(text)
	return func() tea.Msg {
		match := func(ev replay.Event[E]) bool {
			return strings.Contains(strings.ToLower(cfg.Line(ev)), needle)
		}
		if !backward {
			for ev, err := range replay.From(ctx, cfg.Log, stream, from+1) {
				if err != nil {
					return foundMsg{gen: gen, err: err}
				}
				if match(ev) {
					return foundMsg{gen: gen, seq: ev.Seq, found: true, what: text}
				}
			}
			return foundMsg{gen: gen, what: text}
		}
		for hi := from; hi > 1; {
			lo := replay.Seq(max(int64(hi)-int64(pageSize), 1))
			events, err := cfg.Log.Read(ctx, stream, lo, int(hi-lo))
			if err != nil {
				return foundMsg{gen: gen, err: err}
			}
			for i := len(events) - 1; i >= 0; i-- {
				if match(events[i]) {
					return foundMsg{gen: gen, seq: events[i].Seq, found: true, what: text}
				}
			}
			hi = lo
		}
		return foundMsg{gen: gen, what: text}
	}
}

// atTimeCmd finds the last event at or before t.
func atTimeCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, gen int, t time.Time, what string) tea.Cmd {
	return func() tea.Msg {
		seq, found, err := replay.SeqAt(ctx, cfg.Log, stream, t)
		return foundMsg{gen: gen, seq: seq, found: found, what: what, err: err}
	}
}

type bookmarkedMsg struct {
	seq  replay.Seq
	note string
	err  error
}

func bookmarkCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, seq replay.Seq, state S, at time.Time, note string) tea.Cmd {
	return func() tea.Msg {
		digest, err := bookmarks.Digest(ctx, cfg.Log, stream, seq, cfg.Line)
		if err == nil {
			err = cfg.Bookmarks.Add(replay.Checkpoint[S]{Stream: stream, Seq: seq, State: state}, note, at, digest)
		}
		return bookmarkedMsg{seq: seq, note: note, err: err}
	}
}

// verifiedMsg: the bookmarks of a stream were checked against the log.
type verifiedMsg struct {
	stream replay.StreamKey
	// stale counts the bookmarks of the stream that are not used, and
	// reasons says why, each reason once.
	stale   int
	reasons []string
	quiet   bool // the user did not ask: say nothing but errors
	err     error
}

// verifyCmd checks the events of the stream's unverified bookmarks, so
// that bookmarks from an earlier session (or another debugger) are used
// as checkpoints only when their events still match, and reports those
// that are not used and why. Nil when there is nothing to check or
// report. After a change of the user's, which brings in what other
// debuggers saved meanwhile, it checks only what is new, quietly.
func verifyCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, afterChange bool) tea.Cmd {
	needed := func(b bookmarks.Bookmark) bool {
		return b.Status == bookmarks.Unverified || !afterChange && b.Status == bookmarks.Stale
	}
	if !slices.ContainsFunc(cfg.Bookmarks.List(stream), needed) {
		return nil
	}
	return func() tea.Msg {
		if err := bookmarks.VerifyStream(ctx, cfg.Bookmarks, cfg.Log, stream, cfg.Line); err != nil {
			return verifiedMsg{stream: stream, err: err}
		}
		msg := verifiedMsg{stream: stream, quiet: afterChange}
		for _, b := range cfg.Bookmarks.List(stream) {
			if b.Status == bookmarks.Stale {
				msg.stale++
				if !slices.Contains(msg.reasons, b.Reason) {
					msg.reasons = append(msg.reasons, b.Reason)
				}
			}
		}
		return msg
	}
}

type bookmarkChangedMsg struct{ err error }

func renameCmd[S any](store *bookmarks.Store[S], k bookmarks.Key, note string) tea.Cmd {
	return func() tea.Msg { return bookmarkChangedMsg{store.Rename(k, note)} }
}

func deleteCmd[S any](store *bookmarks.Store[S], k bookmarks.Key) tea.Cmd {
	return func() tea.Msg { return bookmarkChangedMsg{store.Delete(k)} }
}
