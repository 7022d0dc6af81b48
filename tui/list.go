package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// listAction is a key of an overlay list and what it does with the
// selected item (its index in the items given to the list).
type listAction struct {
	key key.Binding
	do  func(item int) tea.Cmd
}

// list is the overlay that lists bookmarks, streams, watches and a
// value's history: a title, a hint, items one a line, a selection, and
// actions on keys. With a filter, typing narrows the items.
type list struct {
	*theme
	width, height int
	kind          listKind

	title, hint, empty string
	items              []string // as shown, before sanitising
	footer             string
	// detail, when set, is shown under the items for the selected one:
	// what a line has no room for.
	detail   func(item int) string
	selected int // among the shown items
	filter   *textinput.Model
	shown    []int // indexes of the items that pass the filter
	actions  []listAction
	// counted: the title counts the items itself, so the filter's count
	// is not added to it.
	counted bool
	// onClose, when set, runs when the list closes without an action.
	onClose func() tea.Cmd
	closed  bool
}

// setItems replaces the items, keeping the selection where it can.
func (l *list) setItems(items []string) {
	l.items = items
	l.refilter()
}

func (l *list) refilter() {
	l.shown = l.shown[:0]
	f := ""
	if l.filter != nil {
		f = strings.ToLower(l.filter.Value())
	}
	var exact []int
	for i, it := range l.items {
		low := strings.ToLower(firstField(it))
		switch {
		case f != "" && low == f:
			exact = append(exact, i) // an exact match comes first
		case strings.Contains(strings.ToLower(it), f):
			l.shown = append(l.shown, i)
		}
	}
	l.shown = append(exact, l.shown...)
	l.selected = max(0, min(l.selected, len(l.shown)-1))
}

// firstField is an item's first word: a stream's name, a seq.
func firstField(s string) string {
	f, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return f
}

// current is the index of the selected item, or -1.
func (l *list) current() int {
	if l.selected < len(l.shown) {
		return l.shown[l.selected]
	}
	return -1
}

func (l *list) SetSize(w, h int) { l.width, l.height = w, h }

// Update moves the selection, runs actions, and closes on esc.
func (l *list) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if l.filter != nil {
			var cmd tea.Cmd
			*l.filter, cmd = l.filter.Update(msg)
			return cmd
		}
		return nil
	}
	keys := l.keys
	switch {
	case key.Matches(k, keys.Cancel):
		l.closed = true
		if l.onClose != nil {
			return l.onClose()
		}
		return nil
	case key.Matches(k, keys.ListDown):
		l.selected = min(l.selected+1, max(len(l.shown)-1, 0))
		return nil
	case key.Matches(k, keys.ListUp):
		l.selected = max(l.selected-1, 0)
		return nil
	}
	if l.filter == nil {
		switch {
		case key.Matches(k, keys.Down), key.Matches(k, keys.Next):
			l.selected = min(l.selected+1, max(len(l.shown)-1, 0))
			return nil
		case key.Matches(k, keys.Up), key.Matches(k, keys.Prev):
			l.selected = max(l.selected-1, 0)
			return nil
		}
	}
	for _, a := range l.actions {
		if key.Matches(k, a.key) {
			if i := l.current(); i >= 0 {
				return a.do(i)
			}
			return nil
		}
	}
	if l.filter != nil {
		var cmd tea.Cmd
		*l.filter, cmd = l.filter.Update(msg)
		l.selected = 0
		l.refilter()
		return cmd
	}
	return nil
}

func (l *list) View() string {
	var lines []string
	if l.filter != nil {
		lines = append(lines, l.filter.View())
	}
	if l.hint != "" {
		lines = append(lines, l.st.dim.Render(l.hint))
	}
	lines = append(lines, "")
	if len(l.shown) == 0 && l.empty != "" {
		lines = append(lines, l.empty)
	}
	// The detail, wrapped, and the footer keep their room below the
	// items.
	var below []string
	if i := l.current(); l.detail != nil && i >= 0 {
		if d := l.detail(i); d != "" {
			below = append([]string{""}, wrap(d, l.width-2)...)
		}
	}
	if l.footer != "" {
		below = append(below, "", l.st.dim.Render(fit(clean(l.footer), l.width-2)))
	}
	h := max(l.height-2-len(lines)-len(below), 1)
	start := max(0, l.selected-h+1)
	for i := start; i < len(l.shown) && i < start+h; i++ {
		line := fit(clean(l.items[l.shown[i]]), l.width-2)
		if i == l.selected {
			line = l.st.selected.Render(line)
		}
		lines = append(lines, line)
	}
	lines = append(lines, below...)
	title := l.title
	if l.filter != nil && len(l.items) > 0 && !l.counted {
		title += fmt.Sprintf(" (%d of %d)", len(l.shown), len(l.items))
	}
	return box(l.st, title, lines, l.width, l.height, true)
}
