package tui

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
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
	if m.s != nil && m.s.keyframes.running() {
		t.Fatal("the keyframes are still being built after the start-up settled")
	}
}

// drive runs cmd and everything it leads to, feeding the messages to m,
// as the Bubble Tea runtime would (sequentially, for determinism).
func drive[S, E any](t testing.TB, m *Model[S, E], cmd tea.Cmd) {
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
		checkFrame(t, m)
	}
}

// checkFrame asserts what every frame must be: valid UTF-8, so that no
// colour escape was cut into a character, and no line wider than the
// terminal.
func checkFrame[S, E any](t *testing.T, m *Model[S, E]) {
	t.Helper()
	raw := m.render()
	if !utf8.ValidString(raw) {
		t.Fatalf("the frame is not valid UTF-8 (an escape or a cut inside a character):\n%q", raw)
	}
	if m.width >= minWidth && m.height >= minHeight {
		for i, l := range strings.Split(raw, "\n") {
			if w := ansi.StringWidth(l); w > m.width {
				t.Fatalf("line %d of the frame is %d wide on a %d-wide terminal: %q", i, w, m.width, ansi.Strip(l))
			}
		}
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

// testStore is a BookmarkStore as a file beside the log would be: the
// bookmarks are in a file that outlives a session and that several
// debuggers share (reopen), each with its own view of which it has
// checked; a bookmark is checked against the log by a digest of its
// events.
type testStore struct {
	file    *testFile
	status  map[string]BookmarkStatus // by ID; absent: not checked yet
	reason  map[string]string
	deleted []storedMark
}

type testFile struct {
	marks   map[replay.StreamKey][]storedMark
	made    int
	watches []string
	saves   int // of the watches
}

type storedMark struct {
	Bookmark
	state  account
	digest string
}

func newTestStore() *testStore {
	return (&testFile{marks: map[replay.StreamKey][]storedMark{}}).open()
}

func (f *testFile) open() *testStore {
	return &testStore{file: f, status: map[string]BookmarkStatus{}, reason: map[string]string{}}
}

// reopen is the file as another session (or another debugger) finds it:
// nothing checked yet.
func (s *testStore) reopen() *testStore { return s.file.open() }

func digestOf(lines iter.Seq2[string, error], until int) (string, error) {
	h := sha256.New()
	n := 0
	for l, err := range lines {
		if err != nil {
			return "", err
		}
		if n++; until > 0 && n > until {
			break
		}
		fmt.Fprintln(h, l)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

func (s *testStore) Save(ctx context.Context, c replay.Checkpoint[account]) error { return nil }
func (s *testStore) Load(_ context.Context, stream replay.StreamKey, at replay.Seq) (*replay.Checkpoint[account], error) {
	var best *replay.Checkpoint[account]
	for _, m := range s.file.marks[stream] {
		if s.status[m.ID] == Usable && m.Seq <= at {
			best = &replay.Checkpoint[account]{Stream: stream, Seq: m.Seq, State: m.state}
		}
	}
	return best, nil
}
func (s *testStore) List(stream replay.StreamKey) []Bookmark {
	var out []Bookmark
	for _, m := range s.file.marks[stream] {
		b := m.Bookmark
		b.Status, b.Reason = s.status[m.ID], s.reason[m.ID]
		out = append(out, b)
	}
	return out
}
func (s *testStore) Add(_ context.Context, c replay.Checkpoint[account], note string, at time.Time, lines iter.Seq2[string, error]) error {
	d, err := digestOf(lines, 0)
	if err != nil {
		return err
	}
	s.file.made++
	id := fmt.Sprint(s.file.made)
	s.status[id] = Usable
	s.file.marks[c.Stream] = append(s.file.marks[c.Stream], storedMark{Bookmark{ID: id, Seq: c.Seq, Note: note, Time: at}, c.State, d})
	slices.SortStableFunc(s.file.marks[c.Stream], func(a, b storedMark) int { return int(a.Seq) - int(b.Seq) })
	return nil
}
func (s *testStore) Check(_ context.Context, stream replay.StreamKey, lines iter.Seq2[string, error]) (int, error) {
	unusable := 0
	for _, m := range s.file.marks[stream] {
		if s.status[m.ID] != Checking {
			continue
		}
		d, err := digestOf(lines, int(m.Seq))
		if err != nil {
			return 0, err
		}
		if d == m.digest {
			s.status[m.ID] = Usable
		} else {
			s.status[m.ID], s.reason[m.ID] = Unusable, "the log changed since"
			unusable++
		}
	}
	return unusable, nil
}
func (s *testStore) Rename(stream replay.StreamKey, id string, note string) error {
	for i := range s.file.marks[stream] {
		if s.file.marks[stream][i].ID == id {
			s.file.marks[stream][i].Note = note
		}
	}
	return nil
}
func (s *testStore) Delete(stream replay.StreamKey, id string) error {
	s.file.marks[stream] = slices.DeleteFunc(s.file.marks[stream], func(m storedMark) bool {
		if m.ID == id {
			s.deleted = append(s.deleted, m)
		}
		return m.ID == id
	})
	return nil
}
func (s *testStore) Undelete(stream replay.StreamKey, id string) error {
	i := slices.IndexFunc(s.deleted, func(m storedMark) bool { return m.ID == id })
	if i < 0 {
		return fmt.Errorf("no deleted bookmark %s", id)
	}
	s.file.marks[stream] = append(s.file.marks[stream], s.deleted[i])
	slices.SortStableFunc(s.file.marks[stream], func(a, b storedMark) int { return int(a.Seq) - int(b.Seq) })
	s.deleted = slices.Delete(s.deleted, i, i+1)
	return nil
}
func (s *testStore) Watches() []string { return slices.Clone(s.file.watches) }
func (s *testStore) SaveWatches(watches []string) error {
	s.file.watches = slices.Clone(watches)
	s.file.saves++
	return nil
}
func (s *testStore) Where() string { return "log.jsonl.bookmarks.json" }

func typedConfig(t *testing.T, log replay.Log[deposit]) Config[account, deposit] {
	return Config[account, deposit]{
		Log: log, Apply: applyDeposit, Stream: "acct", Bookmarks: newTestStore(),
		Summary: func(ev replay.Event[deposit]) string { return ev.Payload.Type + " " + ev.Payload.Note },
	}
}

func TestStepsShowStateAndDiff(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 50)), 100, 30)
	if m.events.cursor != 1 || !m.s.shown.ok || m.s.shown.state.Balance != 10 {
		t.Fatalf("opened at seq %d with %+v; want seq 1, balance 10", m.events.cursor, m.s.shown.state)
	}
	press(t, m, "l", "l", "right")
	if m.events.cursor != 4 || m.s.shown.state.Balance != 100 || m.s.shown.seq != 4 {
		t.Fatalf("after 3 steps: seq %d, %+v", m.events.cursor, m.s.shown.state)
	}
	if len(m.s.shown.changes) != 3 || m.s.shown.changes[0].Path != "state.Balance" || m.s.shown.changes[0].Old != "60" || m.s.shown.changes[0].New != "100" {
		t.Fatalf("changes of seq 4: %+v", m.s.shown.changes)
	}
	if m.s.shown.cost.Folded != 1 || m.s.shown.cost.Origin != replay.FromCurrent {
		t.Fatalf("a step forward cost %v; want one apply from the current state", m.s.shown.cost)
	}
	press(t, m, "h")
	if m.events.cursor != 3 || m.s.shown.state.Balance != 60 {
		t.Fatalf("after a step back: seq %d, %+v", m.events.cursor, m.s.shown.state)
	}
	press(t, m, "G")
	if m.events.cursor != 50 || m.s.shown.state.Count != 50 {
		t.Fatalf("G: seq %d, %+v", m.events.cursor, m.s.shown.state)
	}
	press(t, m, "l")
	if m.events.cursor != 50 {
		t.Fatalf("stepping past the end moved to %d", m.events.cursor)
	}
	press(t, m, "g")
	if m.events.cursor != 1 {
		t.Fatalf("g: seq %d", m.events.cursor)
	}
	press(t, m, "pgdown")
	if m.events.cursor <= 10 {
		t.Fatalf("page down went to seq %d", m.events.cursor)
	}
	s := screen(m)
	for _, want := range []string{fmt.Sprintf("seq %d/50", m.events.cursor), "acct", "deposit tx-", "Balance:"} {
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
	if m.events.cursor != 37 || m.s.shown.state.Count != 37 {
		t.Fatalf(":37 went to %d", m.events.cursor)
	}
	press(t, m, ":")
	typeText(t, m, "2026-05-30T12:05:30Z")
	press(t, m, "enter")
	if m.events.cursor != 5 {
		t.Fatalf(":TIME went to %d, want 5 (the last event at or before 12:05:30)", m.events.cursor)
	}
	press(t, m, ":")
	typeText(t, m, "999")
	press(t, m, "enter")
	// A seq or time that is not there keeps the prompt open, saying why.
	if m.events.cursor != 5 || !m.prompt.open || !strings.Contains(screen(m), "past the end: the stream ends at seq 50") {
		t.Fatalf(":999: seq %d, prompt open %v\n%s", m.events.cursor, m.prompt.open, screen(m))
	}
	m.prompt.input.SetValue("yesterday")
	press(t, m, "enter")
	if !m.prompt.open || !strings.Contains(m.prompt.err, "neither a seq nor a time") {
		t.Fatalf(":yesterday: %q", m.prompt.err)
	}
	m.prompt.input.SetValue("12")
	press(t, m, "esc")
	if m.events.cursor != 5 || m.prompt.open {
		t.Fatalf("esc in the prompt: seq %d, prompt %v", m.events.cursor, m.prompt.open)
	}
}

// The event list works out what a row says (its summary, and whether it
// matches the search) when the row comes on screen, not for the whole
// page of events a jump loads: rows come out the same either way.
func TestEventRowsAreDescribedWhenShown(t *testing.T) {
	extra := make([]deposit, 300)
	extra[249] = deposit{Type: "refund", Amount: -5, Note: "chargeback"}
	cfg := typedConfig(t, ledger(t, 300, extra...))
	lines := 0
	cfg.Line = func(ev replay.Event[deposit]) string {
		lines++
		return fmt.Sprintf("%d %s %s", ev.Seq, ev.Payload.Type, ev.Payload.Note)
	}
	m := newModel(t, cfg, 100, 30)
	press(t, m, "/")
	typeText(t, m, "chargeback")
	press(t, m, "enter")
	if m.events.cursor != 250 {
		t.Fatalf("/chargeback went to %d", m.events.cursor)
	}
	shown := m.events.rows()
	lines = 0
	press(t, m, ":")
	typeText(t, m, "140")
	press(t, m, "enter")
	if m.events.cursor != 140 {
		t.Fatalf(":140 went to %d", m.events.cursor)
	}
	// The jump loads the page of seqs 129–256 and shows a screen of it;
	// one more line is the event pane's.
	if lines == 0 || lines > shown+1 {
		t.Fatalf("the jump made %d lines, for %d rows on screen and the event pane", lines, shown)
	}
	if said := m.events.rowSaid(200); said.known {
		t.Fatal("seq 200, never on screen, was described")
	}
	press(t, m, ":")
	typeText(t, m, "255")
	press(t, m, "enter")
	list := m.events.View()
	if !strings.Contains(list, m.c.st.match.Render(fmt.Sprintf("%7d", 250))) {
		t.Fatalf("seq 250, on screen now, is not highlighted as a match:\n%q", list)
	}
	if !strings.Contains(list, "refund charge") || !strings.Contains(list, "deposit tx-249") {
		t.Fatalf("the rows around seq 250 do not say their summaries:\n%q", list)
	}
	if strings.Contains(list, m.c.st.match.Render(fmt.Sprintf("%7d", 251))) {
		t.Fatal("seq 251 is highlighted but does not match")
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
	if m.events.cursor != 20 || !strings.Contains(m.status.text, "match 1/2") {
		t.Fatalf("/chargeback went to %d, saying %q", m.events.cursor, m.status.text)
	}
	press(t, m, "n")
	if m.events.cursor != 27 || !strings.Contains(m.status.text, "match 2/2") {
		t.Fatalf("n went to %d, saying %q", m.events.cursor, m.status.text)
	}
	// The other match is highlighted in the list, the rows that do not
	// match are not.
	list := m.events.View()
	if !strings.Contains(list, m.c.st.match.Render(fmt.Sprintf("%7d", 20))) {
		t.Fatalf("seq 20 is not highlighted as a match:\n%q", list)
	}
	if strings.Contains(list, m.c.st.match.Render(fmt.Sprintf("%7d", 21))) {
		t.Fatal("seq 21 is highlighted but does not match")
	}
	press(t, m, "n")
	if m.events.cursor != 20 || !strings.Contains(m.status.text, "from the other end") || !strings.Contains(m.status.text, "1/2") {
		t.Fatalf("n past the last match goes round to the first: seq %d, %q", m.events.cursor, m.status.text)
	}
	press(t, m, "N")
	if m.events.cursor != 27 || !strings.Contains(m.status.text, "from the other end") {
		t.Fatalf("N before the first goes round to the last: seq %d, %q", m.events.cursor, m.status.text)
	}
	press(t, m, "N")
	if m.events.cursor != 20 {
		t.Fatalf("N went to %d", m.events.cursor)
	}
	// / opens empty; enter alone searches for the last text again.
	press(t, m, "g", "/")
	if m.prompt.input.Value() != "" {
		t.Fatalf("/ opened with %q", m.prompt.input.Value())
	}
	press(t, m, "enter")
	if m.events.cursor != 20 {
		t.Fatalf("/ and enter went to %d", m.events.cursor)
	}
	// In the state pane, n moves between matching rows.
	press(t, m, "tab", "/")
	typeText(t, m, "balance")
	press(t, m, "enter")
	rows, _ := m.s.shown.doc.Rows(m.state.folded, m.state.row, 1)
	if m.events.cursor != 20 || len(rows) != 1 || !strings.Contains(rows[0].Key+rows[0].Text, "Balance") || !strings.Contains(m.status.text, "1/1") {
		t.Fatalf("n in the state pane: seq %d, row %+v, %q", m.events.cursor, rows, m.status.text)
	}
}

func TestBookmarks(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 40))
	store := cfg.Bookmarks.(*testStore)
	m := newModel(t, cfg, 100, 30)
	press(t, m, ":")
	typeText(t, m, "25")
	press(t, m, "enter", "b")
	typeText(t, m, "before the refund")
	press(t, m, "enter")
	marks := store.List("acct")
	if len(marks) != 1 || marks[0].Seq != 25 || marks[0].Note != "before the refund" || marks[0].Status != Usable {
		t.Fatalf("bookmarks: %+v", marks)
	}
	if !strings.Contains(screen(m), "★      25") {
		t.Errorf("the event list does not flag the bookmark:\n%s", screen(m))
	}
	press(t, m, "g", "B")
	golden(t, "bookmarks", screen(m))
	press(t, m, "r")
	typeText(t, m, "!")
	press(t, m, "enter")
	if n := store.List("acct")[0].Note; n != "before the refund!" || !strings.Contains(screen(m), "before the refund!") {
		t.Fatalf("renamed to %q; the list shows:\n%s", n, screen(m))
	}
	press(t, m, "enter")
	if m.list != nil || m.events.cursor != 25 {
		t.Fatalf("enter on a bookmark: list %v, seq %d", m.list, m.events.cursor)
	}
	// Seeks start from it.
	press(t, m, ":")
	typeText(t, m, "30")
	press(t, m, "enter")
	if c := m.s.shown.cost; c.Origin != replay.FromBookmark && c.Origin != replay.FromCurrent {
		t.Errorf("a seek past the bookmark started from %v", c)
	}

	// A new session over the same log uses the bookmark once checked;
	// over a changed log it shows it as unusable, with why, and does not
	// use it.
	cfg.Bookmarks = store.reopen()
	newModel(t, cfg, 100, 30)
	if st := cfg.Bookmarks.List("acct")[0].Status; st != Usable {
		t.Fatalf("reopened over the same log: %v", st)
	}
	stale := store.reopen()
	cfg.Log, cfg.Bookmarks = ledger(t, 40, deposit{Type: "deposit", Amount: 999, Note: "rewritten"}), stale
	m3 := newModel(t, cfg, 100, 30)
	if st := stale.List("acct")[0].Status; st != Unusable || !strings.Contains(m3.status.text, "a bookmark of acct is not used: the log changed since") {
		t.Fatalf("over a changed log: %v, message %q", st, m3.status.text)
	}
	press(t, m3, ":")
	typeText(t, m3, "30")
	press(t, m3, "enter")
	if c := m3.s.shown.cost; c.Origin == replay.FromBookmark {
		t.Errorf("an unusable bookmark was used: %v", c)
	}
	press(t, m3, "B")
	if !strings.Contains(screen(m3), "NOT USED: the log changed since") || !strings.Contains(screen(m3), "seq 25 is not used: the log changed since") {
		t.Errorf("the list does not flag the unusable bookmark:\n%s", screen(m3))
	}
	press(t, m3, "d")
	if len(stale.List("acct")) != 0 || strings.Contains(screen(m3), "NOT USED") {
		t.Fatalf("d did not delete the bookmark:\n%s", screen(m3))
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
	if m.events.cursor != 5 || !errors.As(m.s.shown.err, &ae) || ae.Seq != 5 {
		t.Fatalf("seq %d err %v; want the panic at seq 5 shown", m.events.cursor, m.s.shown.err)
	}
	s := screen(m)
	if !strings.Contains(s, "apply panicked at seq 5: panic: the reducer") || !strings.Contains(s, "exploded") {
		t.Fatalf("the screen does not explain the panic:\n%s", s)
	}
	golden(t, "error", s)
	press(t, m, "l")
	if m.events.cursor != 6 || !strings.Contains(screen(m), "every state after seq 4 needs that event") {
		t.Fatalf("after the panic: seq %d\n%s", m.events.cursor, screen(m))
	}
	press(t, m, "h", "h")
	if m.events.cursor != 4 || !m.s.shown.ok || m.s.shown.state.Count != 4 {
		t.Fatalf("stepping back before it: seq %d %+v %v", m.events.cursor, m.s.shown.state, m.s.shown.err)
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
	if m.list != nil || m.showHelp {
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
	if m.s.shown.seq != 20 || m.events.cursor != 20 {
		t.Fatalf("showing seq %d (cursor %d) after a late older seek; want 20", m.s.shown.seq, m.events.cursor)
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
	rows, total := m.s.shown.doc.Rows(m.state.folded, 0, 100)
	if rows[m.state.row].Path != ".players.ana" || !strings.Contains(screen(m), "state after seq 2 · .players.ana") {
		t.Fatalf("row %d is %+v", m.state.row, rows[m.state.row])
	}
	press(t, m, "enter")
	rows, folded := m.s.shown.doc.Rows(m.state.folded, 0, 100)
	if folded != total-3 || !rows[m.state.row].Folded || rows[m.state.row].Text != "{… 2 members }" {
		t.Fatalf("after folding: %d rows (was %d), row %+v", folded, total, rows[m.state.row])
	}
	press(t, m, "enter")
	if _, n := m.s.shown.doc.Rows(m.state.folded, 0, 100); n != total {
		t.Fatalf("unfolding gave %d rows, want %d", n, total)
	}
	if d := m.s.shown.changes; len(d) != 1 || d[0].Path != ".players.bo.hp" || d[0].Old != "90" || d[0].New != "80" {
		t.Fatalf("changes %+v", d)
	}
}

func TestMouse(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 50)), 100, 30)
	drive(t, m, func() tea.Msg { return tea.MouseClickMsg{X: 5, Y: 7, Button: tea.MouseLeft} })
	if m.events.cursor != 7 {
		t.Fatalf("clicking the 7th row selected seq %d", m.events.cursor)
	}
	drive(t, m, func() tea.Msg { return tea.MouseWheelMsg{X: 5, Y: 7, Button: tea.MouseWheelDown} })
	if m.events.cursor != 10 {
		t.Fatalf("the wheel moved to %d", m.events.cursor)
	}
	l := m.layout()
	drive(t, m, func() tea.Msg { return tea.MouseClickMsg{X: l.state.x + 3, Y: l.state.y + 1, Button: tea.MouseLeft} })
	if m.focus != paneState || m.state.row != 0 {
		t.Fatalf("clicking the state pane: focus %v row %d", m.focus, m.state.row)
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
	if m.s.stream != "acct" {
		t.Fatalf("opened %q; want the first stream", m.s.stream)
	}
	press(t, m, "s")
	typeText(t, m, "oth")
	if !strings.Contains(screen(m), "streams (1 of 2)") {
		t.Fatalf("filtering:\n%s", screen(m))
	}
	press(t, m, "enter")
	if m.s.stream != "other" || m.events.cursor != 1 || m.s.shown.state.Balance != 1000 {
		t.Fatalf("switched to %q at %d: %+v", m.s.stream, m.events.cursor, m.s.shown.state)
	}
	press(t, m, "G")
	if m.events.cursor != 3 {
		t.Fatalf("G in the other stream: %d", m.events.cursor)
	}
	// Back to the first: where it was left, not its start; an exact name
	// comes first however many names hold it.
	press(t, m, "s")
	typeText(t, m, "acct")
	press(t, m, "enter")
	if m.s.stream != "acct" || m.events.cursor != 1 {
		t.Fatalf("back to acct: %q at %d", m.s.stream, m.events.cursor)
	}
	press(t, m, "l", "l", "s")
	typeText(t, m, "other")
	press(t, m, "enter", "s")
	typeText(t, m, "acct")
	press(t, m, "enter")
	if m.s.stream != "acct" || m.events.cursor != 3 || m.s.shown.state.Count != 3 {
		t.Fatalf("back to acct after stepping to 3: %q at %d", m.s.stream, m.events.cursor)
	}
}

func TestFollowKeepsTheSelectionAtTheEnd(t *testing.T) {
	log := ledger(t, 5)
	cfg := typedConfig(t, log)
	cfg.Follow = true
	m := newModel(t, cfg, 100, 30)
	press(t, m, "G")
	if m.events.cursor != 5 {
		t.Fatalf("G: %d", m.events.cursor)
	}
	for i := 0; i < 3; i++ {
		log.Append(context.Background(), replay.Event[deposit]{Stream: "acct", Payload: deposit{Type: "deposit", Amount: 1}})
	}
	drive(t, m, func() tea.Msg { return tickMsg{} })
	if m.events.last != 8 || m.events.cursor != 8 || m.s.shown.state.Count != 8 {
		t.Fatalf("after 3 new events: last %d, cursor %d, %+v", m.events.last, m.events.cursor, m.s.shown.state)
	}
	press(t, m, ":")
	typeText(t, m, "2")
	press(t, m, "enter")
	log.Append(context.Background(), replay.Event[deposit]{Stream: "acct", Payload: deposit{Type: "deposit", Amount: 1}})
	drive(t, m, func() tea.Msg { return tickMsg{} })
	if m.events.last != 9 || m.events.cursor != 2 {
		t.Fatalf("away from the end: last %d, cursor %d; the selection must stay", m.events.last, m.events.cursor)
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
	if len(m.s.shown.watches) != 2 || m.s.shown.watches[0].value != "0" || m.s.shown.watches[1].value != "10" || !m.s.shown.watches[1].changed {
		t.Fatalf("watches at seq 1: %+v", m.s.shown.watches)
	}
	press(t, m, ":")
	typeText(t, m, "10")
	press(t, m, "enter")
	if w := m.s.shown.watches[0]; w.value != "1" || !w.changed {
		t.Fatalf("state.Count / 10 at seq 10: %+v; want 1, changed", w)
	}
	press(t, m, "l")
	if w := m.s.shown.watches[0]; w.value != "1" || w.changed {
		t.Fatalf("at seq 11: %+v; want 1, unchanged", w)
	}
	if s := screen(m); !strings.Contains(s, "state.Balance = 660") || !strings.Contains(s, "watches · changed by seq 11") {
		t.Fatalf("the screen:\n%s", s)
	}
	// A watch that does not compile keeps the prompt open, saying why.
	press(t, m, "w")
	typeText(t, m, "state.Balance +")
	press(t, m, "enter")
	if !m.prompt.open || m.prompt.input.Value() != "state.Balance +" || !strings.Contains(screen(m), "unexpected token at line 1, column 15") {
		t.Fatalf("a bad watch: prompt %v %q\n%s", m.prompt.open, m.prompt.input.Value(), screen(m))
	}
	press(t, m, "esc", "W", "down", "d")
	if len(m.inv.watches) != 1 || m.inv.watches[0].source != "state.Count / 10" {
		t.Fatalf("after deleting the second watch: %+v", m.inv.watches)
	}
	press(t, m, "enter")
	typeText(t, m, "")
	if !m.prompt.open || m.prompt.input.Value() != "state.Count / 10" {
		t.Fatalf("editing a watch: %v %q", m.prompt.open, m.prompt.input.Value())
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
	if m.events.cursor != 15 || !strings.Contains(m.status.text, "event.Type == refund: seq 15") {
		t.Fatalf("continue: seq %d, %q", m.events.cursor, m.status.text)
	}
	press(t, m, "c", "enter") // the same condition again
	if m.events.cursor != 32 {
		t.Fatalf("continue again: seq %d", m.events.cursor)
	}
	press(t, m, "c", "enter")
	if m.events.cursor != 32 || !strings.Contains(m.status.text, "no seq after 32 where event.Type == refund") {
		t.Fatalf("continue past the last: seq %d %q", m.events.cursor, m.status.text)
	}
	press(t, m, "G", "C", "enter")
	if m.events.cursor != 32 {
		t.Fatalf("reverse-continue from the end: seq %d", m.events.cursor)
	}
	press(t, m, "C", "enter")
	if m.events.cursor != 15 {
		t.Fatalf("reverse-continue again: seq %d", m.events.cursor)
	}
	// A condition that fails at a seq stops there and says so.
	press(t, m, "g", "c")
	m.prompt.input.SetValue("oops")
	press(t, m, "enter")
	if m.events.cursor != 7 || !strings.Contains(m.status.text, "the condition failed at seq 7: cannot fetch from nil") {
		t.Fatalf("a failing condition: seq %d %q", m.events.cursor, m.status.text)
	}
	// Empty: until a watch changes.
	press(t, m, "w")
	typeText(t, m, "state.Count / 10")
	press(t, m, "enter", "g", "c")
	m.prompt.input.SetValue("")
	press(t, m, "enter")
	if m.events.cursor != 10 || !strings.HasPrefix(m.status.text, "a watch changes at seq 10 (") {
		t.Fatalf("continue until a watch changes: seq %d %q", m.events.cursor, m.status.text)
	}
	press(t, m, "g", "C")
	m.prompt.input.SetValue("")
	press(t, m, "enter")
	if m.events.cursor != 1 || m.status.text != "no watch changes before seq 1" {
		t.Fatalf("reverse-continue from the start until a watch changes: seq %d %q", m.events.cursor, m.status.text)
	}
}

func TestEscStopsASearchWhereItGot(t *testing.T) {
	m := investigating(t, 1000)
	slow := func(s account, ev replay.Event[deposit]) (any, error) {
		time.Sleep(time.Millisecond)
		return false, nil
	}
	m.c.cfg.Compile = func(string) (Evaluator[account, deposit], error) { return slow, nil }
	cmd, err := m.inv.continueTo(m.s.ctx, m.s.tl, m.events.cursor, "never", false)
	if err != nil {
		t.Fatal(err)
	}
	// The job reports its progress in messages, as the runtime would
	// deliver them.
	for m.inv.job != nil && m.inv.job.reached < 64 {
		_, cmd = m.Update(cmd())
	}
	if s := screen(m); !strings.Contains(s, "continue until never: seq") || !strings.Contains(s, "(esc stops)") {
		t.Fatalf("the status bar does not show the search going:\n%s", s)
	}
	press(t, m, "esc")
	drive(t, m, cmd) // its last report arrives after it was stopped
	if m.inv.job != nil || m.events.cursor < 64 || m.events.cursor >= 1000 || !strings.Contains(m.status.text, "stopped at seq") {
		t.Fatalf("after esc: job %v, seq %d, %q", m.inv.job, m.events.cursor, m.status.text)
	}
}

func TestBisectBlameAndMark(t *testing.T) {
	m := investigating(t, 60)
	press(t, m, "F")
	typeText(t, m, "state.Balance > 5000")
	press(t, m, "enter")
	// The balance is 10+20+…: it passes 5000 at seq 32 (5280).
	if m.events.cursor != 32 || !strings.Contains(m.status.text, "bisected in") {
		t.Fatalf("bisect: seq %d %q", m.events.cursor, m.status.text)
	}
	press(t, m, "m", "l", "l", "l")
	if m.s.shown.mark != 32 || len(m.s.shown.changes) == 0 || m.s.shown.changes[0].Old != "5280" || m.s.shown.changes[0].New != "6300" {
		t.Fatalf("diff from the mark: mark %d %+v", m.s.shown.mark, m.s.shown.changes)
	}
	if !strings.Contains(screen(m), "from the mark at seq 32 to seq 35") || !strings.Contains(screen(m), "▸     32") {
		t.Fatalf("the screen does not show the mark:\n%s", screen(m))
	}
	press(t, m, "h", "h", "h", "m")
	if m.s.marked {
		t.Fatal("m on the mark did not clear it")
	}
	// Blame: with the cursor on the state, who last changed it.
	press(t, m, ":")
	typeText(t, m, "20")
	press(t, m, "enter", "tab", "L")
	// The cursor is on the whole state, which every event changes in
	// three fields: 60 changes up to seq 20; the selection stays.
	if m.listKindOf() != blameList || len(m.inv.history) != 60 || m.events.cursor != 20 {
		t.Fatalf("blame: overlay %v, %d entries, seq %d", m.listKindOf(), len(m.inv.history), m.events.cursor)
	}
	press(t, m, "up", "up", "up", "enter")
	if m.events.cursor != 19 || (m.list != nil || m.showHelp) {
		t.Fatalf("going to an earlier change: seq %d", m.events.cursor)
	}
}

func TestPlayStopsAtABookmarkAConditionOrTheEnd(t *testing.T) {
	m := investigating(t, 12)
	press(t, m, ":")
	typeText(t, m, "8")
	press(t, m, "enter", "b", "enter", "g")
	// Drive the play by hand: each tick steps once.
	press(t, m, "space")
	for i := 0; i < 20 && m.inv.playing; i++ {
		drive(t, m, func() tea.Msg { return playTickMsg{m.inv.playGen} })
	}
	if m.inv.playing || m.events.cursor != 8 || !strings.Contains(m.status.text, "bookmark at seq 8") {
		t.Fatalf("play: playing %v, seq %d, %q", m.inv.playing, m.events.cursor, m.status.text)
	}
	press(t, m, "space")
	for i := 0; i < 20 && m.inv.playing; i++ {
		drive(t, m, func() tea.Msg { return playTickMsg{m.inv.playGen} })
	}
	if m.inv.playing || m.events.cursor != 12 || !strings.Contains(m.status.text, "the end") {
		t.Fatalf("play to the end: playing %v, seq %d, %q", m.inv.playing, m.events.cursor, m.status.text)
	}
	// The balance after seq n is 10+20+…+10n: it passes 200 at seq 6,
	// before the bookmark at 8, so only the condition can stop it there.
	m.inv.lastCond = "state.Balance > 200"
	press(t, m, "g", "space")
	for i := 0; i < 20 && m.inv.playing; i++ {
		drive(t, m, func() tea.Msg { return playTickMsg{m.inv.playGen} })
	}
	if m.inv.playing || m.events.cursor != 6 || !strings.Contains(m.status.text, "state.Balance > 200 holds at seq 6") {
		t.Fatalf("play until a condition: playing %v, seq %d %q", m.inv.playing, m.events.cursor, m.status.text)
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
	rows, _ := m.s.shown.doc.Rows(m.state.folded, 0, 100)
	for i, r := range rows {
		if r.Path == ".players.bo.hp" {
			m.state.row = i
		}
	}
	press(t, m, "L")
	// The history opens on the last change; the selection stays where it
	// was until enter takes it to an entry, and esc leaves it there.
	if len(m.inv.history) != 3 || m.events.cursor != 5 || m.list.current() != 2 {
		t.Fatalf("blame of .players.bo.hp: %+v, seq %d", m.inv.history, m.events.cursor)
	}
	press(t, m, "esc")
	if m.list != nil || m.events.cursor != 5 {
		t.Fatalf("esc moved the selection to %d", m.events.cursor)
	}
	if e := m.inv.history[2]; e.Seq != 4 || e.Old != "80" || e.New != "60" || m.inv.history[0].Kind != "added" {
		t.Fatalf("entries %+v", m.inv.history)
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
	if m.events.cursor != 12 || m.s.shown.mark != 5 || m.s.shown.changes[0].Old != "150" || m.s.shown.changes[0].New != "780" {
		t.Fatalf("between the bookmarks: seq %d, mark %d, %+v", m.events.cursor, m.s.shown.mark, m.s.shown.changes)
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
	if m.s.seeking || !strings.Contains(m.status.text, "seek cancelled") {
		t.Fatalf("after esc: seeking %v, message %q", m.s.seeking, m.status.text)
	}
	select {
	case msg := <-late:
		m.Update(msg) // arrives after the cancel: must not show as the state
	case <-time.After(10 * time.Second):
		t.Fatal("esc did not stop the apply running in the seek")
	}
	drive(t, m, m.seekTo(1))
	if m.s.shown.seq != 1 || m.s.shown.err != nil {
		t.Fatalf("a seek after the interrupted one shows seq %d, err %v", m.s.shown.seq, m.s.shown.err)
	}
}

func TestFollowNeverSelectsAnEventThatIsNotThere(t *testing.T) {
	log := ledger(t, 3)
	cfg := typedConfig(t, log)
	cfg.Follow = true
	m := newModel(t, cfg, 100, 30)
	press(t, m, "G", "l", "l")
	if m.events.cursor != 3 || m.s.shown.seq != 3 || !strings.Contains(screen(m), "seq 3/3+") {
		t.Fatalf("l at the last event: cursor %d, shown %d\n%s", m.events.cursor, m.s.shown.seq, screen(m))
	}
	if strings.Contains(screen(m), "      4  ") {
		t.Fatalf("a row for seq 4, which is not there yet:\n%s", screen(m))
	}
	log.Append(context.Background(), replay.Event[deposit]{Stream: "acct", Payload: deposit{Type: "deposit", Amount: 1}})
	drive(t, m, func() tea.Msg { return tickMsg{} })
	if m.events.cursor != 4 || m.s.shown.seq != 4 || m.s.shown.state.Count != 4 || !strings.Contains(screen(m), "seq 4/4+") {
		t.Fatalf("when seq 4 arrives: cursor %d, shown %d\n%s", m.events.cursor, m.s.shown.seq, screen(m))
	}
}

func TestTheStateCursorFollowsItsPath(t *testing.T) {
	m := newModel(t, jsonConfig(jsonLog(t,
		`{"players":{"ana":{"hp":100,"x":1},"bo":{"hp":90}}}`,
		`{"players":{"ana":{"alive":true}}}`, // a member above hp
		`{"players":{"ana":null}}`)), 100, 30)
	press(t, m, "tab")
	for m.state.selected() != nil && m.state.selected().Path != ".players.ana.hp" {
		press(t, m, "down")
	}
	press(t, m, "l")
	if sel := m.state.selected(); sel == nil || sel.Path != ".players.ana.hp" {
		t.Fatalf("after a step that added .players.ana.alive, the cursor is on %+v", sel)
	}
	press(t, m, "l") // ana removed: the cursor goes to what held her
	if sel := m.state.selected(); sel == nil || sel.Path != ".players" {
		t.Fatalf("after ana was removed, the cursor is on %+v", sel)
	}
}

func TestResizingBackShowsTheListFromItsStart(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 12)), 120, 35)
	press(t, m, ":")
	typeText(t, m, "10")
	press(t, m, "enter")
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 40, Height: 10} })
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 35} })
	if m.events.top != 1 || !strings.Contains(screen(m), "      1  2026") {
		t.Fatalf("after resizing back, the list starts at seq %d:\n%s", m.events.top, screen(m))
	}
}

func TestAMarkAtTheSelectionCostsNoSecondFold(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 20)), 100, 30)
	press(t, m, ":")
	typeText(t, m, "6")
	press(t, m, "enter", "m", ":")
	typeText(t, m, "14")
	press(t, m, "enter", ":")
	typeText(t, m, "6")
	press(t, m, "enter")
	if c := m.s.shown.cost; c.Folded > 6 {
		t.Fatalf(":6 with the mark at 6 folded %d events (%v); seq 6 takes at most 6, from the start", c.Folded, c)
	}
	if len(m.s.shown.changes) != 0 || !strings.Contains(screen(m), "from the mark at seq 6 to seq 6 (0 changes)") {
		t.Fatalf("the mark at the selection: %+v\n%s", m.s.shown.changes, screen(m))
	}
}

// A typed state with a map, as game states have.
type team struct {
	Players map[string]player
}

type player struct{ HP int }

func TestATypedMapEntryIsBlamedOnItsOwn(t *testing.T) {
	log := replay.NewMemoryLog[deposit]()
	for _, d := range []deposit{{Note: "ana", Amount: 100}, {Note: "bo", Amount: 90}, {Note: "bo", Amount: 80}, {Note: "ana", Amount: 70}} {
		log.Append(context.Background(), replay.Event[deposit]{Stream: "s", Payload: d})
	}
	apply := func(t team, ev replay.Event[deposit]) team {
		next := team{Players: maps.Clone(t.Players)}
		if next.Players == nil {
			next.Players = map[string]player{}
		}
		next.Players[ev.Payload.Note] = player{HP: ev.Payload.Amount}
		return next
	}
	m := newModel(t, Config[team, deposit]{Log: log, Apply: apply, Stream: "s"}, 100, 30)
	// Filling the nil map is what the entries say, not a removed {}.
	if ch := m.s.shown.changes; len(ch) != 1 || ch[0].Path != `state.Players["ana"].HP` || ch[0].Kind != "added" {
		t.Fatalf("the first event's changes: %+v", ch)
	}
	press(t, m, "G", "tab")
	for m.state.selected() != nil && m.state.selected().Path != `.Players["bo"]` {
		press(t, m, "down")
	}
	if _, cmd := m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"}); cmd == nil || fmt.Sprint(cmd()) != `{HP:80}` {
		t.Fatalf("y on a typed map entry: %q", m.status.text)
	}
	press(t, m, "L")
	if h := m.inv.history; len(h) != 2 || h[0].Seq != 2 || h[1].Seq != 3 {
		t.Fatalf(`blame of .Players["bo"] lists %+v; want seqs 2 and 3 only`, h)
	}
}

// Two debuggers on one log bookmark one seq: the second checks the
// first's bookmark when its own save brings it in, a new session checks
// both (none is left "(checking)"), and d deletes the one selected.
func TestTwoBookmarksAtOneSeqAreBothChecked(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 40))
	store := cfg.Bookmarks.(*testStore)
	first := newModel(t, cfg, 100, 30)
	other := store.reopen()
	cfg.Bookmarks = other
	second := newModel(t, cfg, 100, 30)
	for i, m := range []*Model[account, deposit]{first, second} {
		press(t, m, ":")
		typeText(t, m, "25")
		press(t, m, "enter", "b")
		typeText(t, m, fmt.Sprint("debugger ", i+1))
		press(t, m, "enter")
	}
	if l := other.List("acct"); len(l) != 2 || l[0].Status != Usable || l[1].Status != Usable {
		t.Fatalf("the second debugger's bookmarks: %+v", l)
	}
	cfg.Bookmarks = store.reopen()
	m := newModel(t, cfg, 100, 30)
	press(t, m, "B")
	if sc := screen(m); strings.Contains(sc, "checking") || !strings.Contains(sc, "debugger 1") || !strings.Contains(sc, "debugger 2") {
		t.Fatalf("two bookmarks at one seq:\n%s", sc)
	}
	press(t, m, "down", "d")
	if l := cfg.Bookmarks.List("acct"); len(l) != 1 || l[0].Note != "debugger 1" || !strings.Contains(screen(m), "deleted the bookmark at seq 25") {
		t.Fatalf("after deleting the second: %+v\n%s", l, screen(m))
	}
}

func TestCopyTheValueItsPathOrTheEvent(t *testing.T) {
	m := newModel(t, jsonConfig(jsonLog(t, `{"players":{"ana":{"hp":100},"bo":{"hp":90,"x":"`+strings.Repeat("w", 5000)+`"}}}`)), 100, 30)
	copied := func(k string) string {
		t.Helper()
		_, cmd := m.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
		if cmd == nil {
			t.Fatalf("%s copied nothing: %q", k, m.status.text)
		}
		return fmt.Sprint(cmd())
	}
	// The events pane: the event, as its line.
	if got := copied("y"); !strings.Contains(got, `"players":{"ana"`) || !strings.Contains(m.status.text, "copied the event at seq 1") {
		t.Fatalf("y in the events pane copied %.60q, %q", got, m.status.text)
	}
	press(t, m, "tab")
	for m.state.selected() != nil && m.state.selected().Path != ".players.bo" {
		press(t, m, "down")
	}
	// The whole value, though the row shows a cut one.
	want := "{\n  \"hp\": 90,\n  \"x\": \"" + strings.Repeat("w", 5000) + "\"\n}"
	if got := copied("y"); got != want {
		t.Fatalf("y on .players.bo copied %.80q…", got)
	}
	if got := copied("Y"); got != ".players.bo" || !strings.Contains(m.status.text, "copied the path .players.bo") {
		t.Fatalf("Y copied %q, %q", got, m.status.text)
	}
}

// The time column is as wide as the log needs: the date alone where no
// event has a time of day (bank statements, fines), to the second where
// one has, none where no event has a time.
func TestTheTimeColumnFitsTheLog(t *testing.T) {
	day := time.Date(2000, 3, 15, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		times []time.Time
		want  []string
	}{
		{"dates", []time.Time{day, day.AddDate(0, 1, 1)}, []string{"1  2000-03-15  a", "2  2000-04-16  b"}},
		{"a time of day", []time.Time{day, day.Add(90 * time.Second)}, []string{"1  2000-03-15 00:00:00  a", "2  2000-03-15 00:01:30  b"}},
		{"one without a time", []time.Time{{}, day}, []string{"1  -           a", "2  2000-03-15  b"}},
		{"no times", []time.Time{{}, {}}, []string{"1  a", "2  b"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			log := replay.NewMemoryLog[jsonv.Payload]()
			for i, at := range c.times {
				ev := replay.Event[jsonv.Payload]{Stream: "s", Time: at, Payload: jsonv.Payload{Value: []byte(fmt.Sprintf(`{"type":%q}`, string(rune('a'+i))))}}
				if _, err := log.Append(context.Background(), ev); err != nil {
					t.Fatal(err)
				}
			}
			m := newModel(t, jsonConfig(log), 100, 30)
			s := screen(m)
			for _, want := range c.want {
				if !strings.Contains(s, want) {
					t.Errorf("no row %q in\n%s", want, s)
				}
			}
		})
	}
}

// idLog gives each event of a MemoryLog an id of its own: 10 times its
// seq, as a table whose ids have gaps would.
type idLog[E any] struct{ replay.Log[E] }

func (l idLog[E]) SourceID(ctx context.Context, stream replay.StreamKey, seq replay.Seq) (int64, bool, error) {
	last, err := replay.LastSeq(ctx, l.Log, stream)
	return int64(seq) * 10, seq >= 1 && seq <= last, err
}

func (l idLog[E]) SeqOfSourceID(ctx context.Context, stream replay.StreamKey, id int64) (replay.Seq, bool, error) {
	last, err := replay.LastSeq(ctx, l.Log, stream)
	return replay.Seq(id / 10), id%10 == 0 && id >= 10 && replay.Seq(id/10) <= last, err
}

// TestALogWithIdsShowsThemAndGoesToThem: the event list and the status
// bar show each event's id beside its seq, and :id:N goes to it.
func TestALogWithIdsShowsThemAndGoesToThem(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 50))
	cfg.Log = idLog[deposit]{cfg.Log}
	m := newModel(t, cfg, 100, 30)
	press(t, m, ":")
	typeText(t, m, "id:370")
	press(t, m, "enter")
	if m.events.cursor != 37 || m.s.shown.state.Count != 37 {
		t.Fatalf(":id:370 went to %d", m.events.cursor)
	}
	out := screen(m)
	if !strings.Contains(out, "seq 37/50 (id 370)") || !strings.Contains(out, "37  id 370  ") {
		t.Fatalf("no id beside seq 37:\n%s", out)
	}
	press(t, m, ":")
	typeText(t, m, "id:371")
	press(t, m, "enter")
	if m.events.cursor != 37 || !strings.Contains(screen(m), "not found: id:371") {
		t.Fatalf(":id:371 (no such id): seq %d\n%s", m.events.cursor, screen(m))
	}
}
