package tui

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
)

// updating reports -update, the flag that rewrites golden files (teatest
// defines it; this package's golden files follow it too).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// pkgDir is the package's directory, taken before any test changes it.
var pkgDir, _ = os.Getwd()

// ledger is a small typed domain for the tests.
type deposit struct {
	Type   string
	Amount int
	Note   string
}

type account struct {
	Balance int
	Count   int
	Last    string
}

func applyDeposit(s account, ev replay.Event[deposit]) account {
	if ev.Payload.Type == "boom" {
		panic("the reducer exploded")
	}
	return account{Balance: s.Balance + ev.Payload.Amount, Count: s.Count + 1, Last: ev.Payload.Note}
}

func ledger(t testing.TB, n int, extra ...deposit) *replay.MemoryLog[deposit] {
	t.Helper()
	log := replay.NewMemoryLog[deposit]()
	t0 := time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		d := deposit{Type: "deposit", Amount: i * 10, Note: fmt.Sprintf("tx-%d", i)}
		if i-1 < len(extra) && extra[i-1].Type != "" {
			d = extra[i-1]
		}
		if _, err := log.Append(context.Background(), replay.Event[deposit]{Stream: "acct", Time: t0.Add(time.Duration(i) * time.Minute), Payload: d}); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

// newModel builds a debugger of the given size and runs its start-up.
func newModel[S, E any](t *testing.T, cfg Config[S, E], w, h int) *Model[S, E] {
	t.Helper()
	m, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.shutdown)
	m.tickEvery = 0
	drive(t, m, m.Init())
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} })
	waitForKeyframes(t, m)
	return m
}

// waitForKeyframes waits for the background keyframe build, so that the
// status bar no longer changes by itself.
func waitForKeyframes[S, E any](t *testing.T, m *Model[S, E]) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); m.keyframes.running.Load(); {
		if time.Now().After(deadline) {
			t.Fatal("the keyframes never finished")
		}
		time.Sleep(time.Millisecond)
	}
}

// drive runs cmd and everything it leads to, feeding the messages to m,
// as the Bubble Tea runtime would (sequentially, for determinism).
func drive[S, E any](t *testing.T, m *Model[S, E], cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10_000 {
			t.Fatal("commands never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// press types keys: single characters, or names such as "right", "tab",
// "enter", "esc".
func press[S, E any](t *testing.T, m *Model[S, E], keys ...string) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		case "end":
			msg = tea.KeyPressMsg{Code: tea.KeyEnd}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		_, cmd := m.Update(msg)
		drive(t, m, cmd)
	}
}

// typeText types a string into whatever has the focus.
func typeText[S, E any](t *testing.T, m *Model[S, E], s string) {
	t.Helper()
	for _, r := range s {
		press(t, m, string(r))
	}
}

func screen[S, E any](m *Model[S, E]) string { return ansi.Strip(m.render()) }

var took = regexp.MustCompile(`in [0-9.]+(ns|µs|ms|s)\b`)

// stable hides what varies from run to run: how long a seek took.
func stable(s string) string {
	lines := strings.Split(took.ReplaceAllString(s, "in ~"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(pkgDir, "testdata", t.Name(), name+".golden")
	if updating() {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(stable(got)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update to write it)", err)
	}
	got = stable(got)
	if string(want) != got {
		t.Errorf("%s differs from %s:\n%s\n(go test ./tui -update rewrites it)", name, path, got)
	}
}

// ledgerApply is what identifies applyDeposit to the bookmarks.
var ledgerApply = bookmarks.Options[account]{Apply: "applyDeposit v1"}

func typedConfig(t *testing.T, log replay.Log[deposit]) Config[account, deposit] {
	t.Chdir(t.TempDir()) // a short, fixed path on screen
	store, err := bookmarks.Open("log.jsonl.bookmarks.json", bookmarks.JSONCodec[account](), ledgerApply)
	if err != nil {
		t.Fatal(err)
	}
	return Config[account, deposit]{
		Log: log, Apply: applyDeposit, Stream: "acct", Bookmarks: store,
		Summary: func(ev replay.Event[deposit]) string { return ev.Payload.Type + " " + ev.Payload.Note },
	}
}

func TestStepsShowStateAndDiff(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 50)), 100, 30)
	if m.cursor != 1 || !m.shown.ok || m.shown.state.Balance != 10 {
		t.Fatalf("opened at seq %d with %+v; want seq 1, balance 10", m.cursor, m.shown.state)
	}
	press(t, m, "l", "l", "right")
	if m.cursor != 4 || m.shown.state.Balance != 100 || m.shown.seq != 4 {
		t.Fatalf("after 3 steps: seq %d, %+v", m.cursor, m.shown.state)
	}
	if len(m.shown.changes) != 3 || m.shown.changes[0].Path != "state.Balance" || m.shown.changes[0].Old != "60" || m.shown.changes[0].New != "100" {
		t.Fatalf("changes of seq 4: %+v", m.shown.changes)
	}
	if m.shown.cost.Folded != 1 || m.shown.cost.Origin != replay.FromCurrent {
		t.Fatalf("a step forward cost %v; want one apply from the current state", m.shown.cost)
	}
	press(t, m, "h")
	if m.cursor != 3 || m.shown.state.Balance != 60 {
		t.Fatalf("after a step back: seq %d, %+v", m.cursor, m.shown.state)
	}
	press(t, m, "G")
	if m.cursor != 50 || m.shown.state.Count != 50 {
		t.Fatalf("G: seq %d, %+v", m.cursor, m.shown.state)
	}
	press(t, m, "l")
	if m.cursor != 50 {
		t.Fatalf("stepping past the end moved to %d", m.cursor)
	}
	press(t, m, "g")
	if m.cursor != 1 {
		t.Fatalf("g: seq %d", m.cursor)
	}
	press(t, m, "pgdown")
	if m.cursor <= 10 {
		t.Fatalf("page down went to seq %d", m.cursor)
	}
	s := screen(m)
	for _, want := range []string{fmt.Sprintf("seq %d/50", m.cursor), "acct", "deposit tx-", "Balance:"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
}

func TestGoToSeqAndTime(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 50)), 100, 30)
	press(t, m, ":")
	typeText(t, m, "37")
	press(t, m, "enter")
	if m.cursor != 37 || m.shown.state.Count != 37 {
		t.Fatalf(":37 went to %d", m.cursor)
	}
	press(t, m, ":")
	typeText(t, m, "2026-05-30T12:05:30Z")
	press(t, m, "enter")
	if m.cursor != 5 {
		t.Fatalf(":TIME went to %d, want 5 (the last event at or before 12:05:30)", m.cursor)
	}
	press(t, m, ":")
	typeText(t, m, "999")
	press(t, m, "enter")
	if m.cursor != 5 || !m.messageErr || !strings.Contains(m.message, "past the end: the stream ends at seq 50") {
		t.Fatalf(":999: seq %d, message %q", m.cursor, m.message)
	}
	press(t, m, ":")
	typeText(t, m, "yesterday")
	press(t, m, "enter")
	if !strings.Contains(m.message, "neither a seq nor a time") {
		t.Fatalf(":yesterday: %q", m.message)
	}
	press(t, m, ":")
	typeText(t, m, "12")
	press(t, m, "esc")
	if m.cursor != 5 || m.promptFor != promptNone {
		t.Fatalf("esc in the prompt: seq %d, prompt %v", m.cursor, m.promptFor)
	}
}

func TestSearch(t *testing.T) {
	extra := make([]deposit, 30)
	extra[19] = deposit{Type: "refund", Amount: -5, Note: "chargeback"}
	extra[26] = deposit{Type: "refund", Amount: -7, Note: "chargeback again"}
	m := newModel(t, typedConfig(t, ledger(t, 30, extra...)), 100, 30)
	press(t, m, "/")
	typeText(t, m, "CHARGEBACK")
	press(t, m, "enter")
	if m.cursor != 20 {
		t.Fatalf("/chargeback went to %d", m.cursor)
	}
	press(t, m, "n")
	if m.cursor != 27 {
		t.Fatalf("n went to %d", m.cursor)
	}
	press(t, m, "n")
	if m.cursor != 27 || !strings.Contains(m.message, "not found") {
		t.Fatalf("n past the last match: seq %d, %q", m.cursor, m.message)
	}
	press(t, m, "N")
	if m.cursor != 20 {
		t.Fatalf("N went to %d", m.cursor)
	}
	// In the state pane, n moves between matching rows.
	press(t, m, "tab", "/")
	m.prompt.SetValue("") // it opens with the last search
	typeText(t, m, "balance")
	press(t, m, "enter")
	rows, _ := m.shown.doc.Rows(m.folded, m.stateRow, 1)
	if m.cursor != 20 || len(rows) != 1 || !strings.Contains(rows[0].Key+rows[0].Text, "Balance") {
		t.Fatalf("n in the state pane: seq %d, row %+v", m.cursor, rows)
	}
}

func TestBookmarks(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 40))
	m := newModel(t, cfg, 100, 30)
	press(t, m, ":")
	typeText(t, m, "25")
	press(t, m, "enter", "b")
	typeText(t, m, "before the refund")
	press(t, m, "enter")
	marks := cfg.Bookmarks.List("acct")
	if len(marks) != 1 || marks[0].Seq != 25 || marks[0].Note != "before the refund" || marks[0].Digest == "" || marks[0].Status != bookmarks.Verified {
		t.Fatalf("bookmarks: %+v", marks)
	}
	if !strings.Contains(screen(m), "★     25") {
		t.Errorf("the event list does not flag the bookmark:\n%s", screen(m))
	}
	press(t, m, "g", "B")
	golden(t, "bookmarks", screen(m))
	press(t, m, "r")
	typeText(t, m, "!")
	press(t, m, "enter")
	if n := cfg.Bookmarks.List("acct")[0].Note; n != "before the refund!" {
		t.Fatalf("renamed to %q", n)
	}
	press(t, m, "enter")
	if m.overlay != overlayNone || m.cursor != 25 {
		t.Fatalf("enter on a bookmark: overlay %v, seq %d", m.overlay, m.cursor)
	}

	// A new session over the same log trusts the bookmark once checked;
	// over a changed log it says it is stale and does not use it.
	again, err := bookmarks.Open(cfg.Bookmarks.Path(), bookmarks.JSONCodec[account](), ledgerApply)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Bookmarks = again
	newModel(t, cfg, 100, 30)
	if st := again.List("acct")[0].Status; st != bookmarks.Verified {
		t.Fatalf("reopened over the same log: %v", st)
	}
	changed := ledger(t, 40, deposit{Type: "deposit", Amount: 999, Note: "rewritten"})
	stale, _ := bookmarks.Open(cfg.Bookmarks.Path(), bookmarks.JSONCodec[account](), ledgerApply)
	cfg.Log, cfg.Bookmarks = changed, stale
	m3 := newModel(t, cfg, 100, 30)
	if st := stale.List("acct")[0].Status; st != bookmarks.Stale || !strings.Contains(m3.message, "stale") {
		t.Fatalf("over a changed log: %v, message %q", st, m3.message)
	}
	press(t, m3, "B")
	if !strings.Contains(screen(m3), "STALE") {
		t.Errorf("the list does not flag the stale bookmark:\n%s", screen(m3))
	}
	press(t, m3, "d")
	if len(stale.List("acct")) != 0 {
		t.Fatal("d did not delete the bookmark")
	}
}

// A bookmark made by another apply (or from another initial state, or
// edited in the file) is listed with why it is not used.
func TestABookmarkOfAnotherApplyIsShownWithTheReason(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 40))
	m := newModel(t, cfg, 120, 30)
	press(t, m, ":")
	typeText(t, m, "25")
	press(t, m, "enter", "b")
	typeText(t, m, "made by v1")
	press(t, m, "enter")

	v2, err := bookmarks.Open(cfg.Bookmarks.Path(), bookmarks.JSONCodec[account](), bookmarks.Options[account]{Apply: "applyDeposit v2"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Bookmarks = v2
	m2 := newModel(t, cfg, 120, 30)
	if b := v2.List("acct")[0]; b.Status != bookmarks.Stale {
		t.Fatalf("a bookmark of another apply: %v", b.Status)
	}
	want := `made by another apply: "applyDeposit v1" (this session: "applyDeposit v2")`
	if !strings.Contains(m2.message, want) {
		t.Fatalf("the status says %q, want the reason %q", m2.message, want)
	}
	press(t, m2, "B")
	if sc := screen(m2); !strings.Contains(sc, "STALE, not used: made by another apply") || !strings.Contains(sc, "seq 25 is not used as a checkpoint: "+want) {
		t.Fatalf("the list does not say why:\n%s", sc)
	}
}

// Two bookmarks at one seq (two debuggers made them) left one
// "(checking)" forever.
func TestTwoBookmarksAtOneSeqAreBothChecked(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 40))
	path := cfg.Bookmarks.Path()
	other, _ := bookmarks.Open(path, bookmarks.JSONCodec[account](), ledgerApply)
	first := newModel(t, cfg, 100, 30)
	cfg.Bookmarks = other
	second := newModel(t, cfg, 100, 30)
	for i, m := range []*Model[account, deposit]{first, second} {
		press(t, m, ":")
		typeText(t, m, "25")
		press(t, m, "enter", "b")
		typeText(t, m, fmt.Sprint("debugger ", i+1))
		press(t, m, "enter")
	}
	// The second saw the first's bookmark when it saved its own, and
	// checked it.
	if l := other.List("acct"); len(l) != 2 || l[0].Status != bookmarks.Verified || l[1].Status != bookmarks.Verified {
		t.Fatalf("the second debugger's bookmarks: %+v", l)
	}
	cfg.Bookmarks, _ = bookmarks.Open(path, bookmarks.JSONCodec[account](), ledgerApply)
	m := newModel(t, cfg, 100, 30)
	press(t, m, "B")
	if sc := screen(m); strings.Contains(sc, "checking") || !strings.Contains(sc, "debugger 1") || !strings.Contains(sc, "debugger 2") {
		t.Fatalf("two bookmarks at one seq:\n%s", sc)
	}
	for _, b := range cfg.Bookmarks.List("acct") {
		if b.Status != bookmarks.Verified {
			t.Fatalf("left %v: %+v", b.Status, b)
		}
	}
	// d deletes the one selected, not both.
	press(t, m, "down", "d")
	if l := cfg.Bookmarks.List("acct"); len(l) != 1 || l[0].Note != "debugger 1" {
		t.Fatalf("after deleting the second: %+v", l)
	}
}

func TestAnApplyThatPanicsIsShownAndSteppedAround(t *testing.T) {
	extra := make([]deposit, 6)
	extra[4] = deposit{Type: "boom"}
	m := newModel(t, typedConfig(t, ledger(t, 6, extra...)), 100, 30)
	press(t, m, ":")
	typeText(t, m, "5")
	press(t, m, "enter")
	var ae *replay.ApplyError
	if m.cursor != 5 || !errors.As(m.shown.err, &ae) || ae.Seq != 5 {
		t.Fatalf("seq %d err %v; want the panic at seq 5 shown", m.cursor, m.shown.err)
	}
	s := screen(m)
	if !strings.Contains(s, "apply panicked at seq 5: panic: the reducer") || !strings.Contains(s, "exploded") {
		t.Fatalf("the screen does not explain the panic:\n%s", s)
	}
	golden(t, "error", s)
	press(t, m, "l")
	if m.cursor != 6 || !strings.Contains(screen(m), "every state after seq 4 needs that event") {
		t.Fatalf("after the panic: seq %d\n%s", m.cursor, screen(m))
	}
	press(t, m, "h", "h")
	if m.cursor != 4 || !m.shown.ok || m.shown.state.Count != 4 {
		t.Fatalf("stepping back before it: seq %d %+v %v", m.cursor, m.shown.state, m.shown.err)
	}
}

func TestTextFromEventsIsSanitised(t *testing.T) {
	evil := deposit{Type: "deposit\x1b[2J\x1b]0;pwned\x07\u202e", Amount: 1, Note: "\x1b]52;c;ZXZpbA==\x07\u009b31m\x1b]8;;http://x\x1b\\link\u2066"}
	m := newModel(t, typedConfig(t, ledger(t, 3, evil)), 200, 30)
	raw := m.render()
	// Bidirectional overrides (Trojan Source) are shown, not obeyed.
	for _, bad := range []string{"\x1b[2J", "\x1b]0;", "\x07", "\x1b]52", "\u009b", "\x1b]8;", "\u202e", "\u2066"} {
		if strings.Contains(raw, bad) {
			t.Errorf("%q from an event reached the terminal", bad)
		}
	}
	if !strings.Contains(ansi.Strip(raw), `\x1b[2J`) || !strings.Contains(ansi.Strip(raw), `\u202e`) {
		t.Errorf("the escaped text is not shown:\n%s", ansi.Strip(raw))
	}
	if v := m.View(); strings.ContainsAny(v.WindowTitle, "\x1b\x07") {
		t.Errorf("window title %q", v.WindowTitle)
	}
}

func TestScreens(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 30)), 100, 30)
	press(t, m, "l", "l")
	golden(t, "normal", screen(m))
	press(t, m, "?")
	golden(t, "help", screen(m))
	press(t, m, "x")
	if m.overlay != overlayNone {
		t.Fatal("a key did not close the help")
	}
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 60, Height: 15} })
	golden(t, "tiny", screen(m))
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 30, Height: 8} })
	if s := screen(m); !strings.Contains(s, "40x10") {
		t.Fatalf("too small: %q", s)
	}
}

func TestResizingNeverBreaksTheScreen(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 300)), 100, 30)
	for _, size := range [][2]int{{1, 1}, {0, 0}, {40, 10}, {41, 11}, {200, 60}, {99, 12}, {100, 13}, {60, 15}, {250, 4}} {
		drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: size[0], Height: size[1]} })
		press(t, m, "l", "tab", "down", "G")
		s := m.render()
		lines := strings.Split(s, "\n")
		if size[0] >= minWidth && size[1] >= minHeight {
			if len(lines) != size[1] {
				t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d: line %d is %d wide", size[0], size[1], i, w)
				}
			}
		}
	}
}

func TestANewerSeekSupersedesAnOlderOne(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 50)), 100, 30)
	old := m.seekTo(10)
	newer := m.seekTo(20)
	drive(t, m, newer)
	drive(t, m, old) // arrives late
	if m.shown.seq != 20 || m.cursor != 20 {
		t.Fatalf("showing seq %d (cursor %d) after a late older seek; want 20", m.shown.seq, m.cursor)
	}
}

func jsonLog(t *testing.T, payloads ...string) *replay.MemoryLog[jsonv.Payload] {
	log := replay.NewMemoryLog[jsonv.Payload]()
	for _, p := range payloads {
		if _, err := log.Append(context.Background(), replay.Event[jsonv.Payload]{Stream: "s", Payload: jsonv.Payload{Value: []byte(p)}}); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

func mergeApply(s any, ev replay.Event[jsonv.Payload]) any {
	next, err := ev.Payload.MergeInto(s)
	if err != nil {
		panic(err)
	}
	return next
}

func jsonConfig(log replay.Log[jsonv.Payload]) Config[any, jsonv.Payload] {
	return Config[any, jsonv.Payload]{
		Log: log, Apply: mergeApply, Initial: (*jsonv.Object)(nil), Stream: "s",
		Doc: JSONDoc,
		Diff: func(a, b any) []Change {
			var out []Change
			for _, c := range jsonv.Diff(a, b) {
				out = append(out, Change{Path: c.Path.String(), Kind: c.Kind.String(), Old: string(jsonv.Marshal(c.Old)), New: string(jsonv.Marshal(c.New))})
			}
			return out
		},
		Summary: func(ev replay.Event[jsonv.Payload]) string { return ev.Payload.Type() },
	}
}

func TestFoldingTheJSONState(t *testing.T) {
	m := newModel(t, jsonConfig(jsonLog(t, `{"players":{"ana":{"hp":100,"x":1},"bo":{"hp":90}},"round":1}`, `{"players":{"bo":{"hp":80}}}`)), 100, 30)
	press(t, m, "l", "tab", "down", "down")
	rows, total := m.shown.doc.Rows(m.folded, 0, 100)
	if rows[m.stateRow].Path != ".players.ana" || !strings.Contains(screen(m), "state after seq 2 · .players.ana") {
		t.Fatalf("row %d is %+v", m.stateRow, rows[m.stateRow])
	}
	press(t, m, "enter")
	rows, folded := m.shown.doc.Rows(m.folded, 0, 100)
	if folded != total-3 || !rows[m.stateRow].Folded || rows[m.stateRow].Text != "{… 2 members }" {
		t.Fatalf("after folding: %d rows (was %d), row %+v", folded, total, rows[m.stateRow])
	}
	press(t, m, "enter")
	if _, n := m.shown.doc.Rows(m.folded, 0, 100); n != total {
		t.Fatalf("unfolding gave %d rows, want %d", n, total)
	}
	if d := m.shown.changes; len(d) != 1 || d[0].Path != ".players.bo.hp" || d[0].Old != "90" || d[0].New != "80" {
		t.Fatalf("changes %+v", d)
	}
}

func TestMouse(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 50)), 100, 30)
	drive(t, m, func() tea.Msg { return tea.MouseClickMsg{X: 5, Y: 7, Button: tea.MouseLeft} })
	if m.cursor != 7 {
		t.Fatalf("clicking the 7th row selected seq %d", m.cursor)
	}
	drive(t, m, func() tea.Msg { return tea.MouseWheelMsg{X: 5, Y: 7, Button: tea.MouseWheelDown} })
	if m.cursor != 10 {
		t.Fatalf("the wheel moved to %d", m.cursor)
	}
	l := m.layout()
	drive(t, m, func() tea.Msg { return tea.MouseClickMsg{X: l.state.x + 3, Y: l.state.y + 1, Button: tea.MouseLeft} })
	if m.focus != paneState || m.stateRow != 0 {
		t.Fatalf("clicking the state pane: focus %v row %d", m.focus, m.stateRow)
	}
}

func TestSwitchingStreams(t *testing.T) {
	log := ledger(t, 5)
	for i := 0; i < 3; i++ {
		log.Append(context.Background(), replay.Event[deposit]{Stream: "other", Payload: deposit{Type: "deposit", Amount: 1000}})
	}
	cfg := typedConfig(t, log)
	cfg.Stream = ""
	m := newModel(t, cfg, 100, 30)
	if m.stream != "acct" {
		t.Fatalf("opened %q; want the first stream", m.stream)
	}
	press(t, m, "s")
	typeText(t, m, "oth")
	if !strings.Contains(screen(m), "streams (1 of 2)") {
		t.Fatalf("filtering:\n%s", screen(m))
	}
	press(t, m, "enter")
	if m.stream != "other" || m.cursor != 1 || m.shown.state.Balance != 1000 {
		t.Fatalf("switched to %q at %d: %+v", m.stream, m.cursor, m.shown.state)
	}
	press(t, m, "G")
	if m.cursor != 3 {
		t.Fatalf("G in the other stream: %d", m.cursor)
	}
}

func TestFollowKeepsTheSelectionAtTheEnd(t *testing.T) {
	log := ledger(t, 5)
	cfg := typedConfig(t, log)
	cfg.Follow = true
	m := newModel(t, cfg, 100, 30)
	press(t, m, "G")
	if m.cursor != 5 {
		t.Fatalf("G: %d", m.cursor)
	}
	for i := 0; i < 3; i++ {
		log.Append(context.Background(), replay.Event[deposit]{Stream: "acct", Payload: deposit{Type: "deposit", Amount: 1}})
	}
	drive(t, m, func() tea.Msg { return tickMsg{} })
	if m.last != 8 || m.cursor != 8 || m.shown.state.Count != 8 {
		t.Fatalf("after 3 new events: last %d, cursor %d, %+v", m.last, m.cursor, m.shown.state)
	}
	press(t, m, ":")
	typeText(t, m, "2")
	press(t, m, "enter")
	log.Append(context.Background(), replay.Event[deposit]{Stream: "acct", Payload: deposit{Type: "deposit", Amount: 1}})
	drive(t, m, func() tea.Msg { return tickMsg{} })
	if m.last != 9 || m.cursor != 2 {
		t.Fatalf("away from the end: last %d, cursor %d; the selection must stay", m.last, m.cursor)
	}
}

// compiler understands a few expressions over the test ledger, standing
// in for the expression language the command line brings.
func compiler(source string) (Evaluator[account, deposit], error) {
	switch {
	case source == "state.Balance":
		return func(s account, _ replay.Event[deposit]) (any, error) { return s.Balance, nil }, nil
	case source == "state.Count / 10":
		return func(s account, _ replay.Event[deposit]) (any, error) { return s.Count / 10, nil }, nil
	case strings.HasPrefix(source, "state.Balance > "):
		n, err := strconv.Atoi(strings.TrimPrefix(source, "state.Balance > "))
		if err != nil {
			return nil, err
		}
		return func(s account, _ replay.Event[deposit]) (any, error) { return s.Balance > n, nil }, nil
	case source == "event.Type == refund":
		return func(_ account, ev replay.Event[deposit]) (any, error) { return ev.Payload.Type == "refund", nil }, nil
	case source == "oops":
		return func(s account, ev replay.Event[deposit]) (any, error) {
			if ev.Seq == 7 {
				return nil, errors.New("cannot fetch from nil")
			}
			return false, nil
		}, nil
	}
	return nil, fmt.Errorf("unexpected token at line 1, column %d\n | %s\n | ^", len(source), source)
}

func investigating(t *testing.T, n int, extra ...deposit) *Model[account, deposit] {
	cfg := typedConfig(t, ledger(t, n, extra...))
	cfg.Compile = compiler
	return newModel(t, cfg, 120, 35)
}

func TestWatches(t *testing.T) {
	m := investigating(t, 30)
	press(t, m, "w")
	typeText(t, m, "state.Count / 10")
	press(t, m, "enter")
	press(t, m, "w")
	typeText(t, m, "state.Balance")
	press(t, m, "enter")
	if len(m.shown.watches) != 2 || m.shown.watches[0].value != "0" || m.shown.watches[1].value != "10" || !m.shown.watches[1].changed {
		t.Fatalf("watches at seq 1: %+v", m.shown.watches)
	}
	press(t, m, ":")
	typeText(t, m, "10")
	press(t, m, "enter")
	if w := m.shown.watches[0]; w.value != "1" || !w.changed {
		t.Fatalf("state.Count / 10 at seq 10: %+v; want 1, changed", w)
	}
	press(t, m, "l")
	if w := m.shown.watches[0]; w.value != "1" || w.changed {
		t.Fatalf("at seq 11: %+v; want 1, unchanged", w)
	}
	if s := screen(m); !strings.Contains(s, "state.Balance = 660") || !strings.Contains(s, "watches · changed by seq 11") {
		t.Fatalf("the screen:\n%s", s)
	}
	// A watch that does not compile keeps the prompt open, saying why.
	press(t, m, "w")
	typeText(t, m, "state.Balance +")
	press(t, m, "enter")
	if m.promptFor != promptWatch || m.prompt.Value() != "state.Balance +" || !strings.Contains(screen(m), "unexpected token at line 1, column 15") {
		t.Fatalf("a bad watch: prompt %v %q\n%s", m.promptFor, m.prompt.Value(), screen(m))
	}
	press(t, m, "esc", "W", "down", "d")
	if len(m.watches) != 1 || m.watches[0].source != "state.Count / 10" {
		t.Fatalf("after deleting the second watch: %+v", m.watches)
	}
	press(t, m, "enter")
	typeText(t, m, "")
	if m.promptFor != promptWatch || m.prompt.Value() != "state.Count / 10" {
		t.Fatalf("editing a watch: %v %q", m.promptFor, m.prompt.Value())
	}
}

func TestContinueAndReverseContinue(t *testing.T) {
	extra := make([]deposit, 40)
	extra[14] = deposit{Type: "refund", Amount: -1}
	extra[31] = deposit{Type: "refund", Amount: -1}
	m := investigating(t, 40, extra...)
	press(t, m, "c")
	typeText(t, m, "event.Type == refund")
	press(t, m, "enter")
	if m.cursor != 15 || !strings.Contains(m.message, "event.Type == refund: seq 15") {
		t.Fatalf("continue: seq %d, %q", m.cursor, m.message)
	}
	press(t, m, "c", "enter") // the same condition again
	if m.cursor != 32 {
		t.Fatalf("continue again: seq %d", m.cursor)
	}
	press(t, m, "c", "enter")
	if m.cursor != 32 || !strings.Contains(m.message, "holds nowhere after seq 32") {
		t.Fatalf("continue past the last: seq %d %q", m.cursor, m.message)
	}
	press(t, m, "G", "C", "enter")
	if m.cursor != 32 {
		t.Fatalf("reverse-continue from the end: seq %d", m.cursor)
	}
	press(t, m, "C", "enter")
	if m.cursor != 15 {
		t.Fatalf("reverse-continue again: seq %d", m.cursor)
	}
	// A condition that fails at a seq stops there and says so.
	press(t, m, "g", "c")
	m.prompt.SetValue("oops")
	press(t, m, "enter")
	if m.cursor != 7 || !strings.Contains(m.message, "the condition failed at seq 7: cannot fetch from nil") {
		t.Fatalf("a failing condition: seq %d %q", m.cursor, m.message)
	}
	// Empty: until a watch changes.
	press(t, m, "w")
	typeText(t, m, "state.Count / 10")
	press(t, m, "enter", "g", "c")
	m.prompt.SetValue("")
	press(t, m, "enter")
	if m.cursor != 10 {
		t.Fatalf("continue until a watch changes: seq %d", m.cursor)
	}
}

func TestEscStopsASearchWhereItGot(t *testing.T) {
	m := investigating(t, 1000)
	slow := func(s account, ev replay.Event[deposit]) (any, error) {
		time.Sleep(time.Millisecond)
		return false, nil
	}
	m.cfg.Compile = func(string) (Evaluator[account, deposit], error) { return slow, nil }
	cmd := m.continueTo("never", false)
	done := make(chan tea.Msg, 1)
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			msg = batch[0]()
		}
		done <- msg
	}()
	time.Sleep(30 * time.Millisecond)
	for m.job.reached.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	press(t, m, "esc")
	late := <-done
	drive(t, m, func() tea.Msg { return late })
	if m.job != nil || m.cursor < 2 || m.cursor >= 1000 || !strings.Contains(m.message, "stopped at seq") {
		t.Fatalf("after esc: job %v, seq %d, %q", m.job, m.cursor, m.message)
	}
}

func TestBisectBlameAndMark(t *testing.T) {
	m := investigating(t, 60)
	press(t, m, "F")
	typeText(t, m, "state.Balance > 5000")
	press(t, m, "enter")
	// The balance is 10+20+…: it passes 5000 at seq 32 (5280).
	if m.cursor != 32 || !strings.Contains(m.message, "bisected in") {
		t.Fatalf("bisect: seq %d %q", m.cursor, m.message)
	}
	press(t, m, "m", "l", "l", "l")
	if m.shown.mark != 32 || len(m.shown.changes) == 0 || m.shown.changes[0].Old != "5280" || m.shown.changes[0].New != "6300" {
		t.Fatalf("diff from the mark: mark %d %+v", m.shown.mark, m.shown.changes)
	}
	if !strings.Contains(screen(m), "from the mark at seq 32 to seq 35") || !strings.Contains(screen(m), "▸     32") {
		t.Fatalf("the screen does not show the mark:\n%s", screen(m))
	}
	press(t, m, "h", "h", "h", "m")
	if m.hasMark {
		t.Fatal("m on the mark did not clear it")
	}
	// Blame: with the cursor on the state, who last changed it.
	press(t, m, ":")
	typeText(t, m, "20")
	press(t, m, "enter", "tab", "L")
	// The typed state is one row, so its value is the whole state, which
	// every event changes in three fields.
	if m.overlay != overlayBlame || len(m.blameList) != 60 || m.cursor != 20 {
		t.Fatalf("blame: overlay %v, %d entries, seq %d", m.overlay, len(m.blameList), m.cursor)
	}
	press(t, m, "up", "up", "up", "enter")
	if m.cursor != 19 || m.overlay != overlayNone {
		t.Fatalf("going to an earlier change: seq %d", m.cursor)
	}
}

func TestPlayStopsAtABookmarkAConditionOrTheEnd(t *testing.T) {
	m := investigating(t, 12)
	press(t, m, ":")
	typeText(t, m, "8")
	press(t, m, "enter", "b", "enter", "g")
	// Drive the play by hand: each tick steps once.
	press(t, m, "space")
	for i := 0; i < 20 && m.playing; i++ {
		drive(t, m, func() tea.Msg { return playTickMsg{m.playGen} })
	}
	if m.playing || m.cursor != 8 || !strings.Contains(m.message, "bookmark at seq 8") {
		t.Fatalf("play: playing %v, seq %d, %q", m.playing, m.cursor, m.message)
	}
	press(t, m, "space")
	for i := 0; i < 20 && m.playing; i++ {
		drive(t, m, func() tea.Msg { return playTickMsg{m.playGen} })
	}
	if m.playing || m.cursor != 12 || !strings.Contains(m.message, "the end") {
		t.Fatalf("play to the end: playing %v, seq %d, %q", m.playing, m.cursor, m.message)
	}
	m.lastCond = "state.Balance > 300"
	press(t, m, "g", "space")
	for i := 0; i < 20 && m.playing; i++ {
		drive(t, m, func() tea.Msg { return playTickMsg{m.playGen} })
	}
	if m.cursor != 8 && m.cursor != 7 {
		t.Fatalf("play until a condition: seq %d %q", m.cursor, m.message)
	}
	if m.playing {
		t.Fatal("still playing")
	}
}

func TestBlameAJSONValue(t *testing.T) {
	m := newModel(t, jsonConfig(jsonLog(t,
		`{"players":{"ana":{"hp":100},"bo":{"hp":90}}}`,
		`{"players":{"bo":{"hp":80}}}`,
		`{"players":{"ana":{"hp":70}}}`,
		`{"players":{"bo":{"hp":60}}}`,
		`{"round":2}`)), 100, 30)
	press(t, m, "G", "tab")
	rows, _ := m.shown.doc.Rows(m.folded, 0, 100)
	for i, r := range rows {
		if r.Path == ".players.bo.hp" {
			m.stateRow = i
		}
	}
	press(t, m, "L")
	if len(m.blameList) != 3 || m.cursor != 4 {
		t.Fatalf("blame of .players.bo.hp: %+v, seq %d", m.blameList, m.cursor)
	}
	if e := m.blameList[2]; e.Seq != 4 || e.Old != "80" || e.New != "60" || m.blameList[0].Kind != "added" {
		t.Fatalf("entries %+v", m.blameList)
	}
}

func TestTheDiffBetweenTwoBookmarks(t *testing.T) {
	m := investigating(t, 30)
	for _, seq := range []string{"5", "12"} {
		press(t, m, ":")
		typeText(t, m, seq)
		press(t, m, "enter", "b", "enter")
	}
	press(t, m, "g", "B", "m", "down", "enter")
	if m.cursor != 12 || m.shown.mark != 5 || m.shown.changes[0].Old != "150" || m.shown.changes[0].New != "780" {
		t.Fatalf("between the bookmarks: seq %d, mark %d, %+v", m.cursor, m.shown.mark, m.shown.changes)
	}
}

func TestEscStopsARunawayApply(t *testing.T) {
	guard := reduce.NewGuard(context.Background(), 0, 0)
	spin, err := reduce.JQGuarded(`if $event.payload.spin then (def f: f; f) else . * $event.payload end`, guard)
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	cfg := jsonConfig(jsonLog(t, `{"a":1}`, `{"spin":true}`, `{"b":2}`))
	cfg.Apply, cfg.Interrupt = func(s any, ev replay.Event[jsonv.Payload]) any {
		if ev.Seq == 2 {
			close(started)
		}
		return spin(s, ev)
	}, guard.Interrupt
	m := newModel(t, cfg, 100, 30)
	seek := m.seekTo(2)
	late := make(chan tea.Msg, 1)
	go func() { late <- seek() }() // the fold of seq 2 never ends by itself
	<-started
	press(t, m, "esc")
	if m.seeking || !strings.Contains(m.message, "seek cancelled") {
		t.Fatalf("after esc: seeking %v, message %q", m.seeking, m.message)
	}
	select {
	case msg := <-late:
		m.Update(msg) // arrives after the cancel: must not show as the state
	case <-time.After(10 * time.Second):
		t.Fatal("esc did not stop the apply running in the seek")
	}
	drive(t, m, m.seekTo(1))
	if m.shown.seq != 1 || m.shown.err != nil {
		t.Fatalf("a seek after the interrupted one shows seq %d, err %v", m.shown.seq, m.shown.err)
	}
}
