package tui

import (
	"fmt"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/changes"
)

// The overlays are one list component with different items and actions.
// Each has a kind, so that its items can be refreshed when what they list
// changes (a bookmark saved, a watch edited).

type listKind int

const (
	bookmarksList listKind = iota + 1
	watchesList
	streamsList
	blameList
	foundList
)

// openList opens l as the overlay.
func (m *Model[S, E]) openList(kind listKind, l *list) {
	l.theme, l.kind = m.c.theme, kind
	l.SetSize(m.width, m.bodyHeight())
	m.list = l
}

// listKindOf tells which overlay is open (0: none).
func (m *Model[S, E]) listKindOf() listKind {
	if m.list == nil {
		return 0
	}
	return m.list.kind
}

func (m *Model[S, E]) openBookmarks() {
	s := m.s
	m.openList(bookmarksList, &list{
		title: joinNonEmpty(" · ", "bookmarks", streamTitle(s.stream)),
		hint:  "m marks one, then enter on another shows the diff between them",
		empty: "no bookmarks in this stream yet: b bookmarks the selected seq",
		detail: func(i int) string {
			if b := s.marks[i]; b.Status == Unusable {
				return fmt.Sprintf("seq %d is not used: %s", b.Seq, b.Reason)
			}
			return ""
		},
		actions: []listAction{
			{m.c.keys.Enter, func(i int) tea.Cmd {
				m.list = nil
				return m.seekTo(s.marks[i].Seq)
			}},
			{m.c.keys.Rename, func(i int) tea.Cmd {
				b := s.marks[i]
				return m.prompt.Open(fmt.Sprintf("note for seq %d: ", b.Seq), b.Note, func(note string) (tea.Cmd, error) {
					return renameBookmarkCmd(m.c.cfg, s.stream, b, note), nil
				})
			}},
			{m.c.keys.Mark, func(i int) tea.Cmd {
				// Mark a bookmark, then go to another: the diff between the two.
				s.mark, s.marked = s.marks[i].Seq, true
				m.events.mark, m.events.marked = s.mark, true
				m.say(fmt.Sprintf("marked the bookmark at seq %d; enter on another shows the diff between them", s.mark))
				return nil
			}},
			{m.c.keys.Delete, func(i int) tea.Cmd {
				return deleteBookmarkCmd(m.c.cfg, s.stream, s.marks[i])
			}},
		},
	})
	m.refreshList()
}

// bookmarkLine is a bookmark as the list shows it.
func bookmarkLine(b Bookmark) string {
	status := ""
	switch b.Status {
	case Unusable:
		status = "  NOT USED: " + b.Reason
	case Checking:
		status = "  (checking)"
	}
	return fmt.Sprintf("%7d  %s  %s%s", b.Seq, formatTime(b.Time), b.Note, status)
}

func (m *Model[S, E]) openWatches() {
	m.openList(watchesList, &list{
		title: "watches",
		hint:  "enter: edit · p: plot over the seqs · d: delete · esc: close · w adds one",
		empty: "no watches yet: w watches an expression over state and event, e.g. state.balance",
		actions: []listAction{
			{m.c.keys.Enter, func(i int) tea.Cmd {
				m.list = nil
				return m.editWatch(i)
			}},
			{m.c.keys.Plot, func(i int) tea.Cmd {
				m.list = nil
				return m.plotWatch(i)
			}},
			{m.c.keys.Delete, func(i int) tea.Cmd {
				m.inv.watches = append(m.inv.watches[:i:i], m.inv.watches[i+1:]...)
				m.layOut()
				m.refreshList()
				return tea.Batch(m.inv.saveWatches(), m.seekTo(m.events.cursor))
			}},
		},
	})
	m.refreshList()
}

func (m *Model[S, E]) openStreams() tea.Cmd {
	filter := textinput.New()
	filter.Prompt = "filter: "
	filter.SetStyles(inputStyles(true))
	m.openList(streamsList, &list{
		title:  "streams",
		empty:  "listing streams…",
		filter: &filter,
	})
	return tea.Batch(filter.Focus(), m.list.filter.Focus(), streamsCmd(m.ctx, m.c.cfg))
}

// fillStreams lists the streams in the switcher; enter opens one.
func (m *Model[S, E]) fillStreams(infos []StreamInfo) {
	if m.listKindOf() != streamsList {
		return
	}
	items := make([]string, len(infos))
	for i, s := range infos {
		items[i] = fmt.Sprintf("%-30s %10s  %s … %s", streamTitle(s.Key), plural(s.Events, "event"), formatTime(s.First), formatTime(s.Last))
	}
	m.list.title = "streams"
	m.list.empty = "no stream matches"
	m.list.actions = []listAction{{m.c.keys.Enter, func(i int) tea.Cmd {
		m.list = nil
		return m.openStream(infos[i].Key)
	}}}
	m.list.setItems(items)
}

// openBlame lists a value's history; the last change is selected, and
// enter goes to an entry.
func (m *Model[S, E]) openBlame(entries []changes.BlameEntry) {
	items := make([]string, len(entries))
	for i, e := range entries {
		items[i] = fmt.Sprintf("%7d  %s  %-14s %s", e.Seq, formatTime(e.Time), e.Summary, e.Change.String())
	}
	m.openList(blameList, &list{
		title: fmt.Sprintf("history (%s)", plural(len(entries), "change")),
		hint:  "every event that changed the value, oldest first · enter: go to · esc: close",
		actions: []listAction{{m.c.keys.Enter, func(i int) tea.Cmd {
			m.list = nil
			return m.seekTo(entries[i].Seq)
		}}},
	})
	m.list.setItems(items)
	m.list.selected = len(items) - 1
}

// refreshList rebuilds the items of the overlay open, when they are the
// bookmarks or the watches, which change under it.
func (m *Model[S, E]) refreshList() {
	switch m.listKindOf() {
	case bookmarksList:
		items := make([]string, len(m.s.marks))
		for i, b := range m.s.marks {
			items[i] = bookmarkLine(b)
		}
		m.list.setItems(items)
		m.list.footer = "kept for this session only (the log has no file beside which to save them)"
		if where := m.s.where; where != "" {
			m.list.footer = "saved in " + where
		}
	case watchesList:
		items := make([]string, len(m.inv.watches))
		for i, w := range m.inv.watches {
			items[i] = w.source
			if sh := m.s.shown; sh != nil && i < len(sh.watches) {
				items[i] += " = " + sh.watches[i].text()
			}
		}
		m.list.setItems(items)
	}
}
