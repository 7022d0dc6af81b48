package tui

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

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
	changed bool // it differs from its value at the seq before
}

// job is a long search running in the background (continue,
// reverse-continue, bisect, blame): esc stops it at once.
type job struct {
	what    string
	cancel  context.CancelFunc
	reached atomic.Uint64 // the seq it has got to
	started time.Time
}

// jobDoneMsg ends a job.
type jobDoneMsg struct {
	job     *job
	seq     replay.Seq // where to go
	found   bool
	blame   []BlameEntry
	message string
	err     error
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
	var last []string
	return func(s S, ev replay.Event[E]) (bool, error) {
		now := make([]string, len(watches))
		for i, w := range watches {
			now[i] = evaluate(w.eval, s, ev)
		}
		changed := last != nil && fmt.Sprint(now) != fmt.Sprint(last)
		last = now
		return changed, nil
	}
}

// startJob runs search in the background and reports with jobDoneMsg.
func (m *Model[S, E]) startJob(what string, search func(ctx context.Context, j *job) jobDoneMsg) tea.Cmd {
	if m.job != nil {
		m.job.cancel()
	}
	ctx, cancel := context.WithCancel(m.streamCtx)
	j := &job{what: what, cancel: cancel, started: time.Now()}
	j.reached.Store(uint64(m.cursor))
	m.job = j
	return tea.Batch(func() tea.Msg {
		msg := search(ctx, j)
		msg.job = j
		return msg
	}, m.startTick())
}

// continueTo looks forward (or backward) from the selection for the
// nearest seq where the condition holds.
func (m *Model[S, E]) continueTo(source string, backward bool) tea.Cmd {
	cond, err := m.conditionFor(source)
	if err != nil {
		return m.reopenPrompt(err)
	}
	what, tl, from := "continue", m.tl, m.cursor
	if backward {
		what = "reverse-continue"
	}
	if source == "" {
		source = "a watch changes"
	}
	return m.startJob(what+" until "+source, func(ctx context.Context, j *job) jobDoneMsg {
		progress := func(at replay.Seq) { j.reached.Store(uint64(at)) }
		var seq replay.Seq
		var ok bool
		var cost replay.ScanCost
		var err error
		if backward {
			seq, ok, cost, err = tl.ReverseContinue(ctx, from, cond, progress)
		} else {
			seq, ok, cost, err = tl.Continue(ctx, from, cond, progress)
		}
		msg := jobDoneMsg{seq: seq, found: ok, err: err}
		switch {
		case err != nil:
		case ok:
			msg.message = fmt.Sprintf("%s: seq %d (%d events folded in %s)", source, seq, cost.Folded, cost.Took.Round(time.Microsecond))
		default:
			msg.message = fmt.Sprintf("%s holds nowhere %s seq %d", source, map[bool]string{true: "before", false: "after"}[backward], from)
		}
		return msg
	})
}

// bisectFor finds, by bisection, the first seq where the condition
// holds: for an invariant that breaks and stays broken.
func (m *Model[S, E]) bisectFor(source string) tea.Cmd {
	cond, err := m.conditionFor(source)
	if err != nil || source == "" {
		if err == nil {
			err = errors.New("bisect needs a condition")
		}
		return m.reopenPrompt(err)
	}
	tl, last := m.tl, m.last
	return m.startJob("bisect "+source, func(ctx context.Context, j *job) jobDoneMsg {
		seq, cost, err := tl.Bisect(ctx, 0, last, cond)
		if err != nil {
			return jobDoneMsg{err: err}
		}
		return jobDoneMsg{seq: seq, found: true, message: fmt.Sprintf("%s first holds at seq %d (bisected in %d seeks, %d events folded)", source, seq, cost.Seeks, cost.Folded)}
	})
}

// blameRow finds the events that changed the value on the selected row
// of the state, up to the selection.
func (m *Model[S, E]) blameRow() tea.Cmd {
	if !m.hasShown || !m.shown.ok {
		return nil
	}
	rows, _ := m.shown.doc.Rows(m.folded, m.stateRow, 1)
	if len(rows) != 1 {
		return nil
	}
	path := rows[0].Path
	if path == "" {
		path = "."
	}
	cfg, stream, until := *m.cfg, m.stream, m.cursor
	return m.startJob("blame "+path, func(ctx context.Context, j *job) jobDoneMsg {
		entries, err := Blame(ctx, cfg, stream, path, until, func(at replay.Seq) { j.reached.Store(uint64(at)) })
		msg := jobDoneMsg{blame: entries, err: err}
		switch {
		case err != nil:
		case len(entries) == 0:
			msg.message = "no event changed " + path
		default:
			last := entries[len(entries)-1]
			msg.seq, msg.found = last.Seq, true
			msg.message = fmt.Sprintf("%s was last changed at seq %d (%d changes in all)", path, last.Seq, len(entries))
		}
		return msg
	})
}

// conditionFor compiles a condition; "" means "a watch changes".
func (m *Model[S, E]) conditionFor(source string) (replay.Condition[S, E], error) {
	if source == "" {
		if len(m.watches) == 0 {
			return nil, errors.New("no condition, and no watch to wait for (w adds one)")
		}
		return watchesChange(m.watches), nil
	}
	if m.cfg.Compile == nil {
		return nil, errors.New("this debugger has no expressions")
	}
	eval, err := m.cfg.Compile(source)
	if err != nil {
		return nil, err
	}
	return condition(source, eval), nil
}

// reopenPrompt shows what was wrong with an expression in the prompt,
// which stays open so it can be mended.
func (m *Model[S, E]) reopenPrompt(err error) tea.Cmd {
	m.promptErr = err.Error()
	m.promptFor = m.lastPrompt
	return m.prompt.Focus()
}

// addWatch compiles and adds (or, editing, replaces) a watch.
func (m *Model[S, E]) addWatch(source string) tea.Cmd {
	if source == "" {
		return nil
	}
	if m.cfg.Compile == nil {
		m.setError(errors.New("this debugger has no expressions"))
		return nil
	}
	eval, err := m.cfg.Compile(source)
	if err != nil {
		return m.reopenPrompt(err)
	}
	w := watch[S, E]{source: source, eval: eval}
	if m.editing >= 0 && m.editing < len(m.watches) {
		m.watches[m.editing] = w
	} else {
		m.watches = append(m.watches, w)
	}
	m.editing = -1
	return m.seekTo(m.cursor) // show its value
}

// playTickMsg steps the play.
type playTickMsg struct{ gen int }

func (m *Model[S, E]) playTick() tea.Cmd {
	gen := m.playGen
	return tea.Tick(m.playEvery, func(time.Time) tea.Msg { return playTickMsg{gen} })
}

// togglePlay starts or stops playing: stepping forward by itself until a
// bookmark, the play condition (the last of c), or the end.
func (m *Model[S, E]) togglePlay() tea.Cmd {
	m.playGen++
	if m.playing {
		m.playing = false
		m.setMessage("stopped")
		return nil
	}
	m.playing = true
	m.playStop = nil
	if m.lastCond != "" {
		if eval, err := m.cfg.Compile(m.lastCond); err == nil {
			m.playStop = eval
		}
	}
	return m.playTick()
}

// stopPlay stops at the shown seq and says why.
func (m *Model[S, E]) stopPlay(why string) {
	m.playing = false
	m.playGen++
	m.setMessage("play stopped: " + why)
}
