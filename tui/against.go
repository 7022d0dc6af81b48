package tui

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/replaytui/replaytui/replay"
)

// Two applies over one stream (Config.Against): the question after a
// change to an apply is where the new one stops agreeing with the old.
// The state pane shows both states at the selected seq, side by side,
// the values that differ highlighted in both; ] and [ look for the next
// and the previous divergence: a seq where the states differ after one
// where they agreed. The second apply has its own timeline, with its own
// keyframes, so that its seeks are as fast as the first's.

// otherSide is the state under Config.Against at the seq of a seek, and
// where it differs from the state under Config.Apply.
type otherSide[S any] struct {
	state S
	ok    bool
	doc   Doc
	diffs []Change // from the state under Apply to this one; none when equal
	err   error    // why there is no state: a *replay.SideError, side "B"
}

// againstTimeline is the timeline of Config.Against over stream; nil
// without it. It starts from its own copy of the initial state, for
// applies that change their state in place (Config.Clone), and keeps no
// bookmarks: they are states of the other apply.
func againstTimeline[S, E any](cfg *Config[S, E], stream replay.StreamKey) (*replay.Timeline[S, E], error) {
	if cfg.Against == nil {
		return nil, nil
	}
	initial := cfg.Initial
	if cfg.Clone != nil {
		initial = cfg.Clone(initial)
	}
	tl, err := replay.NewTimeline(cfg.Log, stream, cfg.Against, initial, replay.TimelineOptions[S]{Clone: cfg.Clone})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.AgainstName, err)
	}
	return tl, nil
}

// againstKeyframesCmd builds the keyframes of the second timeline, once
// the stream is read: quietly, as the status bar shows the first's.
// Where its apply fails, the seeks there say so.
func againstKeyframesCmd[S, E any](ctx context.Context, tl *replay.Timeline[S, E]) tea.Cmd {
	if tl == nil {
		return nil
	}
	return func() tea.Msg {
		_ = tl.BuildKeyframes(ctx, nil)
		return nil
	}
}

// seekAgainst is the state under the second apply at seq, for seekCmd.
func seekAgainst[S, E any](ctx context.Context, cfg *Config[S, E], tl *replay.Timeline[S, E], seq replay.Seq) *otherSide[S] {
	s, _, err := tl.Seek(ctx, seq)
	if err != nil {
		return &otherSide[S]{err: &replay.SideError{Side: "B", Err: err}}
	}
	return &otherSide[S]{state: s, ok: true, doc: cfg.Doc(s)}
}

// sideName names side "A" or "B" of a *replay.SideError as the user
// knows it.
func (c *common[S, E]) sideName(side string) string {
	if side == "A" {
		return c.cfg.ApplyName
	}
	return c.cfg.AgainstName
}

// showAgainst shows the outcome of a seek in the two state panes: the
// values that differ highlighted in both, and which side failed when
// one did.
func (m *Model[S, E]) showAgainst(msg seekedMsg[S, E]) {
	o := msg.other
	if o == nil {
		return
	}
	cfg, st := m.c.cfg, m.c.st
	seq := "seq " + seqText(msg.seq)
	if msg.seq == 0 {
		seq = "before seq 1"
	}
	m.state.side = seq + " · " + cfg.ApplyName
	m.other.side = cfg.AgainstName
	switch {
	case msg.err != nil:
		lines := m.failure(msg)
		lines[0] = st.statusErr.Render(fit("no state under "+cfg.ApplyName, m.state.width-2))
		m.state.fail(msg.seq, lines)
	default:
		m.state.show(msg.doc, msg.seq, o.diffs)
	}
	if !o.ok {
		var side *replay.SideError
		err := o.err
		if errors.As(err, &side) {
			err = side.Err
		}
		lines := m.failure(seekedMsg[S, E]{seq: msg.seq, err: err})
		lines[0] = st.statusErr.Render(fit("no state under "+cfg.AgainstName, m.other.width-2))
		m.other.fail(msg.seq, lines)
		return
	}
	if msg.err == nil {
		switch n := len(o.diffs); n {
		case 0:
			m.other.side = "same · " + cfg.AgainstName
		case 1:
			m.other.side = "1 differs · " + cfg.AgainstName
		default:
			m.other.side = fmt.Sprintf("%d differ · %s", n, cfg.AgainstName)
		}
	}
	m.other.show(o.doc, msg.seq, o.diffs)
}

// minSideWidth is the narrowest a state pane gets beside the other:
// narrower, the two are stacked.
const minSideWidth = 30

// stacked says whether the two state panes go one over the other in a
// room of w by h cells: when it is too narrow for two side by side, and
// high enough for two boxes with a row each.
func stacked(w, h int) bool { return w < 2*minSideWidth && h >= 6 }

// sizeStates gives the state panes their room: all of it to the one
// state, else half each, side by side, or one over the other when the
// room is too narrow for two.
func (m *Model[S, E]) sizeStates(w, h int) {
	switch {
	case m.c.cfg.Against == nil:
		m.state.SetSize(w, h)
	case stacked(w, h):
		m.state.SetSize(w, h/2)
		m.other.SetSize(w, h-h/2)
	default:
		m.state.SetSize(w/2, h)
		m.other.SetSize(w-w/2, h)
	}
	m.mirrorState()
}

// statesView draws the state pane, or the two.
func (m *Model[S, E]) statesView() string {
	if m.c.cfg.Against == nil {
		return m.state.View()
	}
	if r := m.layout().state; stacked(r.w, r.h) {
		return lipgloss.JoinVertical(lipgloss.Left, m.state.View(), m.other.View())
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, m.state.View(), m.other.View())
}

// mirrorState keeps the second state pane on the rows of the first:
// the same folds, cursor, scroll and search, so that the two show the
// same paths side by side while the keys move the first.
func (m *Model[S, E]) mirrorState() {
	if m.c.cfg.Against == nil {
		return
	}
	p, o := &m.state, &m.other
	o.focused, o.search, o.left, o.folded = p.focused, p.search, p.left, p.folded
	if o.doc == nil {
		return
	}
	o.row, o.top = p.row, p.top
	o.layOut()
}

// clickState selects the row clicked at y of the state panes (0 is the
// first one's top border): the second pane, under the first, shows the
// same rows.
func (m *Model[S, E]) clickState(y int) {
	if r := m.layout().state; m.c.cfg.Against != nil && stacked(r.w, r.h) && y >= m.state.height {
		y -= m.state.height
	}
	m.state.clickRow(y)
}

// withAgainstKeys adds ] and [ to the footer of the event list and of
// the state pane, when there are two applies.
func (m *Model[S, E]) withAgainstKeys(p place, keys []key.Binding) []key.Binding {
	if m.c.cfg.Against == nil || (p != inEvents && p != inState) {
		return keys
	}
	k := m.c.keys
	return slices.Insert(keys, 2, short(k.NextDivergence, "]/[", "diverge"))
}

// helpGroups is the ? screen's keys: ] and [ with the searches when
// there are two applies.
func (m *Model[S, E]) helpGroups() [][]key.Binding {
	groups := m.c.keys.FullHelp()
	if m.c.cfg.Against == nil {
		return groups
	}
	k := m.c.keys
	groups[1] = append(slices.Clone(groups[1]), k.NextDivergence, k.PrevDivergence)
	return groups
}

// goToDivergence looks, in the background, for the next divergence after
// the selected seq (or the previous one before it) and goes there.
func (m *Model[S, E]) goToDivergence(backward bool) tea.Cmd {
	cfg, s := m.c.cfg, m.s
	if cfg.Against == nil {
		m.say("] and [ compare two reducers: open the debugger with --against REDUCER")
		return nil
	}
	from := m.events.cursor
	what := "next divergence"
	if backward {
		what = "previous divergence"
	}
	if backward && from <= 1 {
		m.say(fmt.Sprintf("no divergence before seq %d", from))
		return nil
	}
	cmd := m.inv.start(s.ctx, what, from, func(ctx context.Context, progress func(replay.Seq)) jobMsg {
		d, err := findDivergence(ctx, cfg, s.tl, s.against, from, backward, progress)
		var side *replay.SideError
		switch {
		case errors.As(err, &side):
			return jobMsg{err: fmt.Errorf("%s: %w", m.c.sideName(side.Side), side.Err)}
		case err != nil:
			return jobMsg{err: err}
		case d.found:
			return jobMsg{seq: d.seq, found: true, message: fmt.Sprintf("states differ first at seq %d: %s", d.seq, describeDiffs(d.diffs))}
		case backward:
			return jobMsg{message: fmt.Sprintf("no divergence before seq %d", from)}
		case d.differ:
			return jobMsg{message: fmt.Sprintf("no divergence after seq %d: the states differ from there to the end (seq %d)", from, d.last)}
		}
		return jobMsg{message: fmt.Sprintf("no divergence after seq %d: the states agree to the end (seq %d)", from, d.last)}
	})
	m.inv.job.keepSeq = true // where a search got to is no place to go
	return cmd
}

// describeDiffs says how two states differ in a line: the first path,
// its two values, and how many more.
func describeDiffs(diffs []Change) string {
	if len(diffs) == 0 {
		return "nothing"
	}
	d := diffs[0]
	left, right := d.Old, d.New
	switch d.Kind {
	case "added":
		left = "(absent)"
	case "removed":
		right = "(absent)"
	}
	out := fmt.Sprintf("%s %s ≠ %s", d.Path, left, right)
	if len(diffs) > 1 {
		out += fmt.Sprintf(" (and %s)", plural(len(diffs)-1, "more path"))
	}
	return out
}

// divergence is what a search for one found.
type divergence struct {
	found  bool
	seq    replay.Seq
	diffs  []Change
	differ bool       // the states differ at the last seq looked at
	last   replay.Seq // the last seq looked at
}

// errPastFrom ends a backward search at the seq it started from.
var errPastFrom = errors.New("past the seq to look before")

// findDivergence looks for the first seq after from (backward: the last
// seq before from) where the states under the two applies differ while
// they agreed at the seq before it. It folds the first apply on its
// timeline (Continue: batched reads, keyframes on the way) and the second
// beside it, event by event, from the second timeline's state at the
// start. A backward search folds from the start of the stream, where
// the two are known to agree or not. A failure of either apply is a
// *replay.SideError.
func findDivergence[S, E any](ctx context.Context, cfg *Config[S, E], a, b *replay.Timeline[S, E], from replay.Seq, backward bool, progress func(replay.Seq)) (divergence, error) {
	start := from
	if backward {
		start = 0
	}
	stateA, _, err := a.Seek(ctx, start)
	if err != nil {
		return divergence{}, &replay.SideError{Side: "A", Err: err}
	}
	stateB, _, err := b.Seek(ctx, start)
	if err != nil {
		return divergence{}, &replay.SideError{Side: "B", Err: err}
	}
	if cfg.Clone != nil {
		stateB = cfg.Clone(stateB) // the timeline's, which an apply may change
	}
	var d divergence
	d.differ, d.last = len(differences(cfg, stateA, stateB)) > 0, start
	cond := func(s S, ev replay.Event[E]) (bool, error) {
		if backward && ev.Seq >= from {
			return false, errPastFrom
		}
		next, err := applyOne(cfg.Against, stateB, b.Stream(), ev)
		if err != nil {
			return false, &replay.SideError{Side: "B", Err: err}
		}
		stateB = next
		diffs := differences(cfg, s, stateB)
		differ := len(diffs) > 0
		if differ && !d.differ {
			d.found, d.seq, d.diffs = true, ev.Seq, diffs
		}
		d.differ, d.last = differ, ev.Seq
		return d.found && d.seq == ev.Seq && !backward, nil
	}
	_, _, _, err = a.Continue(ctx, start, cond, progress)
	var side *replay.SideError
	var ae *replay.ApplyError
	switch {
	case errors.Is(err, errPastFrom):
		return d, nil
	case errors.As(err, &side):
		return d, side
	case errors.As(err, &ae):
		return d, &replay.SideError{Side: "A", Err: ae}
	}
	return d, err
}

// differences is cfg.Diff(a, b), skipped for two states equal field by
// field, which no Diff tells apart: most states the two applies fold
// agree, and reflect.DeepEqual costs far less than rendering both to
// compare them (BenchmarkNextDivergence: 7.4 µs an event down to 0.85
// on a small typed state).
func differences[S, E any](cfg *Config[S, E], a, b S) []Change {
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return cfg.Diff(a, b)
}

// applyOne applies one event of stream, turning a panic into the
// *replay.ApplyError a fold of stream would report: at the stream folded
// and the seq there (in the global order, not the event's own stream,
// whose seq differs).
func applyOne[S, E any](apply replay.Apply[S, E], s S, stream replay.StreamKey, ev replay.Event[E]) (next S, err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		ae := &replay.ApplyError{Stream: stream, Seq: ev.Seq, Panic: r, Event: ev}
		var rt runtime.Error
		switch e, isErr := r.(error); {
		case isErr && !errors.As(e, &rt):
			ae.Err = e // a failure signalled on purpose
		case isErr:
			ae.Err, ae.Stack = e, debug.Stack()
		default:
			ae.Err, ae.Stack = fmt.Errorf("panic: %v", r), debug.Stack()
		}
		err = ae
	}()
	return apply(s, ev), nil
}
