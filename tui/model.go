package tui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
)

type pane int

const (
	paneEvents pane = iota
	paneState
	paneDiff
	paneEvent
)

// Model is the debugger's root model: it lays the components out, moves
// the focus, routes messages to them and keeps the status line. Build it
// with New; it runs in a tea.Program (Run does that).
type Model[S, E any] struct {
	c      *common[S, E]
	ctx    context.Context
	cancel context.CancelFunc
	width  int
	height int
	help   help.Model

	s      *session[S, E] // the open stream; nil until one is
	events eventList[S, E]
	state  statePane
	other  statePane // the state under Config.Against, beside state
	diff   diffPane
	event  eventPane
	focus  pane
	prompt prompt
	list   *list       // the overlay list open, if any
	chart  *chartView  // the plot open, if any
	detail *detailView // the value shown whole, if one is
	inv    investigator[S, E]
	status status

	// where the user was in the streams they left, to come back there
	positions map[replay.StreamKey]replay.Seq
	// found is the last search of every stream that found something (f)
	found *foundResults

	showHelp, showEvent bool
	helpTop             int           // the first line of the help shown
	statusRows          int           // the status bar's lines: more for a long message
	tickEvery           time.Duration // 0: no ticks (tests drive the model by hand)
}

// session is the stream the debugger has open, and what runs over it.
type session[S, E any] struct {
	stream replay.StreamKey
	tl     *replay.Timeline[S, E]
	// against folds the stream through Config.Against; nil without it
	against *replay.Timeline[S, E]
	ctx     context.Context // ends when another stream opens
	close   context.CancelFunc
	marks   []Bookmark
	where   string // where the bookmarks are kept
	// deleted is the bookmarks deleted in this stream, the last last: u
	// brings them back.
	deleted []Bookmark
	mark    replay.Seq
	marked  bool

	seekGen    int
	cancelSeek context.CancelFunc
	seeking    bool
	shown      *seekedMsg[S, E] // the outcome of the last seek
	findGen    int
	finding    bool
	search     string   // the last search
	matches    *matches // every match of a search, once counted
	counting   string   // the search being counted
	// plotted is a plot that finished while something else was on
	// screen: p shows it, if it is of the same value.
	plotted *plotted

	keyframes         keyframesMsg // the last report
	keyframesStarted  bool
	checkingBookmarks bool
	reading           readingMsg
	ticking           bool
}

// status is the status line's message: what just happened, or went wrong.
type status struct {
	text  string
	isErr bool
}

func (s *status) set(text string)      { *s = status{text: text} }
func (s *status) fail(err error)       { *s = status{text: err.Error(), isErr: true} }
func (s *status) clear()               { *s = status{} }
func (m *Model[S, E]) say(text string) { m.status.set(text) }

// New builds the debugger's model; it does no I/O (Init starts it).
func New[S, E any](ctx context.Context, cfg Config[S, E]) (*Model[S, E], error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	t := &theme{st: newStyles(true), keys: newKeyMap()}
	c := &common[S, E]{cfg: &cfg, theme: t}
	m := &Model[S, E]{
		c: c, ctx: ctx, cancel: cancel,
		width: 80, height: 24, help: help.New(), tickEvery: 200 * time.Millisecond,
		events: newEventList(c), state: newStatePane(t), other: newStatePane(t), diff: diffPane{theme: t}, event: eventPane{theme: t},
		prompt: newPrompt(t),
		inv:    investigator[S, E]{c: c, playEvery: 200 * time.Millisecond, watchesLoaded: cfg.Compile == nil},
	}
	m.layOut()
	return m, nil
}

// shutdown stops everything still running in the background.
func (m *Model[S, E]) shutdown() { m.cancel() }

// interrupt stops an apply running now, if the program can (see
// Config.Interrupt): cancelling a context stops a fold only between events.
func (m *Model[S, E]) interrupt() {
	if m.c.cfg.Interrupt != nil {
		m.c.cfg.Interrupt()
	}
}

// Init asks the terminal for its background, loads the watches saved
// and opens the stream.
func (m *Model[S, E]) Init() tea.Cmd {
	var load tea.Cmd
	if !m.inv.watchesLoaded {
		load = loadWatchesCmd(m.c.cfg)
	}
	if m.c.cfg.Stream != "" {
		return tea.Batch(tea.RequestBackgroundColor, load, m.openStream(m.c.cfg.Stream))
	}
	return tea.Batch(tea.RequestBackgroundColor, load, firstStreamCmd(m.ctx, m.c.cfg))
}

// openStream switches the debugger to stream and shows its first event.
func (m *Model[S, E]) openStream(stream replay.StreamKey) tea.Cmd {
	cfg := m.c.cfg
	tl, err := replay.NewTimeline(cfg.Log, stream, cfg.Apply, cfg.Initial, replay.TimelineOptions[S]{
		Clone: cfg.Clone, Bookmarks: cfg.Bookmarks,
	})
	if err != nil {
		m.status.fail(err)
		return nil
	}
	if cfg.Accumulate != nil {
		tl.Accumulate(cfg.Accumulate)
	}
	if m.s != nil {
		m.s.close()
		if m.positions == nil {
			m.positions = map[replay.StreamKey]replay.Seq{}
		}
		m.positions[m.s.stream] = m.events.cursor
	}
	m.inv.stop()
	m.inv.playing = false
	against, err := againstTimeline(cfg, stream)
	if err != nil {
		m.status.fail(err)
		return nil
	}
	s := &session[S, E]{stream: stream, tl: tl, against: against, where: cfg.Bookmarks.Where()}
	s.ctx, s.close = context.WithCancel(m.ctx)
	m.s = s
	m.events.open(s.ctx, stream)
	m.state.reset()
	m.other.reset()
	m.diff, m.event = diffPane{theme: m.c.theme}, eventPane{theme: m.c.theme}
	m.layOut()
	s.checkingBookmarks = true
	at := max(m.positions[stream], 1) // where the user left it, if they did
	return tea.Batch(lastCmd(s.ctx, cfg, tl), m.seekTo(at), checkBookmarksCmd(s.ctx, cfg, stream, false), readingCmd(cfg), m.startTick())
}

// startTick keeps polling while a log is read or followed.
func (m *Model[S, E]) startTick() tea.Cmd {
	if m.s == nil || m.s.ticking || m.tickEvery == 0 {
		return nil
	}
	m.s.ticking = true
	return tick(m.tickEvery)
}

// seekTo selects seq and starts folding to it, cancelling a seek still
// running; the panes keep showing the last state until it arrives.
func (m *Model[S, E]) seekTo(seq replay.Seq) tea.Cmd {
	s := m.s
	if s == nil {
		return nil
	}
	if m.events.final && seq > m.events.last {
		seq = m.events.last
	}
	m.events.selectSeq(seq)
	if s.cancelSeek != nil {
		s.cancelSeek()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.cancelSeek = cancel
	s.seekGen++
	s.seeking = true
	req := seekReq[S, E]{seq: seq, mark: s.mark, hasMark: s.marked, watches: m.inv.watches, against: s.against}
	if m.inv.playing {
		req.stopIf = m.inv.playStop
	}
	return tea.Batch(seekCmd(ctx, m.c.cfg, s.tl, s.seekGen, req), m.events.load())
}

// step moves the selection by delta events, within the events known.
func (m *Model[S, E]) step(delta int) tea.Cmd {
	target := replay.Seq(max(int64(m.events.cursor)+int64(delta), 1))
	return m.seekTo(m.events.clamp(target))
}

// Update routes a message: keys and the mouse to the focused component,
// results of commands to the component that asked for them. It does no
// I/O and folds nothing itself.
func (m *Model[S, E]) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
	m.mirrorState()
	if rows := len(m.statusLines()); rows != max(m.statusRows, 1) {
		// A long message takes rows from the panes while it shows.
		m.statusRows = rows
		m.layOut()
		cmd = tea.Batch(cmd, m.events.load())
	}
	return m, cmd
}

func (m *Model[S, E]) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.layOut()
		return m, m.events.load()
	case tea.BackgroundColorMsg:
		m.c.st = newStyles(msg.IsDark())
		m.help.Styles = help.DefaultStyles(msg.IsDark())
		m.prompt.input.SetStyles(inputStyles(msg.IsDark()))
		return m, nil
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case tea.MouseWheelMsg:
		return m, m.onWheel(msg)
	case tea.MouseClickMsg:
		return m, m.onClick(msg)
	case firstStreamMsg:
		if msg.err != nil {
			m.status.fail(msg.err)
			return m, nil
		}
		if m.s == nil {
			return m, m.openStream(msg.stream)
		}
		return m, nil
	case watchesLoadedMsg[S, E]:
		save := m.inv.adoptWatches(msg.watches)
		if msg.err != nil {
			m.status.fail(msg.err)
		}
		m.refreshList()
		m.layOut() // the diff pane makes room for them
		if m.s == nil || len(msg.watches) == 0 {
			return m, save
		}
		return m, tea.Batch(save, m.seekTo(m.events.cursor)) // show their values
	case watchesSavedMsg:
		if msg.err != nil {
			m.status.fail(msg.err)
		}
		return m, m.inv.watchesSaved()
	}
	if m.s == nil {
		return m, m.updateInputs(msg)
	}
	switch msg := msg.(type) {
	case seekedMsg[S, E]:
		return m, m.onSeeked(msg)
	case pageMsg[E]:
		if err, _ := m.events.Update(msg); err != nil {
			m.status.fail(err)
		}
		return m, nil
	case lastMsg:
		return m, m.onLast(msg)
	case tickMsg:
		m.s.ticking = false
		if m.events.final && !m.s.keyframes.running() {
			return m, readingCmd(m.c.cfg) // how it ended
		}
		return m, tea.Batch(lastCmd(m.s.ctx, m.c.cfg, m.s.tl), readingCmd(m.c.cfg), m.startTick())
	case readingMsg:
		m.s.reading = msg
		return m, nil
	case keyframesMsg:
		if msg.stream != m.s.stream {
			return m, nil
		}
		m.s.keyframes = msg
		if msg.err != nil {
			m.status.fail(fmt.Errorf("building keyframes: %w", msg.err))
		}
		if msg.finished {
			return m, nil
		}
		return m, listen(msg.next)
	case jobMsg:
		return m, m.onJob(msg)
	case playTickMsg:
		if !m.inv.playing || msg.gen != m.inv.playGen {
			return m, nil
		}
		if m.s.seeking {
			return m, m.inv.playTick() // the last step is still folding
		}
		return m, tea.Batch(m.step(1), m.inv.playTick())
	case foundMsg:
		if msg.gen != m.s.findGen {
			return m, nil
		}
		m.s.finding = false
		switch {
		case msg.err != nil:
			m.status.fail(msg.err)
		case !msg.found:
			m.say("not found: " + msg.what)
		default:
			pos, of := 0, ""
			if c := m.s.matches; c != nil && c.text == msg.what {
				pos, of = c.position(msg.seq), c.of()
			}
			m.say(foundText(msg.what, msg.seq, pos, of, msg.wrapped))
			return m, m.seekTo(msg.seq)
		}
		return m, nil
	case matchesMsg:
		s := m.s
		if msg.stream != s.stream || msg.err != nil || msg.m.text != s.counting {
			return m, nil // the search reports its own errors
		}
		s.matches, s.counting = &msg.m, ""
		if pos := msg.m.position(m.events.cursor); pos > 0 && !s.finding && msg.m.text == s.search {
			m.say(foundText(msg.m.text, m.events.cursor, pos, msg.m.of(), false))
		}
		return m, nil
	case bookmarksMsg:
		if msg.stream != m.s.stream {
			return m, nil
		}
		m.s.marks = msg.marks
		if m.chart != nil { // bookmarks checked, or saved by another debugger, while it is open
			m.chart.bookmarks = chartMarks(msg.marks)
			m.chart.layOut()
		}
		if msg.undoable != nil {
			m.s.deleted = append(m.s.deleted, *msg.undoable)
		}
		if msg.checked {
			m.s.checkingBookmarks = false
		}
		m.events.bookmarked = map[replay.Seq]bool{}
		unchecked := false
		for _, b := range msg.marks {
			m.events.bookmarked[b.Seq] = true
			unchecked = unchecked || b.Status == Checking
		}
		switch {
		case msg.err != nil:
			m.status.fail(msg.err)
		case msg.message != "":
			m.say(msg.message)
		}
		m.refreshList()
		if unchecked && !m.s.checkingBookmarks {
			// A change brought in bookmarks other debuggers saved: check
			// them too, quietly.
			m.s.checkingBookmarks = true
			return m, checkBookmarksCmd(m.s.ctx, m.c.cfg, m.s.stream, true)
		}
		return m, nil
	case streamsMsg:
		if msg.err != nil {
			m.status.fail(msg.err)
			return m, nil
		}
		m.fillStreams(msg.infos)
		return m, nil
	}
	return m, m.updateInputs(msg)
}

// updateInputs passes other messages (cursor blinks) to the inputs.
func (m *Model[S, E]) updateInputs(msg tea.Msg) tea.Cmd {
	switch {
	case m.prompt.open:
		return m.prompt.Update(msg)
	case m.list != nil:
		return m.list.Update(msg)
	}
	return nil
}

func (k keyframesMsg) running() bool { return k.total > 0 && !k.finished }

// onSeeked shows the outcome of a seek.
func (m *Model[S, E]) onSeeked(msg seekedMsg[S, E]) tea.Cmd {
	s := m.s
	if msg.stream != s.stream || msg.gen != s.seekGen {
		return nil // superseded by a newer seek
	}
	s.seeking = false
	switch {
	case msg.err != nil && errors.Is(msg.err, context.Canceled):
		return nil
	case msg.err != nil && errors.Is(msg.err, replay.ErrPastEnd):
		// The stream is shorter than we thought: go to its end.
		return lastCmd(s.ctx, m.c.cfg, s.tl)
	}
	s.shown = &msg
	if msg.err != nil {
		m.state.fail(msg.seq, m.failure(msg))
		m.diff.clear(msg.seq)
	} else {
		m.state.show(msg.doc, msg.seq, msg.changes)
	}
	m.showAgainst(msg)
	if msg.err == nil {
		m.diff.show(msg.seq, msg.changes, msg.watches, msg.mark, msg.hasMark)
	}
	m.event.show(msg.seq, m.eventLine(msg))
	m.event.origin = ""
	if m.eventLine(msg) != "" {
		m.event.origin = msg.origin
	}
	if !m.inv.playing {
		return nil
	}
	switch {
	case msg.err != nil:
		m.say(m.inv.stopPlay(fmt.Sprintf("no state at seq %d", msg.seq)))
	case msg.stop:
		m.say(m.inv.stopPlay(fmt.Sprintf("%s holds at seq %d", m.inv.lastCond, msg.seq)))
	case m.events.bookmarked[msg.seq] && msg.seq != m.inv.playFrom:
		m.say(m.inv.stopPlay(fmt.Sprintf("bookmark at seq %d", msg.seq)))
	case m.events.final && msg.seq >= m.events.last:
		m.say(m.inv.stopPlay("the end"))
	}
	return nil
}

// eventLine is the text of the shown event, for the event pane.
func (m *Model[S, E]) eventLine(msg seekedMsg[S, E]) string {
	if msg.seq == 0 || msg.event.Seq != msg.seq {
		return ""
	}
	return msg.line
}

// onLast takes how far the stream goes.
func (m *Model[S, E]) onLast(msg lastMsg) tea.Cmd {
	s := m.s
	if msg.stream != s.stream {
		return nil
	}
	if msg.err != nil {
		m.status.fail(msg.err)
	}
	atEnd := m.events.cursor == m.events.last && m.events.last > 0
	grew := m.events.setLast(msg.last, msg.final)
	var cmds []tea.Cmd
	if grew {
		cmds = append(cmds, m.events.load())
	}
	switch {
	case m.events.cursor > msg.last && msg.last > 0:
		cmds = append(cmds, m.seekTo(msg.last))
	case m.c.cfg.Follow && grew && atEnd:
		cmds = append(cmds, m.seekTo(msg.last)) // at the end, stay at the end
	case s.shown != nil && s.shown.err != nil && errors.Is(s.shown.err, replay.ErrPastEnd):
		cmds = append(cmds, m.seekTo(m.events.cursor))
	}
	if msg.final && !s.keyframesStarted {
		cmds = append(cmds, readingCmd(m.c.cfg)) // how reading ended
	}
	if msg.final && !s.keyframesStarted && msg.last > 0 {
		s.keyframesStarted = true
		cmds = append(cmds, buildKeyframesCmd(s.ctx, s.tl), againstKeyframesCmd(s.ctx, s.against))
	}
	return tea.Batch(cmds...)
}

// onJob takes a search's progress or outcome.
func (m *Model[S, E]) onJob(msg jobMsg) tea.Cmd {
	j := m.inv.job
	if j == nil || msg.id != j.id {
		return nil // stopped, or superseded
	}
	if !msg.done {
		j.reached = msg.reached
		j.streamsDone, j.streams = max(j.streamsDone, msg.streamsDone), msg.streams
		return listen(msg.next)
	}
	m.inv.job = nil
	switch {
	case msg.err != nil && errors.Is(msg.err, context.Canceled):
		return nil
	case msg.err != nil:
		var ce *replay.ConditionError
		if errors.As(msg.err, &ce) {
			m.status.fail(fmt.Errorf("%v; stopped there", msg.err))
			return m.seekTo(ce.Seq)
		}
		m.status.fail(msg.err)
		return nil
	}
	if msg.foundAll != nil {
		return m.showFound(msg.foundAll)
	}
	m.say(msg.message)
	if msg.plot != nil && msg.plot.Series.Numbers() > 0 {
		if m.overlaid() { // what the user is looking at stays
			m.s.plotted = msg.plot
			m.say(msg.message + " · p shows it")
			return nil
		}
		m.openChart(msg.plot)
		return nil
	}
	if len(msg.blame) > 0 {
		m.inv.history = msg.blame
		m.openBlame(msg.blame)
		return nil // enter goes to an entry; esc leaves the selection where it was
	}
	if msg.found {
		return m.seekTo(msg.seq)
	}
	return nil
}

// overlaid says whether something covers the panes or takes the keys: a
// list, the help, the chart, the detail view, the prompt. A background
// job that finishes then says so instead of taking the screen.
func (m *Model[S, E]) overlaid() bool {
	return m.prompt.open || m.list != nil || m.showHelp || m.chart != nil || m.detail != nil
}

// failure explains why there is no state at the selected seq.
func (m *Model[S, E]) failure(msg seekedMsg[S, E]) []string {
	st, width := m.c.st, m.state.width-2
	lines := []string{st.statusErr.Render(fit("no state here", width))}
	var ae *replay.ApplyError
	if !errors.As(msg.err, &ae) {
		return append(lines, wrap(msg.err.Error(), width)...)
	}
	what := "failed"
	if !ae.Failed() {
		what = "panicked"
	}
	lines = append(lines, wrap(fmt.Sprintf("apply %s at seq %d: %v", what, ae.Seq, ae.Err), width)...)
	if ae.Seq < msg.seq {
		return append(lines, "", st.dim.Render(fit(fmt.Sprintf("every state after seq %d needs that event; step back before it (g, ←, :%d)", ae.Seq-1, ae.Seq-1), width)))
	}
	return append(lines, "", st.dim.Render(fit("← shows the state before this event", width)))
}

// goTo acts on what was typed at the : prompt: a seq, or a time.
func (m *Model[S, E]) goTo(text string) (tea.Cmd, error) {
	if text == "" {
		return nil, nil
	}
	if n, err := strconv.ParseUint(text, 10, 64); err == nil {
		if m.events.final && replay.Seq(n) > m.events.last {
			return nil, fmt.Errorf("seq %d is past the end: the stream ends at seq %d", n, m.events.last)
		}
		return m.seekTo(replay.Seq(n)), nil
	}
	if rest, ok := strings.CutPrefix(text, "id:"); ok {
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q: want id:N, N the event's id in the log", text)
		}
		if _, ok := m.c.cfg.Log.(replay.SourceIDs); !ok {
			return nil, fmt.Errorf("%s: this log's events have no ids but their seqs", text)
		}
		s := m.s
		s.findGen++
		s.finding = true
		m.say("looking for " + text + "…")
		return atIDCmd(s.ctx, m.c.cfg, s.stream, s.findGen, id, text), nil
	}
	t, err := m.c.cfg.ParseTime(text)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a seq nor a time: %v", text, err)
	}
	s := m.s
	s.findGen++
	s.finding = true
	m.say("looking for " + text + "…")
	return tea.Batch(atTimeCmd(s.ctx, m.c.cfg, s.stream, s.findGen, t, "last event at or before "+text), m.startTick()), nil
}

// searchFor looks for text: in the state when it has the focus, else in
// the events.
func (m *Model[S, E]) searchFor(text string, backward bool) tea.Cmd {
	s := m.s
	if text == "" {
		m.say("nothing to search for: / first")
		return nil
	}
	s.search, m.state.search = text, text
	if m.focus == paneState {
		if n, of := m.state.nextMatch(text, backward); of > 0 {
			m.say(fmt.Sprintf("%s: %d/%d in this state", text, n, of))
		} else {
			m.say("not in this state: " + text)
		}
		return nil
	}
	s.findGen++
	m.events.setSearch(text)
	if c := s.matches; c != nil && c.text == text && c.last >= m.events.last {
		// Counted already, and the stream has not grown since.
		seq, pos, wrapped, ok := c.next(m.events.cursor, backward)
		if !ok {
			m.say("not found: " + text)
			return nil
		}
		m.say(foundText(text, seq, pos, c.of(), wrapped))
		return m.seekTo(seq)
	}
	s.finding = true
	m.say("searching " + text + "…")
	find := searchCmd(s.ctx, m.c.cfg, s.stream, s.findGen, m.events.cursor, text, backward)
	if s.counting == text {
		return find
	}
	s.counting = text
	return tea.Batch(find, countMatchesCmd(s.ctx, m.c.cfg, s.stream, text))
}

// foundText is the status after a search: the match, its place among all
// of them when they are counted, and whether the search went round the end.
func foundText(text string, seq replay.Seq, pos int, of string, wrapped bool) string {
	out := fmt.Sprintf("%s: seq %d", text, seq)
	if pos > 0 {
		out += fmt.Sprintf(" · match %d/%s", pos, of)
	}
	if wrapped {
		out += " (from the other end)"
	}
	return out
}
