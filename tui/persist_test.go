package tui

import (
	"slices"
	"strings"
	"testing"
)

// Watches are saved as they are added, edited and deleted, and a new
// session over the same store starts with them.
func TestWatchesAreSavedAndLoaded(t *testing.T) {
	m := investigating(t, 30)
	store := m.c.cfg.Bookmarks.(*testStore)
	press(t, m, "w")
	typeText(t, m, "state.Balance")
	press(t, m, "enter", "w")
	typeText(t, m, "state.Count / 10")
	press(t, m, "enter")
	if !slices.Equal(store.file.watches, []string{"state.Balance", "state.Count / 10"}) {
		t.Fatalf("saved after adding two: %q", store.file.watches)
	}
	press(t, m, "W", "down", "d", "esc")
	if !slices.Equal(store.file.watches, []string{"state.Balance"}) {
		t.Fatalf("saved after deleting one: %q", store.file.watches)
	}
	press(t, m, "W", "enter")
	m.prompt.input.SetValue("state.Balance > 100")
	press(t, m, "enter")
	if !slices.Equal(store.file.watches, []string{"state.Balance > 100"}) {
		t.Fatalf("saved after editing: %q", store.file.watches)
	}

	// Another session, and one that no longer compiles: it is listed with
	// its error, to be edited, not dropped.
	store.file.watches = append(store.file.watches, "state.Balance +")
	cfg := *m.c.cfg
	cfg.Bookmarks = store.reopen()
	again := newModel(t, cfg, 120, 35)
	if len(again.inv.watches) != 2 || again.inv.watches[0].source != "state.Balance > 100" {
		t.Fatalf("watches of the next session: %+v", again.inv.watches)
	}
	if w := again.s.shown.watches; len(w) != 2 || w[0].value != "false" || !strings.HasPrefix(w[1].value, "error: unexpected token") {
		t.Fatalf("their values: %+v", w)
	}
	if !strings.Contains(again.status.text, "a saved watch does not compile (W lists it): state.Balance +: unexpected token") {
		t.Fatalf("the status: %q", again.status.text)
	}
	saves := store.file.saves
	press(t, again, "l")
	if store.file.saves != saves {
		t.Fatal("the watches were saved without a change")
	}
}

// A watch added before the saved ones are loaded is saved with them, not
// instead of them.
func TestAWatchAddedBeforeTheLoadKeepsTheSavedOnes(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 10))
	cfg.Compile = compiler
	store := cfg.Bookmarks.(*testStore)
	store.file.watches = []string{"state.Balance"}
	m, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.shutdown)
	if err := m.inv.addWatch("state.Count / 10", -1); err != nil {
		t.Fatal(err)
	}
	if cmd := m.inv.saveWatches(); cmd != nil || store.file.saves != 0 {
		t.Fatal("saved before the saved watches were loaded")
	}
	m.tickEvery = 0
	drive(t, m, m.Init())
	if !slices.Equal(store.file.watches, []string{"state.Balance", "state.Count / 10"}) {
		t.Fatalf("saved: %q", store.file.watches)
	}
}

func TestUndoABookmarkDelete(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 40))
	store := cfg.Bookmarks.(*testStore)
	m := newModel(t, cfg, 100, 30)
	for _, seq := range []string{"10", "20"} {
		press(t, m, ":")
		typeText(t, m, seq)
		press(t, m, "enter", "b")
		typeText(t, m, "at "+seq)
		press(t, m, "enter")
	}
	press(t, m, "u")
	if m.status.text != "no deleted bookmark to bring back" {
		t.Fatalf("u with nothing deleted: %q", m.status.text)
	}
	press(t, m, "B", "d")
	if l := store.List("acct"); len(l) != 1 || l[0].Seq != 20 || m.status.text != "deleted the bookmark at seq 10 · u undoes" {
		t.Fatalf("after d: %+v, %q", l, m.status.text)
	}
	press(t, m, "d")
	if len(store.List("acct")) != 0 || !strings.Contains(screen(m), "no bookmarks in this stream yet") {
		t.Fatalf("after deleting both:\n%s", screen(m))
	}
	// u in the empty list brings back the last deleted, then the one
	// before.
	press(t, m, "u")
	if l := store.List("acct"); len(l) != 1 || l[0].Seq != 20 || l[0].Note != "at 20" || m.status.text != "restored the bookmark at seq 20" {
		t.Fatalf("after u: %+v, %q", l, m.status.text)
	}
	if !strings.Contains(screen(m), "at 20") {
		t.Fatalf("the list does not show it:\n%s", screen(m))
	}
	press(t, m, "esc", "u")
	l := store.List("acct")
	if len(l) != 2 || l[0].Seq != 10 || l[0].Status != Usable || m.status.text != "restored the bookmark at seq 10" {
		t.Fatalf("after u outside the list: %+v, %q", l, m.status.text)
	}
	if !m.events.bookmarked[10] || !m.events.bookmarked[20] {
		t.Fatalf("the event list does not flag them: %v", m.events.bookmarked)
	}
	// The file has them: another session lists them.
	if l := store.reopen().List("acct"); len(l) != 2 {
		t.Fatalf("the file after undoing: %+v", l)
	}
}

// Without a store, the session's own brings a deleted bookmark back too.
func TestUndoABookmarkDeleteInASessionOnly(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 20))
	cfg.Bookmarks = nil
	m := newModel(t, cfg, 100, 30)
	press(t, m, ":")
	typeText(t, m, "12")
	press(t, m, "enter", "b", "enter", "B", "d")
	if len(m.s.marks) != 0 || m.status.text != "deleted the bookmark at seq 12 · u undoes" {
		t.Fatalf("after d: %+v, %q", m.s.marks, m.status.text)
	}
	press(t, m, "u")
	if len(m.s.marks) != 1 || m.s.marks[0].Seq != 12 || m.status.text != "restored the bookmark at seq 12" {
		t.Fatalf("after u: %+v, %q", m.s.marks, m.status.text)
	}
}

// A bookmark that cannot come back (its seq was bookmarked again) leaves
// the undo list: the next u brings back the one deleted before it.
func TestUndoGoesPastABookmarkThatCannotComeBack(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 20))
	cfg.Bookmarks = nil
	m := newModel(t, cfg, 100, 30)
	for _, seq := range []string{"8", "12"} {
		press(t, m, ":")
		typeText(t, m, seq)
		press(t, m, "enter", "b", "enter")
	}
	press(t, m, "B", "d", "d", "esc") // 8, then 12
	press(t, m, "b", "enter")         // 12 again
	press(t, m, "u")
	if !strings.Contains(m.status.text, "bookmarked again") {
		t.Fatalf("u onto a seq bookmarked again: %q", m.status.text)
	}
	press(t, m, "u")
	if len(m.s.marks) != 2 || m.s.marks[0].Seq != 8 || m.status.text != "restored the bookmark at seq 8" {
		t.Fatalf("the second u: %+v, %q", m.s.marks, m.status.text)
	}
}
