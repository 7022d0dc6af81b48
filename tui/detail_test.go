package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

const fen = "rnbqkbnr/pppppppp/8/8/8/5N2/PPPPPPPP/RNBQKB1R b KQkq - 1 1"

// chessNote is a game whose second event carries a long text.
func chessNote(t *testing.T) *replay.MemoryLog[jsonv.Payload] {
	note := strings.Repeat("The knight goes to f3, where it guards the king and eyes the centre. ", 40)
	return jsonLog(t,
		`{"type":"game_started","fen":"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"}`,
		`{"type":"move","san":"Nf3","fen":"`+fen+`","note":"`+note+`","tags":{"White":"Navara,D","Black":"Svidler,P"}}`)
}

// rows is the text of the rows a detail view shows, one a line.
func (d *detailView) shownRows() string {
	var out []string
	for i := d.top; i < d.top+d.page(); i++ {
		if row, ok := d.rows.row(i, d.width); ok {
			out = append(out, strings.TrimRight(row, " "))
		}
	}
	return strings.Join(out, "\n")
}

func pressed(t *testing.T, m *Model[any, jsonv.Payload], k string) tea.Msg {
	t.Helper()
	_, cmd := m.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
	if cmd == nil {
		t.Fatalf("%s did nothing: %q", k, m.status.text)
	}
	return cmd()
}

func TestTheDetailViewShowsTheValueUnderTheCursorWhole(t *testing.T) {
	m := newModel(t, jsonConfig(chessNote(t)), 80, 24)
	press(t, m, "l", "tab")
	for m.state.selected() != nil && m.state.selected().Path != ".note" {
		press(t, m, "down")
	}
	press(t, m, "v")
	d := m.detail
	if d == nil {
		t.Fatalf("v opened nothing: %q", m.status.text)
	}
	note := strings.Repeat("The knight goes to f3, where it guards the king and eyes the centre. ", 40)
	if !strings.Contains(d.what, ".note after seq 2") || d.text != note {
		t.Fatalf("v on .note shows %q: %.60q", d.what, d.text)
	}
	// Wrapped at spaces: every word whole, and the rows give back the text.
	words := strings.Fields(strings.ReplaceAll(d.shownRows(), "\n", " "))
	if strings.Join(words, " ")+" " != note[:len(strings.Join(words, " "))+1] {
		t.Fatalf("the rows do not read as the note:\n%s", d.shownRows())
	}
	press(t, m, "j")
	if d.top != 1 {
		t.Fatalf("j: top %d", d.top)
	}
	press(t, m, "G")
	last := d.top
	press(t, m, "j")
	if d.top != last || last == 1 {
		t.Fatalf("G then j: top %d, then %d", last, d.top)
	}
	press(t, m, "k", "g")
	if d.top != 0 {
		t.Fatalf("g: top %d", d.top)
	}
	// The wheel scrolls the view, not the event list under it.
	drive(t, m, func() tea.Msg { return tea.MouseWheelMsg{X: 5, Y: 3, Button: tea.MouseWheelDown} })
	drive(t, m, func() tea.Msg { return tea.MouseClickMsg{X: 5, Y: 3, Button: tea.MouseLeft} })
	if d.top != 3 || m.events.cursor != 2 || m.focus != paneState {
		t.Fatalf("the wheel over the detail view: top %d, seq %d, focus %d", d.top, m.events.cursor, m.focus)
	}
	if got := fmt.Sprint(pressed(t, m, "y")); got != note || !strings.Contains(m.status.text, "copied the value at .note") {
		t.Fatalf("y copied %.40q: %q", got, m.status.text)
	}
	press(t, m, "esc")
	if m.detail != nil || m.focus != paneState {
		t.Fatal("esc did not close the detail view")
	}
	// An object is shown as indented JSON.
	for m.state.selected() != nil && m.state.selected().Path != ".tags" {
		press(t, m, "down")
	}
	press(t, m, "v")
	if m.detail == nil || m.detail.text != "{\n  \"Black\": \"Svidler,P\",\n  \"White\": \"Navara,D\"\n}" {
		t.Fatalf("v on .tags: %+v", m.detail)
	}
	press(t, m, "v")
	if m.detail != nil {
		t.Fatal("v did not close the detail view")
	}
	// q closes it too, as it closes the chart and the lists: a user
	// reading a value does not lose the session.
	press(t, m, "v")
	if _, cmd := m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); m.detail != nil || cmd != nil {
		t.Fatalf("q in the detail view: open %v, command %v", m.detail != nil, cmd != nil)
	}
	// The changes pane: the change on top, before and after.
	press(t, m, "tab", "v")
	if m.detail == nil || !strings.Contains(m.detail.what, "change at .fen by seq 2") || m.detail.text != "was:\nrnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1\n\nnow:\n"+fen {
		t.Fatalf("v in the changes pane: %+v", m.detail)
	}
	// The event list: the event.
	press(t, m, "esc", "tab", "v")
	if m.focus != paneEvents || m.detail == nil || m.detail.what != "the event at seq 2" || !strings.Contains(m.detail.text, "\"san\": \"Nf3\",\n") {
		t.Fatalf("v in the event list: %+v", m.detail)
	}
}

func TestScrollingSideways(t *testing.T) {
	m := newModel(t, jsonConfig(chessNote(t)), 80, 24)
	press(t, m, "l", ">")
	if !strings.Contains(m.status.text, "scroll the state pane and the event pane") {
		t.Fatalf("> in the event list: %q", m.status.text)
	}
	press(t, m, "tab", ">")
	if m.state.left != 39 || !strings.Contains(screen(m), "state after seq 2 · . · →39") {
		t.Fatalf("> in the state pane: left %d\n%s", m.state.left, screen(m))
	}
	for range 200 {
		press(t, m, ">")
	}
	widest := 2 + 2 + len(`note: "`) + 40*69 + 1
	if m.state.left != widest-78 {
		t.Fatalf("> scrolled to %d, past the widest row", m.state.left)
	}
	press(t, m, "<")
	if m.state.left != widest-78-39 {
		t.Fatalf("< scrolled to %d", m.state.left)
	}
	for range 80 {
		press(t, m, "<")
	}
	if m.state.left != 0 || strings.Contains(screen(m), "· →") {
		t.Fatalf("< back: left %d", m.state.left)
	}
	// The event pane wraps; > shows its lines whole, sideways, and < back
	// at the left edge wraps them again.
	press(t, m, "e", "tab", "tab")
	if m.focus != paneEvent {
		t.Fatalf("focus %d", m.focus)
	}
	press(t, m, "j", "j", "j", "j", "j", "j", "j") // to the note
	wrappedRows, _ := m.event.rows.found()
	press(t, m, ">")
	if m.event.left != 39 || !strings.Contains(screen(m), "event 2 · →39") {
		t.Fatalf("> in the event pane: left %d\n%s", m.event.left, screen(m))
	}
	press(t, m, "<")
	if m.event.left != 0 {
		t.Fatalf("< in the event pane: left %d", m.event.left)
	}
	if n, _ := m.event.rows.found(); n != wrappedRows {
		t.Fatalf("back at the left edge: %d rows, want %d wrapped", n, wrappedRows)
	}
}

func TestLongValuesScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		cfg := jsonConfig(chessNote(t))
		cfg.Line = func(ev replay.Event[jsonv.Payload]) string {
			return fmt.Sprintf(`{"stream":%q,"seq":%d,"payload":%s}`, ev.Stream, ev.Seq, ev.Payload.Value)
		}
		m := newModel(t, cfg, size[0], size[1])
		press(t, m, "l", "e", "tab", "tab", "tab")
		press(t, m, "j", "j", "j", "j", "j", "j") // to the fen and the note
		golden(t, fmt.Sprintf("event-%dx%d", size[0], size[1]), screen(m))
		press(t, m, "tab", "tab")
		for m.state.selected() != nil && m.state.selected().Path != ".note" {
			press(t, m, "down")
		}
		press(t, m, "v")
		golden(t, fmt.Sprintf("detail-%dx%d", size[0], size[1]), screen(m))
	}
}

func TestSummaryFieldsChooseWhatRowsShow(t *testing.T) {
	cfg := jsonConfig(chessNote(t))
	cfg.SummaryOf = func(ev replay.Event[jsonv.Payload], fields []string, width int) string {
		return ev.Payload.SummaryOf(fields, width)
	}
	cfg.SummaryFields = []string{"san"}
	m := newModel(t, cfg, 140, 30)
	if s := screen(m); !strings.Contains(s, "move  san=Nf3") {
		t.Fatalf("SummaryFields san:\n%s", s)
	}
	press(t, m, "S")
	if !m.prompt.open || m.prompt.input.Value() != "san" {
		t.Fatalf("S: prompt %v %q", m.prompt.open, m.prompt.input.Value())
	}
	press(t, m, "end")
	typeText(t, m, ", tags.White")
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "move  san=Nf3  tags.White=Navara,D") || !strings.Contains(s, "rows show the type and san, tags.White") {
		t.Fatalf("S san, tags.White:\n%s", s)
	}
	press(t, m, "S")
	for range len("san, tags.White") {
		_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
		drive(t, m, cmd)
	}
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "│   ") || strings.Contains(s, "san=Nf3") || len(m.events.fields) != 0 {
		t.Fatalf("S emptied: %q\n%s", m.events.fields, s)
	}
	// A program that describes its events itself offers no fields.
	plain := newModel(t, jsonConfig(chessNote(t)), 100, 30)
	press(t, plain, "S")
	if plain.prompt.open || !strings.Contains(plain.status.text, "no fields to choose") {
		t.Fatalf("S without SummaryOf: %q", plain.status.text)
	}
}

// A 10 MB value costs a frame what the screen shows of it: the detail
// view and the event pane lay out only the rows they show.
func TestAHugeValueKeepsFramesCheap(t *testing.T) {
	huge := strings.Repeat("abcdefghij ", 1<<20)[:10<<20]
	cfg := jsonConfig(jsonLog(t, `{"type":"blob","text":"`+huge+`"}`))
	summaries, lines := 0, 0
	summary := cfg.Summary
	cfg.Summary = func(ev replay.Event[jsonv.Payload]) string { summaries++; return summary(ev) }
	cfg.Line = func(ev replay.Event[jsonv.Payload]) string { lines++; return string(ev.Payload.Value) }
	m := newModel(t, cfg, 120, 35)
	// The row's summary and whether it matches a search scan the event:
	// they are worked out once, not at every frame.
	m.searchFor("abc", false)
	summaries, lines = 0, 0
	m.render()
	if summaries != 0 || lines != 0 {
		t.Fatalf("a frame summarised the event %d times and wrote it %d times", summaries, lines)
	}
	press(t, m, "e", "tab")
	for m.state.selected() != nil && m.state.selected().Path != ".text" {
		press(t, m, "down")
	}
	start := time.Now()
	press(t, m, "v")
	opened := time.Since(start)
	if m.detail == nil || len(m.detail.text) != len(huge) {
		t.Fatal("v did not show the value whole")
	}
	var frame string
	start = time.Now()
	bytes := allocated(func() { frame = m.render() })
	took := time.Since(start)
	t.Logf("a 10 MB string: v took %s, a frame %s and %d KB", opened, took, bytes>>10)
	if bytes > 1<<20 || !strings.Contains(frame, "abcdefghij abcdefghij") {
		t.Fatalf("a frame of the detail view of a 10 MB value allocated %d bytes", bytes)
	}
	press(t, m, "G")
	if !strings.Contains(screen(m), "rows 95296–95326 of 95326─") { // 10 words a row
		t.Fatalf("G:\n%s", screen(m))
	}
	press(t, m, "esc", "tab", "tab")
	if m.focus != paneEvent {
		t.Fatalf("focus %d", m.focus)
	}
	if bytes := allocated(func() { frame = m.render() }); bytes > 1<<20 {
		t.Fatalf("a frame with a 10 MB event allocated %d bytes", bytes)
	}
	if !strings.Contains(frame, "event 1 · 9.0 MB more: v shows it whole") {
		t.Fatalf("the event pane does not say the event is cut:\n%s", frame)
	}
}

func TestTheDetailViewKeepsItsPlaceAcrossSizes(t *testing.T) {
	m := newModel(t, jsonConfig(chessNote(t)), 80, 24)
	press(t, m, "l", "tab")
	for m.state.selected() != nil && m.state.selected().Path != ".note" {
		press(t, m, "down")
	}
	press(t, m, "v", "pgdown")
	before := m.detail.rows.progress(m.detail.top)
	for _, size := range [][2]int{{120, 35}, {60, 15}, {40, 10}, {200, 60}, {80, 24}} {
		drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: size[0], Height: size[1]} })
		checkFrame(t, m)
		if lines := strings.Split(m.render(), "\n"); len(lines) != size[1] {
			t.Fatalf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
	}
	// Back at 80x24, on the same row: the place was kept through each size.
	if at := m.detail.rows.progress(m.detail.top); at > before || before-at > 0.05 {
		t.Fatalf("the view moved from %.3f to %.3f of the text", before, at)
	}
}

func TestTheDetailViewOfAGoState(t *testing.T) {
	m := newModel(t, typedConfig(t, ledger(t, 5)), 100, 30)
	press(t, m, "l", "l", "tab", "v")
	if m.detail == nil || !strings.Contains(m.detail.text, "Balance:") || !strings.Contains(m.detail.what, "the value at . after seq 3") {
		t.Fatalf("v on a Go state: %+v (%q)", m.detail, m.status.text)
	}
	press(t, m, "esc", "tab", "v")
	if m.detail == nil || !strings.Contains(m.detail.text, "was:\n") {
		t.Fatalf("v on a Go change: %+v (%q)", m.detail, m.status.text)
	}
}
