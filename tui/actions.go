package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
)

// onKey routes a key to the prompt, the overlay or the panes, and acts on
// the keys that are the debugger's own.
func (m *Model[S, E]) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if key.Matches(msg, k.ForceQuit) {
		return tea.Quit
	}
	if m.prompt.open {
		return m.prompt.Update(msg)
	}
	m.status.clear() // a message lasts until the next key
	switch {
	case m.showHelp:
		switch {
		case key.Matches(msg, k.Down), key.Matches(msg, k.PageDown):
			m.helpTop = min(m.helpTop+1, 100)
		case key.Matches(msg, k.Up), key.Matches(msg, k.PageUp):
			m.helpTop = max(m.helpTop-1, 0)
		case key.Matches(msg, k.Quit):
			return tea.Quit
		default:
			m.showHelp = false
		}
		return nil
	case m.list != nil:
		if key.Matches(msg, k.Undo) && m.listKindOf() == bookmarksList {
			return m.undoDelete() // also when the list is empty
		}
		if key.Matches(msg, k.Quit) && m.list.filter == nil {
			m.list = nil
			return nil
		}
		if key.Matches(msg, k.Help) && m.list.filter == nil {
			m.showHelp, m.helpTop = true, 0 // any key comes back to the list
			return nil
		}
		cmd := m.list.Update(msg)
		if m.list != nil && m.list.closed {
			m.list = nil
		}
		return cmd
	case m.chart != nil:
		return m.onChartKey(msg)
	case m.detail != nil:
		switch {
		case key.Matches(msg, k.Quit): // closes it, as q closes the chart and the lists
			m.detail = nil
			return nil
		case key.Matches(msg, k.Copy):
			m.say(fmt.Sprintf("copied %s (%s) to the clipboard", m.detail.what, plural(len(m.detail.text), "byte")))
			return tea.SetClipboard(m.detail.text)
		}
		if m.detail.Update(msg) {
			m.detail = nil
		}
		return nil
	}
	if m.s == nil {
		if key.Matches(msg, k.Quit) {
			return tea.Quit
		}
		return nil
	}
	s := m.s
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp, m.helpTop = true, 0
	case key.Matches(msg, k.Cancel):
		return m.escape()
	case key.Matches(msg, k.Focus):
		m.cycleFocus()
	case key.Matches(msg, k.ToggleEvent):
		m.showEvent = !m.showEvent
		if !m.showEvent && m.focus == paneEvent {
			m.focus = paneEvents
		}
		m.layOut()
	case m.focus == paneState && (key.Matches(msg, k.Down) || key.Matches(msg, k.Up) || key.Matches(msg, k.PageDown) || key.Matches(msg, k.PageUp) || key.Matches(msg, k.Fold)):
		return m.state.Update(msg)
	case m.focus == paneDiff && (key.Matches(msg, k.Down) || key.Matches(msg, k.Up)):
		m.diff.scroll(map[bool]int{true: 1, false: -1}[key.Matches(msg, k.Down)])
	case m.focus == paneEvent && (key.Matches(msg, k.Down) || key.Matches(msg, k.Up)):
		m.event.scroll(map[bool]int{true: 1, false: -1}[key.Matches(msg, k.Down)])
	case key.Matches(msg, k.Next), key.Matches(msg, k.Down):
		return m.step(1)
	case key.Matches(msg, k.Prev), key.Matches(msg, k.Up):
		return m.step(-1)
	case key.Matches(msg, k.First):
		return m.seekTo(m.events.clamp(1))
	case key.Matches(msg, k.Last):
		if !m.events.final && !m.c.cfg.Follow {
			m.say("the log is still being read; G goes as far as it has got")
		}
		return m.seekTo(m.events.clamp(m.events.last))
	case key.Matches(msg, k.PageDown):
		return m.step(max(m.events.rows()-1, 1))
	case key.Matches(msg, k.PageUp):
		return m.step(-max(m.events.rows()-1, 1))
	case key.Matches(msg, k.Goto):
		if _, ok := m.c.cfg.Log.(replay.SourceIDs); ok {
			return m.prompt.Open("go to seq, id:N or time: ", "", m.goTo)
		}
		return m.prompt.Open("go to seq or time: ", "", m.goTo)
	case key.Matches(msg, k.Search):
		m.prompt.input.Placeholder = s.search
		return m.prompt.Open("search: ", "", func(text string) (tea.Cmd, error) {
			if text == "" {
				text = s.search // enter alone searches again for the last
			}
			return m.searchFor(text, false), nil
		})
	case key.Matches(msg, k.NextMatch):
		return m.searchFor(s.search, false)
	case key.Matches(msg, k.PrevMatch):
		return m.searchFor(s.search, true)
	case key.Matches(msg, k.Bookmark):
		shown := s.shown
		if shown == nil || !shown.ok || shown.seq != m.events.cursor || s.seeking {
			m.status.fail(errors.New("no state here to bookmark (yet)"))
			return nil
		}
		return m.prompt.Open(fmt.Sprintf("bookmark seq %d, note: ", shown.seq), "", func(note string) (tea.Cmd, error) {
			m.say("saving bookmark…")
			c := replay.Checkpoint[S]{Stream: s.stream, Seq: shown.seq, State: shown.state}
			return addBookmarkCmd(s.ctx, m.c.cfg, c, shown.event.Time, note), nil
		})
	case key.Matches(msg, k.Bookmarks):
		m.openBookmarks()
	case key.Matches(msg, k.Undo):
		return m.undoDelete()
	case key.Matches(msg, k.Watch):
		return m.editWatch(-1)
	case key.Matches(msg, k.Watches):
		m.openWatches()
	case key.Matches(msg, k.NextDivergence), key.Matches(msg, k.PrevDivergence):
		return m.goToDivergence(key.Matches(msg, k.PrevDivergence))
	case key.Matches(msg, k.Continue), key.Matches(msg, k.ReverseContinue):
		backward := key.Matches(msg, k.ReverseContinue)
		label := "continue until (empty: a watch changes): "
		if backward {
			label = "reverse-continue until (empty: a watch changes): "
		}
		return m.prompt.Open(label, m.inv.lastCond, func(text string) (tea.Cmd, error) {
			return m.inv.continueTo(s.ctx, s.tl, m.events.cursor, text, backward)
		})
	case key.Matches(msg, k.Bisect):
		return m.prompt.Open("first seq where (bisect): ", m.inv.lastCond, func(text string) (tea.Cmd, error) {
			return m.inv.bisect(s.ctx, s.tl, m.events.last, text)
		})
	case key.Matches(msg, k.FindAll):
		return m.findAllPrompt()
	case key.Matches(msg, k.Blame):
		return m.blameSelected()
	case key.Matches(msg, k.Plot):
		return m.plotSelected()
	case key.Matches(msg, k.Detail):
		m.openDetail()
	case key.Matches(msg, k.Summary):
		return m.chooseSummary()
	case key.Matches(msg, k.ScrollLeft), key.Matches(msg, k.ScrollRight):
		m.scrollSideways(key.Matches(msg, k.ScrollRight))
	case key.Matches(msg, k.Copy), key.Matches(msg, k.CopyPath):
		return m.copySelected(key.Matches(msg, k.CopyPath))
	case key.Matches(msg, k.Mark):
		if s.marked && s.mark == m.events.cursor {
			s.marked = false
			m.say("mark cleared")
		} else {
			s.mark, s.marked = m.events.cursor, true
			m.say(fmt.Sprintf("marked seq %d: the diff pane now compares it with the selection", s.mark))
		}
		m.events.mark, m.events.marked = s.mark, s.marked
		return m.seekTo(m.events.cursor)
	case key.Matches(msg, k.Play):
		cmd, text := m.inv.togglePlay(m.events.cursor)
		if text != "" {
			m.say(text)
		}
		return cmd
	case key.Matches(msg, k.Faster):
		m.inv.playEvery = max(m.inv.playEvery/2, 10*time.Millisecond)
		m.say(fmt.Sprintf("play: a step every %s", m.inv.playEvery))
	case key.Matches(msg, k.Slower):
		m.inv.playEvery = min(m.inv.playEvery*2, 5*time.Second)
		m.say(fmt.Sprintf("play: a step every %s", m.inv.playEvery))
	case key.Matches(msg, k.Stream):
		return m.openStreams()
	}
	return nil
}

// escape is esc: it stops, in this order, a search, play, or a seek.
func (m *Model[S, E]) escape() tea.Cmd {
	s := m.s
	j := m.inv.job
	keep := j != nil && j.keepSeq
	if what, at, ok := m.inv.stop(); ok {
		m.interrupt()
		if j.overStreams {
			m.say(fmt.Sprintf("%s stopped after %s of %s streams", what, thousands(j.streamsDone), thousands(j.streams)))
			return nil
		}
		m.say(fmt.Sprintf("%s stopped at seq %d", what, at))
		if at > 0 && !keep {
			return m.seekTo(at)
		}
		return nil
	}
	if m.inv.playing {
		m.say(m.inv.stopPlay("esc"))
		return nil
	}
	if s.seeking && s.cancelSeek != nil {
		s.cancelSeek()
		m.interrupt()
		s.seeking = false
		m.say("seek cancelled")
	}
	return nil
}

// chooseSummary opens the prompt to choose the payload values the rows of
// the event list show.
func (m *Model[S, E]) chooseSummary() tea.Cmd {
	if m.c.cfg.SummaryOf == nil {
		m.say("the rows of this program's events say what it chose; there are no fields to choose")
		return nil
	}
	m.prompt.input.Placeholder = ""
	return m.prompt.Open("fields rows show (a, b.c; empty: automatic): ", strings.Join(m.events.fields, ", "), func(text string) (tea.Cmd, error) {
		m.events.setFields(splitFields(text))
		if len(m.events.fields) == 0 {
			m.say("rows show the type and the short values")
		} else {
			m.say("rows show the type and " + strings.Join(m.events.fields, ", "))
		}
		return nil, nil
	})
}

// splitFields reads a list of fields, separated by commas or spaces.
func splitFields(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' })
}

// scrollSideways scrolls the focused pane half its width right, or left.
func (m *Model[S, E]) scrollSideways(right bool) {
	moved := false
	switch m.focus {
	case paneState:
		step := max((m.state.width-2)/2, 4)
		moved = m.state.scrollSideways(map[bool]int{true: step, false: -step}[right])
	case paneEvent:
		step := max((m.event.width-2)/2, 4)
		moved = m.event.scrollSideways(map[bool]int{true: step, false: -step}[right])
	default:
		m.say("< and > scroll the state pane and the event pane sideways (tab to one; e shows the event)")
		return
	}
	if !moved && right {
		m.say("nothing here is wider than the pane: v shows a value whole")
	}
}

// cycleFocus moves the focus to the next pane on screen.
func (m *Model[S, E]) cycleFocus() {
	n := pane(3)
	if m.showEvent {
		n = 4
	}
	m.focus = (m.focus + 1) % n
	m.events.focused, m.state.focused, m.diff.focused, m.event.focused = m.focus == paneEvents, m.focus == paneState, m.focus == paneDiff, m.focus == paneEvent
	m.state.follow()
}

// undoDelete brings back the bookmark of this stream deleted last.
func (m *Model[S, E]) undoDelete() tea.Cmd {
	s := m.s
	if len(s.deleted) == 0 {
		m.say("no deleted bookmark to bring back")
		return nil
	}
	b := s.deleted[len(s.deleted)-1]
	s.deleted = s.deleted[:len(s.deleted)-1]
	m.say(fmt.Sprintf("restoring the bookmark at seq %d…", b.Seq))
	return undeleteBookmarkCmd(m.c.cfg, s.stream, b)
}

// editWatch opens the prompt to add a watch, or to edit watch i.
func (m *Model[S, E]) editWatch(i int) tea.Cmd {
	value := ""
	if i >= 0 && i < len(m.inv.watches) {
		value = m.inv.watches[i].source
	}
	return m.prompt.Open("watch: ", value, func(text string) (tea.Cmd, error) {
		if text == "" {
			return nil, nil
		}
		if err := m.inv.addWatch(text, i); err != nil {
			return nil, err
		}
		// The diff pane makes room for the watches and shows their values.
		m.layOut()
		return tea.Batch(m.inv.saveWatches(), m.seekTo(m.events.cursor)), nil
	})
}

// blameSelected lists the events that changed the value under the
// state pane's cursor.
func (m *Model[S, E]) blameSelected() tea.Cmd {
	if m.focus != paneState {
		m.say("L works on the value under the cursor in the state pane (tab to it)")
		return nil
	}
	sel := m.state.selected()
	if sel == nil {
		return nil
	}
	path := sel.Path
	if path == "" {
		path = "."
	}
	return m.inv.blame(m.s.ctx, m.s.stream, path, m.events.cursor)
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
	switch {
	case m.chart != nil:
		m.chart.move(delta / 3)
		return nil
	case m.detail != nil:
		m.detail.scroll(delta)
		return nil
	}
	l := m.layout()
	switch {
	case l.state.contains(msg.X, msg.Y):
		m.state.scroll(delta)
		return nil
	case l.diff.contains(msg.X, msg.Y):
		m.diff.scroll(delta)
		return nil
	case m.showEvent && l.event.contains(msg.X, msg.Y):
		m.event.scroll(delta)
		return nil
	}
	return m.step(delta)
}

// onClick selects the clicked event, or focuses the clicked pane.
func (m *Model[S, E]) onClick(msg tea.MouseClickMsg) tea.Cmd {
	if msg.Button != tea.MouseLeft || m.list != nil || m.chart != nil || m.showHelp || m.detail != nil {
		return nil
	}
	l := m.layout()
	focus := m.focus
	var cmd tea.Cmd
	switch {
	case l.events.contains(msg.X, msg.Y):
		focus = paneEvents
		if seq, ok := m.events.seqAt(msg.Y - l.events.y); ok {
			cmd = m.seekTo(seq)
		}
	case l.state.contains(msg.X, msg.Y):
		focus = paneState
		m.clickState(msg.Y - l.state.y)
	case l.diff.contains(msg.X, msg.Y):
		focus = paneDiff
	case m.showEvent && l.event.contains(msg.X, msg.Y):
		focus = paneEvent
	}
	for m.focus != focus {
		m.cycleFocus()
	}
	return cmd
}

// copySelected copies, through the terminal (OSC 52), the value under the
// state pane's cursor or its path; elsewhere, the selected event as its
// line.
func (m *Model[S, E]) copySelected(path bool) tea.Cmd {
	var text, what string
	switch sel := m.state.selected(); {
	case m.focus == paneState && sel != nil && path:
		text, what = sel.Path, "the path "+sel.Path
	case m.focus == paneState && sel != nil:
		text, what = valueText(m.state.doc, m.state.folded, *sel), "the value at "+sel.Path
	case path:
		m.say("Y copies the path of the value under the cursor in the state pane (tab to it)")
		return nil
	case m.s.shown != nil && m.s.shown.seq > 0 && m.s.shown.event.Seq == m.s.shown.seq:
		text, what = m.s.shown.line, fmt.Sprintf("the event at seq %d", m.s.shown.seq)
	default:
		m.say("nothing to copy here")
		return nil
	}
	m.say(fmt.Sprintf("copied %s (%s) to the clipboard", what, plural(len(text), "byte")))
	return tea.SetClipboard(text)
}
