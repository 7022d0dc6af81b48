package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/replay"
)

// watch is an expression shown at every step.
type watch[S, E any] struct {
	source string
	eval   Evaluator[S, E]
}

// watchValue is a watch's value at the shown seq.
type watchValue struct {
	source  string
	value   string
	absent  bool // no value: a path the state does not have
	changed bool // it differs from its value at the seq before
}

// investigator runs the searches of the debugger (continue, reverse
// continue, bisect, blame), one at a time, and play; it keeps the watches
// and the last condition.
type investigator[S, E any] struct {
	c        *common[S, E]
	watches  []watch[S, E]
	lastCond string
	history  []changes.BlameEntry // the last value blamed

	// The watches are saved one save at a time, and not before those
	// saved earlier are loaded: a save is of all of them.
	watchesLoaded, savingWatches, watchesUnsaved bool

	job  *job // the search running, if any
	jobs int  // jobs started, to tell a late report from the current one

	playing   bool
	playEvery time.Duration
	playGen   int
	playStop  Evaluator[S, E]
	playFrom  replay.Seq
}

// job is a search running in the background; esc stops it at once.
type job struct {
	id      int
	what    string
	cancel  context.CancelFunc
	reached replay.Seq // the seq it has got to, as last reported
	// keepSeq leaves the selection where it is when the job stops (a
	// plot: where it got to is no place to go).
	keepSeq bool
	// overStreams is a search of every stream (f), which has got through
	// streamsDone of streams.
	overStreams          bool
	streamsDone, streams int
}

// jobMsg reports a job's progress, or its end (done).
type jobMsg struct {
	id       int
	reached  replay.Seq
	done     bool
	seq      replay.Seq // where to go
	found    bool
	blame    []changes.BlameEntry
	plot     *plotted
	foundAll *foundResults // what a search of every stream found
	// streamsDone of streams are searched (a search of every stream)
	streamsDone, streams int
	message              string
	err                  error
	next                 <-chan jobMsg
}

func (m jobMsg) withNext(ch <-chan jobMsg) jobMsg { m.next = ch; return m }

// start runs search in the background: it reports progress through the
// function it is given, and its outcome as the final jobMsg. The command
// it returns starts it (never Update) and brings its first report.
func (in *investigator[S, E]) start(ctx context.Context, what string, from replay.Seq, search func(ctx context.Context, progress func(replay.Seq)) jobMsg) tea.Cmd {
	return in.begin(ctx, what, from, func(ctx context.Context, report func(jobMsg)) jobMsg {
		return search(ctx, func(at replay.Seq) { report(jobMsg{reached: at}) })
	})
}

// begin is start for a search that reports its progress in its own
// terms (streams searched, not a seq reached): report may be called from
// several goroutines at once.
func (in *investigator[S, E]) begin(ctx context.Context, what string, from replay.Seq, search func(ctx context.Context, report func(jobMsg)) jobMsg) tea.Cmd {
	in.stop()
	in.jobs++
	ctx, cancel := context.WithCancel(ctx)
	j := &job{id: in.jobs, what: what, cancel: cancel, reached: from}
	in.job = j
	return func() tea.Msg {
		ch := make(chan jobMsg, 1)
		go func() {
			defer close(ch)
			msg := search(ctx, func(progress jobMsg) {
				progress.id = j.id
				select { // drop a report when the last is not read yet
				case ch <- progress:
				default:
				}
			})
			msg.id, msg.done = j.id, true
			select { // nobody reads the answer of a job stopped or replaced
			case ch <- msg:
			case <-ctx.Done():
			}
		}()
		return listen(ch)()
	}
}

// stop ends the running job, if any, and says where it had got to.
func (in *investigator[S, E]) stop() (what string, reached replay.Seq, stopped bool) {
	j := in.job
	if j == nil {
		return "", 0, false
	}
	j.cancel()
	in.job = nil
	return j.what, j.reached, true
}

// condition makes a replay.Condition of an evaluator: it must give true
// or false.
func condition[S, E any](source string, eval Evaluator[S, E]) replay.Condition[S, E] {
	return func(s S, ev replay.Event[E]) (bool, error) {
		v, err := eval(s, ev)
		if err != nil {
			return false, err
		}
		b, ok := v.(bool)
		if !ok {
			return false, fmt.Errorf("%q gave %v, not true or false", source, v)
		}
		return b, nil
	}
}

// watchesChange is the condition "a watch changes", for c and C with no
// expression: it compares each watch with its value at the seq before.
func watchesChange[S, E any](watches []watch[S, E]) replay.Condition[S, E] {
	type value struct {
		text   string
		absent bool
	}
	var last []value
	return func(s S, ev replay.Event[E]) (bool, error) {
		now := make([]value, len(watches))
		for i, w := range watches {
			now[i].text, now[i].absent = evaluate(w.eval, s, ev)
		}
		changed := last != nil && !slices.Equal(now, last)
		last = now
		return changed, nil
	}
}

// conditionFor compiles a condition; "" means "a watch changes".
func (in *investigator[S, E]) conditionFor(source string) (replay.Condition[S, E], error) {
	if source == "" {
		if len(in.watches) == 0 {
			return nil, errors.New("no condition, and no watch to wait for (w adds one)")
		}
		return watchesChange(in.watches), nil
	}
	if in.c.cfg.Compile == nil {
		return nil, errors.New("this debugger has no expressions")
	}
	eval, err := in.c.cfg.Compile(source)
	if err != nil {
		return nil, err
	}
	return condition(source, eval), nil
}

// continueTo looks forward (or backward) from seq from for the nearest
// seq where the condition holds.
func (in *investigator[S, E]) continueTo(ctx context.Context, tl *replay.Timeline[S, E], from replay.Seq, source string, backward bool) (tea.Cmd, error) {
	cond, err := in.conditionFor(source)
	if err != nil {
		return nil, err
	}
	in.lastCond = source
	what := "continue"
	if backward {
		what = "reverse-continue"
	}
	watching := source == ""
	if watching {
		source = "a watch changes"
	}
	return in.start(ctx, what+" until "+source, from, func(ctx context.Context, progress func(replay.Seq)) jobMsg {
		var seq replay.Seq
		var ok bool
		var cost replay.ScanCost
		var err error
		if backward {
			seq, ok, cost, err = tl.ReverseContinue(ctx, from, cond, progress)
		} else {
			seq, ok, cost, err = tl.Continue(ctx, from, cond, progress)
		}
		msg := jobMsg{seq: seq, found: ok, err: err}
		took := fmt.Sprintf("(%s folded in %s)", plural(cost.Folded, "event"), cost.Took.Round(time.Microsecond))
		switch {
		case err != nil:
		case ok && watching:
			msg.message = fmt.Sprintf("a watch changes at seq %d %s", seq, took)
		case ok:
			msg.message = fmt.Sprintf("%s: seq %d %s", source, seq, took)
		case watching && backward:
			msg.message = fmt.Sprintf("no watch changes before seq %d", from)
		case watching:
			msg.message = fmt.Sprintf("no watch changes after seq %d", from)
		case backward:
			msg.message = fmt.Sprintf("no seq before %d where %s", from, source)
		default:
			msg.message = fmt.Sprintf("no seq after %d where %s", from, source)
		}
		return msg
	}), nil
}

// bisect finds, by bisection, the first seq where the condition holds:
// for an invariant that breaks and stays broken.
func (in *investigator[S, E]) bisect(ctx context.Context, tl *replay.Timeline[S, E], last replay.Seq, source string) (tea.Cmd, error) {
	if source == "" {
		return nil, errors.New("bisect needs a condition")
	}
	cond, err := in.conditionFor(source)
	if err != nil {
		return nil, err
	}
	in.lastCond = source
	return in.start(ctx, "bisect "+source, 0, func(ctx context.Context, _ func(replay.Seq)) jobMsg {
		seq, cost, err := tl.Bisect(ctx, 0, last, cond)
		if errors.Is(err, replay.ErrConditionNeverHolds) {
			return jobMsg{message: fmt.Sprintf("%s does not hold at the last seq (%d): nothing to bisect", source, last)}
		}
		if err != nil {
			return jobMsg{err: err}
		}
		return jobMsg{seq: seq, found: true, message: fmt.Sprintf("%s first holds at seq %d (bisected in %d seeks, %s folded)", source, seq, cost.Seeks, plural(cost.Folded, "event"))}
	}), nil
}

// blame lists the events that changed the value at path up to seq until.
func (in *investigator[S, E]) blame(ctx context.Context, stream replay.StreamKey, path string, until replay.Seq) tea.Cmd {
	cfg := in.c.cfg
	h := changes.History[S, E]{Log: cfg.Log, Stream: stream, Apply: cfg.Apply, Initial: cfg.Initial, Diff: cfg.Diff, Summary: cfg.Summary}
	return in.start(ctx, "blame "+path, until, func(ctx context.Context, progress func(replay.Seq)) jobMsg {
		entries, err := changes.Blame(ctx, h, path, until, progress)
		msg := jobMsg{blame: entries, err: err}
		switch {
		case err != nil:
		case len(entries) == 0:
			msg.message = "no event changed " + path
		default:
			last := entries[len(entries)-1]
			msg.message = fmt.Sprintf("%s was last changed at seq %d (%s in all)", path, last.Seq, plural(len(entries), "change"))
		}
		return msg
	})
}

// addWatch compiles a watch and adds it, or replaces watch number editing
// (-1: none).
func (in *investigator[S, E]) addWatch(source string, editing int) error {
	if in.c.cfg.Compile == nil {
		return errors.New("this debugger has no expressions")
	}
	eval, err := in.c.cfg.Compile(source)
	if err != nil {
		return err
	}
	w := watch[S, E]{source: source, eval: eval}
	if editing >= 0 && editing < len(in.watches) {
		in.watches[editing] = w
	} else {
		in.watches = append(in.watches, w)
	}
	return nil
}

// playTickMsg steps the play.
type playTickMsg struct{ gen int }

func (in *investigator[S, E]) playTick() tea.Cmd {
	gen := in.playGen
	return tea.Tick(in.playEvery, func(time.Time) tea.Msg { return playTickMsg{gen} })
}

// togglePlay starts or stops playing: stepping forward by itself until a
// bookmark, the play condition (the last of c), or the end.
func (in *investigator[S, E]) togglePlay(from replay.Seq) (tea.Cmd, string) {
	in.playGen++
	if in.playing {
		in.playing = false
		return nil, "stopped"
	}
	in.playing, in.playStop, in.playFrom = true, nil, from
	if in.lastCond != "" && in.c.cfg.Compile != nil {
		if eval, err := in.c.cfg.Compile(in.lastCond); err == nil {
			in.playStop = eval
		}
	}
	return in.playTick(), ""
}

// stopPlay stops at the shown seq and says why.
func (in *investigator[S, E]) stopPlay(why string) string {
	in.playing = false
	in.playGen++
	return "play stopped: " + why
}

// Messages of the watches kept with the bookmarks.
type (
	// watchesLoadedMsg is the watches saved for this log and apply.
	watchesLoadedMsg[S, E any] struct {
		watches []watch[S, E]
		err     error // says which did not compile
	}
	// watchesSavedMsg ends a save of the watches.
	watchesSavedMsg struct{ err error }
)

// loadWatchesCmd reads the watches saved, and compiles them. One that
// no longer compiles is kept, its value the error, so that it can be
// edited rather than lost.
func loadWatchesCmd[S, E any](cfg *Config[S, E]) tea.Cmd {
	return func() tea.Msg {
		var msg watchesLoadedMsg[S, E]
		var failed []error
		for _, source := range cfg.Bookmarks.Watches() {
			eval, err := cfg.Compile(source)
			if err != nil {
				failed = append(failed, fmt.Errorf("%s: %w", source, err))
				eval = func(S, replay.Event[E]) (any, error) { return nil, err }
			}
			msg.watches = append(msg.watches, watch[S, E]{source: source, eval: eval})
		}
		if len(failed) > 0 {
			msg.err = wrapErr("a saved watch does not compile (W lists it)", errors.Join(failed...))
		}
		return msg
	}
}

// adoptWatches puts the watches saved before those added since the
// debugger opened, and saves them all if any were.
func (in *investigator[S, E]) adoptWatches(saved []watch[S, E]) tea.Cmd {
	for _, w := range in.watches {
		if !slices.ContainsFunc(saved, func(s watch[S, E]) bool { return s.source == w.source }) {
			saved = append(saved, w)
		}
	}
	in.watches, in.watchesLoaded = saved, true
	if in.watchesUnsaved {
		return in.saveWatches()
	}
	return nil
}

// saveWatches saves the watches as they are now, in a command; while
// another save runs, or before the saved ones are loaded, it saves them
// once that is done.
func (in *investigator[S, E]) saveWatches() tea.Cmd {
	if !in.watchesLoaded || in.savingWatches {
		in.watchesUnsaved = true
		return nil
	}
	in.savingWatches, in.watchesUnsaved = true, false
	sources := make([]string, len(in.watches))
	for i, w := range in.watches {
		sources[i] = w.source
	}
	store := in.c.cfg.Bookmarks
	return func() tea.Msg {
		return watchesSavedMsg{err: wrapErr("saving the watches", store.SaveWatches(sources))}
	}
}

// watchesSaved ends a save, and saves again what changed meanwhile.
func (in *investigator[S, E]) watchesSaved() tea.Cmd {
	in.savingWatches = false
	if in.watchesUnsaved {
		return in.saveWatches()
	}
	return nil
}
