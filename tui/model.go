package tui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
	"github.com/replaytui/replaytui/sources/jsonl"
)

type pane int

const (
	paneEvents pane = iota
	paneState
	paneDiff
)

type overlay int

const (
	overlayNone overlay = iota
	overlayHelp
	overlayBookmarks
	overlayStreams
	overlayWatches
	overlayBlame
)

type promptMode int

const (
	promptNone promptMode = iota
	promptGoto
	promptSearch
	promptNote
	promptRename
	promptWatch
	promptContinue
	promptReverse
	promptBisect
)

// Model is the debugger's root model. Build it with New; it runs in a
// tea.Program (Run does that).
type Model[S, E any] struct {
	cfg    *Config[S, E]
	ctx    context.Context
	cancel context.CancelFunc
	st     *styles
	keys   *keyMap
	help   help.Model
	width  int
	height int

	stream    replay.StreamKey
	tl        *replay.Timeline[S, E]
	streamCtx context.Context // cancelled when the stream changes
	closeTL   context.CancelFunc
	last      replay.Seq
	lastFinal bool
	lastErr   error

	cursor  replay.Seq // the selected seq; 0 is before the first event
	listTop replay.Seq // the first seq the event list shows
	pages   map[replay.Seq][]replay.Event[E]
	loading map[replay.Seq]bool

	// What the panes show: the outcome of the last seek.
	shown      seekedMsg[S]
	hasShown   bool
	seekGen    int
	cancelSeek context.CancelFunc
	seeking    bool

	focus    pane
	stateTop int
	stateRow int
	folded   map[string]bool
	diffTop  int

	overlay   overlay
	listIndex int
	streams   []StreamInfo
	filter    textinput.Model
	prompt    textinput.Model
	promptFor promptMode
	search    string
	findGen   int
	finding   bool

	message    string
	messageErr bool
	keyframes  *progress
	verifying  bool
	ticking    bool
	tickEvery  time.Duration // 0: no ticks (tests drive the model by hand)

	// Investigation.
	watches    []watch[S, E]
	editing    int // the watch being edited, -1: none
	mark       replay.Seq
	hasMark    bool
	lastCond   string
	job        *job
	blameList  []BlameEntry
	playing    bool
	playEvery  time.Duration
	playGen    int
	playStop   Evaluator[S, E]
	playFrom   replay.Seq
	promptErr  string     // what was wrong with the expression at the prompt
	lastPrompt promptMode // the prompt to reopen on such an error
}

// New builds the debugger's model; it does no I/O (Init starts it).
func New[S, E any](ctx context.Context, cfg Config[S, E]) (*Model[S, E], error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	prompt := textinput.New()
	prompt.Prompt = ""
	prompt.SetStyles(inputStyles(true))
	filter := textinput.New()
	filter.Prompt = "filter: "
	filter.SetStyles(inputStyles(true))
	m := &Model[S, E]{
		cfg: &cfg, ctx: ctx, cancel: cancel,
		st: newStyles(true), keys: newKeyMap(), help: help.New(),
		width: 80, height: 24, tickEvery: 200 * time.Millisecond,
		prompt: prompt, filter: filter,
		folded:  map[string]bool{},
		editing: -1, playEvery: 200 * time.Millisecond,
	}
	return m, nil
}

// inputStyles are the prompt's styles, with a steady cursor: a blinking
// one would keep the program busy for nothing.
func inputStyles(isDark bool) textinput.Styles {
	st := textinput.DefaultStyles(isDark)
	st.Cursor.Blink = false
	return st
}

// shutdown stops everything still running in the background.
func (m *Model[S, E]) shutdown() { m.cancel() }

// interrupt stops an apply running now, if the program can (see
// Config.Interrupt): cancelling a context stops a fold only between events.
func (m *Model[S, E]) interrupt() {
	if m.cfg.Interrupt != nil {
		m.cfg.Interrupt()
	}
}

// Init asks the terminal for its background and opens the stream.
func (m *Model[S, E]) Init() tea.Cmd {
	if m.cfg.Stream != "" {
		return tea.Batch(tea.RequestBackgroundColor, m.openStream(m.cfg.Stream))
	}
	return tea.Batch(tea.RequestBackgroundColor, firstStreamCmd(m.ctx, m.cfg))
}

// openStream switches the debugger to stream and shows its first event.
func (m *Model[S, E]) openStream(stream replay.StreamKey) tea.Cmd {
	if m.closeTL != nil {
		m.closeTL()
	}
	tl, err := replay.NewTimeline(m.cfg.Log, stream, m.cfg.Apply, m.cfg.Initial, replay.TimelineOptions[S]{
		Clone: m.cfg.Clone, Bookmarks: m.cfg.Bookmarks,
	})
	if err != nil {
		m.setError(err)
		return nil
	}
	m.streamCtx, m.closeTL = context.WithCancel(m.ctx)
	m.stream, m.tl = stream, tl
	m.last, m.lastFinal, m.lastErr = 0, false, nil
	m.pages, m.loading = map[replay.Seq][]replay.Event[E]{}, map[replay.Seq]bool{}
	m.hasShown, m.cursor, m.listTop = false, 0, 1
	m.folded, m.stateTop, m.stateRow, m.diffTop = map[string]bool{}, 0, 0, 0
	m.keyframes = &progress{}
	verify := verifyCmd(m.streamCtx, m.cfg, stream, false)
	m.verifying = verify != nil
	m.hasMark, m.mark, m.job, m.playing = false, 0, nil, false
	return tea.Batch(lastCmd(m.streamCtx, m.cfg, tl), m.seekTo(1), verify, m.startTick())
}

// startTick keeps progress moving while something runs in the background.
func (m *Model[S, E]) startTick() tea.Cmd {
	if m.ticking || m.tickEvery == 0 {
		return nil
	}
	m.ticking = true
	return tick(m.tickEvery)
}

// seekTo selects seq and starts folding to it, cancelling a seek still
// running; the panes keep showing the last state until it arrives.
func (m *Model[S, E]) seekTo(seq replay.Seq) tea.Cmd {
	if m.tl == nil {
		return nil
	}
	if m.lastFinal && seq > m.last {
		seq = m.last
	}
	m.cursor = seq
	m.keepCursorVisible()
	if m.cancelSeek != nil {
		m.cancelSeek()
	}
	ctx, cancel := context.WithCancel(m.streamCtx)
	m.cancelSeek = cancel
	m.seekGen++
	m.seeking = true
	req := seekReq[S, E]{seq: seq, mark: m.mark, hasMark: m.hasMark, watches: m.watches}
	if m.playing {
		req.stopIf = m.playStop
	}
	return tea.Batch(seekCmd(ctx, m.cfg, m.tl, m.seekGen, req), m.loadPages())
}

// step moves the selection by delta events.
func (m *Model[S, E]) step(delta int) tea.Cmd {
	// Between the first event and the last (seq 0, the initial state,
	// only for a stream that has no event).
	target := max(int64(m.cursor)+int64(delta), 1)
	if m.lastFinal {
		target = min(target, int64(m.last))
	}
	return m.seekTo(replay.Seq(max(target, 0)))
}

// Update handles a message: keys, mouse, resizes and the outcomes of
// commands. It never does I/O or folds events itself.
func (m *Model[S, E]) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.keepCursorVisible()
		return m, m.loadPages()
	case tea.BackgroundColorMsg:
		m.st = newStyles(msg.IsDark())
		m.help.Styles = help.DefaultStyles(msg.IsDark())
		m.prompt.SetStyles(inputStyles(msg.IsDark()))
		m.filter.SetStyles(inputStyles(msg.IsDark()))
		return m, nil
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case tea.MouseWheelMsg:
		return m, m.onWheel(msg)
	case tea.MouseClickMsg:
		return m, m.onClick(msg)
	case seekedMsg[S]:
		if msg.gen != m.seekGen {
			return m, nil // superseded by a newer seek
		}
		m.seeking = false
		if msg.err != nil && errors.Is(msg.err, context.Canceled) {
			return m, nil
		}
		if msg.err != nil && errors.Is(msg.err, replay.ErrPastEnd) {
			// The stream is shorter than we thought: go to its end.
			return m, lastCmd(m.streamCtx, m.cfg, m.tl)
		}
		if m.hasShown && m.shown.seq != msg.seq {
			m.diffTop = 0
		}
		m.shown, m.hasShown = msg, true
		m.clampStateRow()
		if m.playing {
			switch {
			case msg.err != nil:
				m.stopPlay(fmt.Sprintf("no state at seq %d", msg.seq))
			case msg.stop:
				m.stopPlay(fmt.Sprintf("%s holds at seq %d", m.lastCond, msg.seq))
			case m.bookmarkAt(m.cfg.Bookmarks.List(m.stream), msg.seq) && msg.seq != m.playFrom:
				m.stopPlay(fmt.Sprintf("bookmark at seq %d", msg.seq))
			case m.lastFinal && msg.seq >= m.last:
				m.stopPlay("the end")
			}
		}
		return m, nil
	case playTickMsg:
		if !m.playing || msg.gen != m.playGen {
			return m, nil
		}
		if m.seeking {
			return m, m.playTick() // the last step is still folding
		}
		return m, tea.Batch(m.step(1), m.playTick())
	case jobDoneMsg:
		if msg.job != m.job {
			return m, nil // stopped, or superseded
		}
		m.job = nil
		switch {
		case msg.err != nil && errors.Is(msg.err, context.Canceled):
			return m, nil
		case msg.err != nil:
			var ce *replay.ConditionError
			if errors.As(msg.err, &ce) {
				m.setError(fmt.Errorf("%v; stopped there", msg.err))
				return m, m.seekTo(ce.Seq)
			}
			m.setError(msg.err)
			return m, nil
		}
		m.setMessage(msg.message)
		if len(msg.blame) > 0 {
			// The value's history: the list opens on its last change.
			m.blameList = msg.blame
			m.overlay, m.listIndex = overlayBlame, len(msg.blame)-1
		}
		if msg.found {
			return m, m.seekTo(msg.seq)
		}
		return m, nil
	case pageMsg[E]:
		if msg.stream != m.stream {
			return m, nil
		}
		delete(m.loading, msg.first)
		if msg.err != nil {
			m.setError(msg.err)
			return m, nil
		}
		if len(msg.events) > 0 || m.lastFinal {
			m.pages[msg.first] = msg.events
		}
		m.dropFarPages()
		return m, nil
	case lastMsg:
		if msg.stream != m.stream {
			return m, nil
		}
		grew := msg.last != m.last
		atEnd := m.cursor == m.last && m.last > 0
		m.last, m.lastFinal, m.lastErr = msg.last, msg.final, msg.err
		if msg.err != nil {
			m.setError(msg.err)
		}
		var cmds []tea.Cmd
		if grew {
			// Pages that were short may have more events now.
			for first, events := range m.pages {
				if len(events) < pageSize {
					delete(m.pages, first)
				}
			}
			cmds = append(cmds, m.loadPages())
		}
		if m.lastFinal && m.cursor > m.last {
			cmds = append(cmds, m.seekTo(m.last))
		}
		if m.cfg.Follow && grew && atEnd {
			cmds = append(cmds, m.seekTo(m.last)) // at the end, stay at the end
		}
		if m.hasShown && m.shown.err != nil && errors.Is(m.shown.err, replay.ErrPastEnd) {
			cmds = append(cmds, m.seekTo(m.cursor))
		}
		if m.lastFinal && !m.keyframes.running.Load() && m.keyframes.total.Load() == 0 && m.last > 0 {
			buildKeyframes(m.streamCtx, m.tl, m.keyframes)
		}
		return m, tea.Batch(cmds...)
	case tickMsg:
		m.ticking = false
		var cmds []tea.Cmd
		if !m.lastFinal && m.tl != nil {
			cmds = append(cmds, lastCmd(m.streamCtx, m.cfg, m.tl))
		}
		if errp := m.keyframes.err.Load(); errp != nil {
			m.setError(fmt.Errorf("building keyframes: %w", *errp))
			m.keyframes.err.Store(nil)
		}
		if !m.lastFinal || m.keyframes.running.Load() || m.verifying || m.seeking || m.finding || m.job != nil {
			cmds = append(cmds, m.startTick())
		}
		return m, tea.Batch(cmds...)
	case firstStreamMsg:
		if msg.err != nil {
			m.setError(msg.err)
			return m, nil
		}
		if m.tl == nil {
			return m, m.openStream(msg.stream)
		}
		return m, nil
	case streamsMsg:
		if msg.err != nil {
			m.setError(msg.err)
			return m, nil
		}
		m.streams = msg.infos
		return m, nil
	case foundMsg:
		if msg.gen != m.findGen {
			return m, nil
		}
		m.finding = false
		switch {
		case msg.err != nil:
			m.setError(msg.err)
		case !msg.found:
			m.setMessage(fmt.Sprintf("not found: %s", msg.what))
		default:
			m.setMessage(fmt.Sprintf("%s: seq %d", msg.what, msg.seq))
			return m, m.seekTo(msg.seq)
		}
		return m, nil
	case bookmarkedMsg:
		if msg.err != nil {
			m.setError(fmt.Errorf("bookmark: %w", msg.err))
		} else {
			m.setMessage(fmt.Sprintf("bookmarked seq %d %s", msg.seq, msg.note))
		}
		return m, m.recheckBookmarks()
	case bookmarkChangedMsg:
		if msg.err != nil {
			m.setError(msg.err)
		}
		return m, m.recheckBookmarks()
	case verifiedMsg:
		if msg.stream == m.stream {
			m.verifying = false
		}
		switch {
		case msg.err != nil:
			m.setError(fmt.Errorf("checking bookmarks: %w", msg.err))
		case msg.stale == 1 && !msg.quiet:
			m.setError(fmt.Errorf("a bookmark of %s is stale, not used: %s (B lists it)", msg.stream, msg.reasons[0]))
		case msg.stale > 1 && !msg.quiet:
			m.setError(fmt.Errorf("%d bookmarks of %s are stale, not used: %s (B lists them)", msg.stale, msg.stream, strings.Join(msg.reasons, "; ")))
		}
		return m, nil
	}
	return m, m.updateInputs(msg)
}

// updateInputs passes other messages (cursor blinks) to the inputs.
func (m *Model[S, E]) updateInputs(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	var cmd tea.Cmd
	if m.promptFor != promptNone {
		m.prompt, cmd = m.prompt.Update(msg)
		cmds = append(cmds, cmd)
	}
	if m.overlay == overlayStreams {
		m.filter, cmd = m.filter.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *Model[S, E]) setMessage(s string) { m.message, m.messageErr = s, false }
func (m *Model[S, E]) setError(err error)  { m.message, m.messageErr = err.Error(), true }

// onKey routes a key to the prompt, the overlay or the panes.
func (m *Model[S, E]) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.promptFor != promptNone {
		return m.onPromptKey(msg)
	}
	m.message = "" // a message lasts until the next key
	switch m.overlay {
	case overlayHelp:
		if key.Matches(msg, m.keys.Quit) && msg.String() == "q" {
			return tea.Quit
		}
		m.overlay = overlayNone
		return nil
	case overlayBookmarks:
		return m.onBookmarksKey(msg)
	case overlayStreams:
		return m.onStreamsKey(msg)
	case overlayWatches:
		return m.onWatchesKey(msg)
	case overlayBlame:
		return m.onBlameKey(msg)
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.overlay = overlayHelp
	case key.Matches(msg, k.Cancel) && m.job != nil:
		// Stop the search at once, where it has got to.
		j := m.job
		j.cancel()
		m.interrupt()
		m.job = nil
		at := replay.Seq(j.reached.Load())
		m.setMessage(fmt.Sprintf("%s stopped at seq %d", j.what, at))
		return m.seekTo(at)
	case key.Matches(msg, k.Cancel) && m.playing:
		m.stopPlay("esc")
	case key.Matches(msg, k.Cancel):
		m.message = ""
		if m.cancelSeek != nil && m.seeking {
			m.cancelSeek()
			m.interrupt()
			m.seeking = false
			m.setMessage("seek cancelled")
		}
	case key.Matches(msg, k.Next):
		return m.step(1)
	case key.Matches(msg, k.Prev):
		return m.step(-1)
	case key.Matches(msg, k.First):
		return m.seekTo(min(1, m.last))
	case key.Matches(msg, k.Last):
		if !m.lastFinal && !m.cfg.Follow {
			m.setMessage("the log is still being read; G goes as far as it has got")
		}
		return m.seekTo(m.last)
	case key.Matches(msg, k.PageDown):
		return m.page(1)
	case key.Matches(msg, k.PageUp):
		return m.page(-1)
	case key.Matches(msg, k.Down):
		return m.move(1)
	case key.Matches(msg, k.Up):
		return m.move(-1)
	case key.Matches(msg, k.Fold):
		m.toggleFold()
	case key.Matches(msg, k.Focus):
		m.focus = (m.focus + 1) % 3
	case key.Matches(msg, k.Goto):
		return m.openPrompt(promptGoto, "go to seq or time: ", "")
	case key.Matches(msg, k.Search):
		return m.openPrompt(promptSearch, "search: ", m.search)
	case key.Matches(msg, k.NextMatch):
		return m.nextMatch(false)
	case key.Matches(msg, k.PrevMatch):
		return m.nextMatch(true)
	case key.Matches(msg, k.Bookmark):
		if !m.hasShown || !m.shown.ok || m.shown.seq != m.cursor {
			m.setError(errors.New("no state here to bookmark (yet)"))
			return nil
		}
		return m.openPrompt(promptNote, fmt.Sprintf("bookmark seq %d, note: ", m.cursor), "")
	case key.Matches(msg, k.Bookmarks):
		m.overlay, m.listIndex = overlayBookmarks, 0
	case key.Matches(msg, k.Watch):
		m.editing = -1
		return m.openPrompt(promptWatch, "watch: ", "")
	case key.Matches(msg, k.Watches):
		m.overlay, m.listIndex = overlayWatches, 0
	case key.Matches(msg, k.Continue):
		return m.openPrompt(promptContinue, "continue until (empty: a watch changes): ", m.lastCond)
	case key.Matches(msg, k.ReverseContinue):
		return m.openPrompt(promptReverse, "reverse-continue until (empty: a watch changes): ", m.lastCond)
	case key.Matches(msg, k.Bisect):
		return m.openPrompt(promptBisect, "first seq where (bisect): ", m.lastCond)
	case key.Matches(msg, k.Blame):
		if m.focus != paneState {
			m.setMessage("L works on the value under the cursor in the state pane (tab to it)")
			return nil
		}
		return m.blameRow()
	case key.Matches(msg, k.Mark):
		if m.hasMark && m.mark == m.cursor {
			m.hasMark = false
			m.setMessage("mark cleared")
		} else {
			m.mark, m.hasMark = m.cursor, true
			m.setMessage(fmt.Sprintf("marked seq %d: the diff pane now compares it with the selection", m.cursor))
		}
		return m.seekTo(m.cursor)
	case key.Matches(msg, k.Play):
		m.playFrom = m.cursor
		return m.togglePlay()
	case key.Matches(msg, k.Faster):
		m.playEvery = max(m.playEvery/2, 10*time.Millisecond)
		m.setMessage(fmt.Sprintf("play: a step every %s", m.playEvery))
	case key.Matches(msg, k.Slower):
		m.playEvery = min(m.playEvery*2, 5*time.Second)
		m.setMessage(fmt.Sprintf("play: a step every %s", m.playEvery))
	case key.Matches(msg, k.Stream):
		m.overlay, m.listIndex = overlayStreams, 0
		m.filter.SetValue("")
		return tea.Batch(m.filter.Focus(), streamsCmd(m.ctx, m.cfg))
	}
	return nil
}

// move goes down or up in the focused pane: events, state rows, changes.
func (m *Model[S, E]) move(delta int) tea.Cmd {
	switch m.focus {
	case paneState:
		m.stateRow += delta
		m.clampStateRow()
	case paneDiff:
		m.diffTop = max(0, min(m.diffTop+delta, len(m.shown.changes)-1))
	default:
		return m.step(delta)
	}
	return nil
}

// page moves a screenful in the focused pane.
func (m *Model[S, E]) page(dir int) tea.Cmd {
	l := m.layout()
	switch m.focus {
	case paneState:
		return m.move(dir * max(l.state.h-3, 1))
	case paneDiff:
		return m.move(dir * max(l.diff.h-3, 1))
	}
	return m.step(dir * max(l.events.h-3, 1))
}

func (m *Model[S, E]) openPrompt(mode promptMode, label, value string) tea.Cmd {
	m.promptFor, m.lastPrompt, m.promptErr = mode, mode, ""
	m.prompt.Prompt = label
	m.prompt.SetValue(value)
	m.prompt.CursorEnd()
	return m.prompt.Focus()
}

func (m *Model[S, E]) onPromptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.promptFor, m.promptErr = promptNone, ""
		m.prompt.Blur()
		return nil
	case "enter":
		mode, text := m.promptFor, strings.TrimSpace(m.prompt.Value())
		m.promptFor = promptNone
		m.prompt.Blur()
		return m.submit(mode, text)
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(msg)
	m.promptErr = ""
	return cmd
}

// submit acts on what was typed at the prompt.
func (m *Model[S, E]) submit(mode promptMode, text string) tea.Cmd {
	switch mode {
	case promptGoto:
		if text == "" {
			return nil
		}
		if n, err := strconv.ParseUint(text, 10, 64); err == nil {
			if m.lastFinal && replay.Seq(n) > m.last {
				m.setError(fmt.Errorf("seq %d is past the end: the stream ends at seq %d", n, m.last))
				return nil
			}
			return m.seekTo(replay.Seq(n))
		}
		t, err := parseTime(text)
		if err != nil {
			m.setError(fmt.Errorf("%q is neither a seq nor a time (%v)", text, err))
			return nil
		}
		m.findGen++
		m.finding = true
		m.setMessage("looking for " + text + "…")
		return tea.Batch(atTimeCmd(m.streamCtx, m.cfg, m.stream, m.findGen, t, "last event at or before "+text), m.startTick())
	case promptSearch:
		m.search = text
		if text == "" {
			return nil
		}
		return m.nextMatch(false)
	case promptNote:
		at := time.Time{}
		if ev, ok := m.event(m.cursor); ok {
			at = ev.Time
		}
		m.setMessage("saving bookmark…")
		return bookmarkCmd(m.streamCtx, m.cfg, m.stream, m.cursor, m.shown.state, at, text)
	case promptRename:
		marks := m.cfg.Bookmarks.List(m.stream)
		if m.listIndex < len(marks) {
			return renameCmd(m.cfg.Bookmarks, marks[m.listIndex].Key(), text)
		}
	case promptWatch:
		return m.addWatch(text)
	case promptContinue, promptReverse:
		m.lastCond = text
		return m.continueTo(text, mode == promptReverse)
	case promptBisect:
		m.lastCond = text
		return m.bisectFor(text)
	}
	return nil
}

func (m *Model[S, E]) onWatchesKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel), msg.String() == "q", msg.String() == "W":
		m.overlay = overlayNone
	case m.moveInList(msg, len(m.watches)):
	case key.Matches(msg, k.Enter):
		if m.listIndex < len(m.watches) {
			m.overlay, m.editing = overlayNone, m.listIndex
			return m.openPrompt(promptWatch, "watch: ", m.watches[m.listIndex].source)
		}
	case key.Matches(msg, k.Delete):
		if m.listIndex < len(m.watches) {
			m.watches = append(m.watches[:m.listIndex:m.listIndex], m.watches[m.listIndex+1:]...)
			m.listIndex = max(0, min(m.listIndex, len(m.watches)-1))
			return m.seekTo(m.cursor)
		}
	}
	return nil
}

// moveInList moves the selection of an overlay's list of n rows on the
// keys that move down or up, and reports whether msg was one of them.
func (m *Model[S, E]) moveInList(msg tea.KeyPressMsg, n int) bool {
	k := m.keys
	switch {
	case key.Matches(msg, k.Down), key.Matches(msg, k.Next):
		m.listIndex = min(m.listIndex+1, max(n-1, 0))
	case key.Matches(msg, k.Up), key.Matches(msg, k.Prev):
		m.listIndex = max(m.listIndex-1, 0)
	default:
		return false
	}
	return true
}

func (m *Model[S, E]) onBlameKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel), msg.String() == "q":
		m.overlay = overlayNone
	case m.moveInList(msg, len(m.blameList)):
	case key.Matches(msg, k.Enter):
		if m.listIndex < len(m.blameList) {
			m.overlay = overlayNone
			return m.seekTo(m.blameList[m.listIndex].Seq)
		}
	}
	return nil
}

// nextMatch goes to the next match of the search: a row of the state when
// the state pane has the focus, else an event.
func (m *Model[S, E]) nextMatch(backward bool) tea.Cmd {
	if m.search == "" {
		m.setMessage("nothing to search for: / first")
		return nil
	}
	if m.focus == paneState && m.hasShown && m.shown.ok {
		rows, total := m.shown.doc.Rows(m.folded, 0, 1<<31-1)
		for i := 1; i <= total; i++ {
			j := m.stateRow + i
			if backward {
				j = m.stateRow - i
			}
			j = ((j % total) + total) % total
			if rowMatches(rows[j], m.search) {
				m.stateRow = j
				m.clampStateRow()
				return nil
			}
		}
		m.setMessage("not in this state: " + m.search)
		return nil
	}
	m.findGen++
	m.finding = true
	m.setMessage("searching " + m.search + "…")
	return tea.Batch(searchCmd(m.streamCtx, m.cfg, m.stream, m.findGen, m.cursor, m.search, backward), m.startTick())
}

func rowMatches(r Row, text string) bool {
	t := strings.ToLower(text)
	return strings.Contains(strings.ToLower(r.Key), t) || strings.Contains(strings.ToLower(r.Text), t)
}

func (m *Model[S, E]) toggleFold() {
	if m.focus != paneState || !m.hasShown || !m.shown.ok {
		return
	}
	rows, _ := m.shown.doc.Rows(m.folded, m.stateRow, 1)
	if len(rows) == 1 && rows[0].Foldable {
		m.folded[rows[0].ID] = !m.folded[rows[0].ID]
		m.clampStateRow()
	}
}

func (m *Model[S, E]) onBookmarksKey(msg tea.KeyPressMsg) tea.Cmd {
	marks := m.cfg.Bookmarks.List(m.stream)
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel), msg.String() == "q", msg.String() == "B":
		m.overlay = overlayNone
	case m.moveInList(msg, len(marks)):
	case key.Matches(msg, k.Enter):
		if m.listIndex < len(marks) {
			m.overlay = overlayNone
			return m.seekTo(marks[m.listIndex].Seq)
		}
	case key.Matches(msg, k.Rename):
		if m.listIndex < len(marks) {
			return m.openPrompt(promptRename, fmt.Sprintf("note for seq %d: ", marks[m.listIndex].Seq), marks[m.listIndex].Note)
		}
	case key.Matches(msg, k.Mark):
		// Mark a bookmark, then go to another: the diff between the two.
		if m.listIndex < len(marks) {
			m.mark, m.hasMark = marks[m.listIndex].Seq, true
			m.setMessage(fmt.Sprintf("marked the bookmark at seq %d; enter on another shows the diff between them", m.mark))
		}
	case key.Matches(msg, k.Delete):
		if m.listIndex < len(marks) {
			b := marks[m.listIndex]
			m.listIndex = max(0, min(m.listIndex, len(marks)-2))
			m.setMessage(fmt.Sprintf("deleted the bookmark at seq %d", b.Seq))
			return deleteCmd(m.cfg.Bookmarks, b.Key())
		}
	}
	return nil
}

// filteredStreams are the streams whose name holds the filter text.
func (m *Model[S, E]) filteredStreams() []StreamInfo {
	f := strings.ToLower(m.filter.Value())
	var out []StreamInfo
	for _, s := range m.streams {
		if strings.Contains(strings.ToLower(string(s.Key)), f) {
			out = append(out, s)
		}
	}
	return out
}

func (m *Model[S, E]) onStreamsKey(msg tea.KeyPressMsg) tea.Cmd {
	list := m.filteredStreams()
	switch msg.String() {
	case "esc":
		m.overlay = overlayNone
		m.filter.Blur()
		return nil
	case "down", "ctrl+n", "tab":
		m.listIndex = min(m.listIndex+1, max(len(list)-1, 0))
		return nil
	case "up", "ctrl+p", "shift+tab":
		m.listIndex = max(m.listIndex-1, 0)
		return nil
	case "enter":
		if m.listIndex < len(list) {
			m.overlay = overlayNone
			m.filter.Blur()
			return m.openStream(list[m.listIndex].Key)
		}
		return nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.listIndex = 0
	return cmd
}

// onWheel scrolls the pane under the pointer: in the event list it moves
// the selection.
func (m *Model[S, E]) onWheel(msg tea.MouseWheelMsg) tea.Cmd {
	delta := 0
	switch msg.Button {
	case tea.MouseWheelDown:
		delta = 3
	case tea.MouseWheelUp:
		delta = -3
	default:
		return nil
	}
	l := m.layout()
	switch {
	case l.state.contains(msg.X, msg.Y):
		m.stateTop = max(0, m.stateTop+delta)
		m.stateRow = max(m.stateRow, m.stateTop)
		m.clampStateRow()
		return nil
	case l.diff.contains(msg.X, msg.Y):
		m.diffTop = max(0, min(m.diffTop+delta, len(m.shown.changes)-1))
		return nil
	}
	return m.step(delta)
}

// onClick selects the clicked event, or focuses the clicked pane.
func (m *Model[S, E]) onClick(msg tea.MouseClickMsg) tea.Cmd {
	if msg.Button != tea.MouseLeft || m.overlay != overlayNone {
		return nil
	}
	l := m.layout()
	switch {
	case l.events.contains(msg.X, msg.Y):
		m.focus = paneEvents
		row := msg.Y - l.events.y - 1
		if row >= 0 && row < l.events.h-2 {
			seq := m.listTop + replay.Seq(row)
			if seq >= 1 && (seq <= m.last || !m.lastFinal) {
				return m.seekTo(seq)
			}
		}
	case l.state.contains(msg.X, msg.Y):
		m.focus = paneState
		if row := msg.Y - l.state.y - 1; row >= 0 {
			m.stateRow = m.stateTop + row
			m.clampStateRow()
		}
	case l.diff.contains(msg.X, msg.Y):
		m.focus = paneDiff
	}
	return nil
}

// keepCursorVisible scrolls the event list to the selection.
func (m *Model[S, E]) keepCursorVisible() {
	h := replay.Seq(max(m.layout().events.h-2, 1))
	c := max(m.cursor, 1)
	if c < m.listTop {
		m.listTop = c
	}
	if c >= m.listTop+h {
		m.listTop = c - h + 1
	}
	m.listTop = max(m.listTop, 1)
}

// clampStateRow keeps the selected state row on the state and on screen.
func (m *Model[S, E]) clampStateRow() {
	if !m.hasShown || !m.shown.ok {
		return
	}
	_, total := m.shown.doc.Rows(m.folded, 0, 0)
	m.stateRow = max(0, min(m.stateRow, total-1))
	h := max(m.layout().state.h-2, 1)
	if m.stateRow < m.stateTop {
		m.stateTop = m.stateRow
	}
	if m.stateRow >= m.stateTop+h {
		m.stateTop = m.stateRow - h + 1
	}
	m.stateTop = max(0, min(m.stateTop, max(total-h, 0)))
}

// loadPages asks for the pages of events the list shows and that are
// neither loaded nor loading.
func (m *Model[S, E]) loadPages() tea.Cmd {
	if m.tl == nil {
		return nil
	}
	h := replay.Seq(max(m.layout().events.h, 1))
	var cmds []tea.Cmd
	for seq := m.listTop; seq <= m.listTop+h && seq <= max(m.cursor, m.listTop)+h; seq += pageSize {
		first := ((seq-1)/pageSize)*pageSize + 1
		if _, ok := m.pages[first]; ok || m.loading[first] {
			continue
		}
		if m.lastFinal && first > m.last {
			break
		}
		m.loading[first] = true
		cmds = append(cmds, pageCmd(m.streamCtx, m.cfg.Log, m.stream, first))
	}
	// The page holding the end of the view.
	end := m.listTop + h
	first := ((end-1)/pageSize)*pageSize + 1
	if _, ok := m.pages[first]; !ok && !m.loading[first] && (!m.lastFinal || first <= m.last) {
		m.loading[first] = true
		cmds = append(cmds, pageCmd(m.streamCtx, m.cfg.Log, m.stream, first))
	}
	return tea.Batch(cmds...)
}

// dropFarPages forgets pages far from the view, so that a long session
// over a huge stream keeps a bounded number of events in memory.
func (m *Model[S, E]) dropFarPages() {
	const keep = 32
	if len(m.pages) <= keep {
		return
	}
	for first := range m.pages {
		if first+pageSize*keep/2 < m.listTop || first > m.listTop+pageSize*keep/2 {
			delete(m.pages, first)
		}
	}
}

// event returns the event at seq if its page is loaded.
func (m *Model[S, E]) event(seq replay.Seq) (replay.Event[E], bool) {
	if seq == 0 {
		return replay.Event[E]{}, false
	}
	first := ((seq-1)/pageSize)*pageSize + 1
	page := m.pages[first]
	i := int(seq - first)
	if i < len(page) {
		return page[i], true
	}
	return replay.Event[E]{}, false
}

// recheckBookmarks checks the bookmarks a change brought in from the file
// (other debuggers') that are not checked yet.
func (m *Model[S, E]) recheckBookmarks() tea.Cmd {
	cmd := verifyCmd(m.streamCtx, m.cfg, m.stream, true)
	if cmd != nil {
		m.verifying = true
	}
	return cmd
}

// bookmarkAt reports whether seq has a bookmark.
func (m *Model[S, E]) bookmarkAt(marks []bookmarks.Bookmark, seq replay.Seq) bool {
	for _, b := range marks {
		if b.Seq == seq {
			return true
		}
	}
	return false
}

// parseTime reads a time typed at the : prompt, as logs write them.
func parseTime(s string) (time.Time, error) {
	t, ok, err := jsonl.ParseTime([]byte(strconv.Quote(s)))
	if err == nil && !ok {
		err = errors.New("no time")
	}
	return t, err
}
