package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key the debugger knows, with its help text: ? shows
// them all, generated from here, and the components match keys against
// these bindings, never against raw strings.
type keyMap struct {
	Next, Prev, First, Last, PageDown, PageUp key.Binding
	Up, Down, Fold                            key.Binding
	Goto, Search, NextMatch, PrevMatch        key.Binding
	Bookmark, Bookmarks                       key.Binding
	Focus, Stream, ToggleEvent                key.Binding
	Copy, CopyPath                            key.Binding
	Detail, ScrollLeft, ScrollRight, Summary  key.Binding
	Help, Quit, ForceQuit, Cancel, Enter      key.Binding
	Rename, Delete, Undo                      key.Binding
	Watch, Watches, Continue, ReverseContinue key.Binding
	Bisect, Blame, Mark, Play, Faster, Slower key.Binding
	Plot, FindAll                             key.Binding
	NextDivergence, PrevDivergence            key.Binding // with Config.Against
	// In lists with a filter, where letters are typed: arrows and
	// ctrl+n, ctrl+p, tab move the selection.
	ListDown, ListUp key.Binding
}

func newKeyMap() *keyMap {
	return &keyMap{
		Next:        key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "next event")),
		Prev:        key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "previous event")),
		First:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first event")),
		Last:        key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last event")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn/ctrl+d", "page down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup/ctrl+u", "page up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down in the pane")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up in the pane")),
		Fold:        key.NewBinding(key.WithKeys("enter", "z"), key.WithHelp("enter/z", "fold or unfold (state)")),
		Goto:        key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "go to a seq or a time")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search events and state")),
		NextMatch:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Bookmark:    key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "bookmark this seq")),
		Bookmarks:   key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "list bookmarks")),
		Focus:       key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		Stream:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "switch stream")),
		ToggleEvent: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "show the event itself")),
		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the value (state) or the event")),
		CopyPath:    key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy the value's path (state)")),
		Detail:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "the value under the cursor, whole")),
		ScrollLeft:  key.NewBinding(key.WithKeys("<"), key.WithHelp("<", "scroll left (state, event)")),
		ScrollRight: key.NewBinding(key.WithKeys(">"), key.WithHelp(">", "scroll right (state, event)")),
		Summary:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "choose the fields rows show")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit, from anywhere")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close, stop a search or seek")),
		Enter:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Rename:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rename (bookmarks)")),
		Delete:      key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete (bookmarks, watches)")),
		Undo:        key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo the last bookmark delete")),

		Watch:           key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "watch an expression")),
		Watches:         key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "list watches (edit, delete)")),
		Continue:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "continue to where a condition holds")),
		ReverseContinue: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "reverse-continue")),
		Bisect:          key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "first seq where it holds (bisect)")),
		FindAll:         key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "find where a condition holds, in every stream")),
		Blame:           key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "who last changed this value (state)")),
		Mark:            key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark: diff from the mark")),
		Plot:            key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "plot the value (state) or a watch")),
		NextDivergence:  key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next divergence of the two states")),
		PrevDivergence:  key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous divergence")),
		Play:            key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "play / stop")),
		Faster:          key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "play faster / slower")),
		Slower:          key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "play slower")),

		ListDown: key.NewBinding(key.WithKeys("down", "ctrl+n", "tab")),
		ListUp:   key.NewBinding(key.WithKeys("up", "ctrl+p", "shift+tab")),
	}
}

// ShortHelp is the footer's keys where the event list has the focus.
func (k *keyMap) ShortHelp() []key.Binding { return k.footer(inEvents) }

// place is where the keys go: a pane with the focus, an overlay, the
// prompt. The footer shows the keys of the place.
type place int

const (
	inEvents place = iota
	inState
	inDiff
	inEvent
	inHelp
	inBookmarks
	inWatches
	inStreams
	inHistory
	inFound
	inPlot
	inDetail
	inPrompt
)

// short is b with a shorter description, for the footer.
func short(b key.Binding, keys, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(keys, desc))
}

// footer is the keys of a place, most important first: the footer drops
// them from the end when the width is short. The ? that ends it, where ?
// opens the help, is not among them (see footerKeys).
func (k *keyMap) footer(p place) []key.Binding {
	step := short(k.Next, "←/→", "step")
	move := short(k.Down, "↑/↓", "move")
	scroll := short(k.Down, "↑/↓", "scroll")
	pane := short(k.Focus, "tab", "pane")
	quit := short(k.Quit, "q", "quit")
	closeList := short(k.Cancel, "esc", "close")
	// what is not one key, shown only (a key that none types)
	note := func(keys, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(""), key.WithHelp(keys, desc))
	}
	switch p {
	case inState:
		return []key.Binding{move, short(k.Fold, "enter", "fold"), step, short(k.Copy, "y", "copy"), short(k.Detail, "v", "whole"),
			short(k.Blame, "L", "history"), short(k.Plot, "p", "plot"), short(k.Search, "/", "search state"), short(k.CopyPath, "Y", "copy path"), pane, quit}
	case inDiff:
		return []key.Binding{scroll, step, short(k.Mark, "m", "mark"), short(k.Watch, "w", "watch"),
			short(k.Watches, "W", "watches"), pane, quit}
	case inEvent:
		return []key.Binding{scroll, step, short(k.Copy, "y", "copy event"), short(k.Detail, "v", "whole"), short(k.ToggleEvent, "e", "hide"), pane, quit}
	case inHelp:
		return []key.Binding{short(k.Down, "↓/↑", "scroll"), short(k.Quit, "q", "quit"), note("any other key", "closes")}
	case inBookmarks:
		return []key.Binding{short(k.Enter, "enter", "go to"), closeList, move, short(k.Mark, "m", "mark"),
			short(k.Rename, "r", "rename"), short(k.Delete, "d", "delete"), short(k.Undo, "u", "undo delete")}
	case inWatches:
		return []key.Binding{short(k.Enter, "enter", "edit"), closeList, move, short(k.Delete, "d", "delete"), short(k.Plot, "p", "plot")}
	case inDetail:
		return []key.Binding{scroll, short(k.PageDown, "pgdn/pgup", "page"), short(k.Last, "g/G", "top, end"),
			short(k.Copy, "y", "copy"), short(k.Cancel, "esc", "close")}
	case inPlot:
		return []key.Binding{short(k.Next, "←/→", "move"), short(k.Enter, "enter", "go to"), short(k.Cancel, "esc", "close"),
			short(k.PageDown, "pgup/pgdn", "faster"), short(k.Last, "g/G", "ends")}
	case inStreams:
		return []key.Binding{short(k.Enter, "enter", "open"), closeList, short(k.ListDown, "↑/↓", "move"), note("type", "to filter")}
	case inHistory:
		return []key.Binding{short(k.Enter, "enter", "go to"), closeList, move}
	case inFound:
		return []key.Binding{short(k.Enter, "enter", "go to"), closeList, short(k.ListDown, "↑/↓", "move"), note("type", "to filter")}
	case inPrompt:
		return []key.Binding{short(k.Enter, "enter", "ok"), short(k.Cancel, "esc", "cancel")}
	}
	return []key.Binding{short(k.Next, "→/l", "next"), short(k.Prev, "←/h", "prev"), short(k.Goto, ":", "go to"),
		short(k.Search, "/", "search"), short(k.Continue, "c", "continue"), short(k.Watch, "w", "watch"),
		short(k.Bookmark, "b", "bookmark"), pane, short(k.Mark, "m", "mark"), short(k.Play, "space", "play"),
		short(k.Stream, "s", "streams"), short(k.ToggleEvent, "e", "event"), quit}
}

// helpOpens reports whether ? opens the help in a place: not where it
// is typed.
func helpOpens(p place) bool {
	return p != inStreams && p != inFound && p != inPrompt && p != inHelp && p != inPlot && p != inDetail
}

// FullHelp is the ? screen.
func (k *keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.First, k.Last, k.PageDown, k.PageUp, k.Play, k.Faster},
		{k.Goto, k.Search, k.NextMatch, k.PrevMatch, k.Continue, k.ReverseContinue, k.Bisect, k.FindAll},
		{k.Up, k.Down, k.Fold, k.Focus, k.ToggleEvent, k.Detail, k.ScrollLeft, k.ScrollRight, k.Copy, k.CopyPath},
		{k.Blame, k.Plot, k.Mark, k.Stream, k.Summary},
		{k.Watch, k.Watches, k.Bookmark, k.Bookmarks, k.Rename, k.Delete, k.Undo},
		{k.Help, k.Cancel, k.Quit, k.ForceQuit},
	}
}
