package tui

import (
	"testing"

	"charm.land/bubbles/v2/textinput"
)

func TestAnExactNameComesFirstInAFilteredList(t *testing.T) {
	filter := textinput.New()
	l := &list{theme: &theme{st: newStyles(true), keys: newKeyMap()}, filter: &filter}
	l.setItems([]string{"acct-1000   12 events", "acct-100    3 events", "acct-1001   7 events"})
	filter.SetValue("acct-100")
	l.refilter()
	if len(l.shown) != 3 || l.current() != 1 {
		t.Fatalf("filtering acct-100 selects item %d of %v; want the exact name, item 1, first", l.current(), l.shown)
	}
}
