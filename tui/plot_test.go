package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/replaytui/replaytui/replay"
)

// plotting is a debugger on a ledger of n deposits (10, 20, 30…) that
// knows the expressions of the state pane's paths.
func plotting(t *testing.T, n, w, h int) *Model[account, deposit] {
	cfg := typedConfig(t, ledger(t, n))
	cfg.Compile = func(source string) (Evaluator[account, deposit], error) {
		switch source {
		case "state.Last":
			return func(s account, _ replay.Event[deposit]) (any, error) { return s.Last, nil }, nil
		case "state.Count":
			return func(s account, _ replay.Event[deposit]) (any, error) { return s.Count, nil }, nil
		}
		return compiler(source)
	}
	return newModel(t, cfg, w, h)
}

// selectPath puts the state pane's cursor on path.
func selectPath(t *testing.T, m *Model[account, deposit], path string) {
	t.Helper()
	if m.focus != paneState {
		press(t, m, "tab")
	}
	rows, _ := m.s.shown.doc.Rows(m.state.folded, 0, 100)
	for i, r := range rows {
		if r.Path == path {
			m.state.row = i
			m.state.move(0)
			return
		}
	}
	t.Fatalf("no row %s in %+v", path, rows)
}

func TestPlotTheValueUnderTheStateCursor(t *testing.T) {
	m := plotting(t, 30, 120, 35)
	press(t, m, "c")
	typeText(t, m, "state.Balance > 2000")
	press(t, m, "enter") // 2100 at seq 20: the hits are marked from there
	press(t, m, ":")
	typeText(t, m, "10")
	press(t, m, "enter", "b", "enter") // a bookmark at seq 10
	selectPath(t, m, ".Balance")
	press(t, m, "p")
	c := m.chart
	if c == nil || c.plot.source != "state.Balance" || c.cursor != 10 || c.plot.Series.Last() != 30 {
		t.Fatalf("the chart: %+v; status %q", c, m.status.text)
	}
	if lo, hi, _ := c.plot.Series.Range(); lo != 10 || hi != 4650 {
		t.Fatalf("range %v..%v, want 10..4650", lo, hi)
	}
	s := screen(m)
	for _, want := range []string{"plot state.Balance · min 10 · max 4650 · seqs 1–30", "seq 10: 550", "◆ bookmark", "• state.Balance > 2000", "┴", "←/→ move • enter go to"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the chart does not show %q:\n%s", want, s)
		}
	}
	if !strings.Contains(m.status.text, "plot of state.Balance over 30 seqs (folded in") {
		t.Fatalf("status %q", m.status.text)
	}
	// The goldens without the message, whose time varies in length.
	m.status.clear()
	golden(t, "120x35", screen(m))
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	checkFrame(t, m)
	golden(t, "80x24", screen(m))
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 60, Height: 15} })
	checkFrame(t, m)

	// The cursor moves a column at a time; enter goes to its seq and
	// closes the chart; esc closes it and stays.
	press(t, m, "right", "right", "right")
	if m.chart.cursor <= 10 {
		t.Fatalf("→ did not move the chart's cursor: %d", m.chart.cursor)
	}
	want := replay.Seq(m.chart.cursor)
	press(t, m, "enter")
	if m.chart != nil || m.events.cursor != want || m.s.shown.seq != want || m.s.shown.state.Count != int(want) {
		t.Fatalf("enter: chart %v, seq %d (want %d)", m.chart != nil, m.events.cursor, want)
	}
	press(t, m, "p", "G", "esc")
	if m.chart != nil || m.events.cursor != want {
		t.Fatalf("esc: chart %v, seq %d (want %d)", m.chart != nil, m.events.cursor, want)
	}
}

func TestPlotAWatch(t *testing.T) {
	m := plotting(t, 12, 100, 30)
	press(t, m, "p")
	if m.chart != nil || !strings.Contains(m.status.text, "w adds one") {
		t.Fatalf("p with no watch and the event list focused: %q", m.status.text)
	}
	press(t, m, "w")
	typeText(t, m, "state.Balance")
	press(t, m, "enter", "w")
	typeText(t, m, "state.Count")
	press(t, m, "enter")
	press(t, m, "p") // the first watch
	if m.chart == nil || m.chart.plot.source != "state.Balance" {
		t.Fatalf("p plots the first watch: %+v %q", m.chart, m.status.text)
	}
	press(t, m, "esc", "W", "down", "p") // p on the second, in the list
	if m.chart == nil || m.chart.plot.source != "state.Count" {
		t.Fatalf("p in the watches plots that one: %+v %q", m.chart, m.status.text)
	}
	if lo, hi, _ := m.chart.plot.Series.Range(); lo != 1 || hi != 12 {
		t.Fatalf("state.Count: %v..%v", lo, hi)
	}
	// A condition that fails marks nothing, and the chart says why.
	m.inv.lastCond = "oops"
	press(t, m, "esc", "p")
	if s := screen(m); !strings.Contains(s, "• oops (failed at seq 7: cannot fetch from nil)") {
		t.Fatalf("a failing condition:\n%s", s)
	}
}

func TestPlotAValueThatIsNoNumber(t *testing.T) {
	m := plotting(t, 12, 100, 30)
	selectPath(t, m, ".Last")
	press(t, m, "p")
	if m.chart != nil || !strings.Contains(m.status.text, "state.Last is not a number at any seq (1–12)") {
		t.Fatalf("a string: chart %v, %q", m.chart != nil, m.status.text)
	}
}

func TestEscStopsAPlotAndStaysPut(t *testing.T) {
	m := plotting(t, 1000, 100, 30)
	slow := func(s account, ev replay.Event[deposit]) (any, error) {
		time.Sleep(time.Millisecond)
		return s.Balance, nil
	}
	m.inv.watches = []watch[account, deposit]{{source: "slow", eval: slow}}
	press(t, m, ":")
	typeText(t, m, "5")
	press(t, m, "enter")
	cmd := m.plotSelected()
	for m.inv.job != nil && m.inv.job.reached < 64 {
		_, cmd = m.Update(cmd())
	}
	if s := screen(m); !strings.Contains(s, "plot slow: seq") || !strings.Contains(s, "(esc stops)") {
		t.Fatalf("the status bar does not show the plot going:\n%s", s)
	}
	press(t, m, "esc")
	drive(t, m, cmd)
	if m.inv.job != nil || m.chart != nil || m.events.cursor != 5 || !strings.Contains(m.status.text, "plot slow stopped at seq") {
		t.Fatalf("after esc: job %v, chart %v, seq %d, %q", m.inv.job, m.chart != nil, m.events.cursor, m.status.text)
	}
}

// End to end: select the balance in the state pane, p, and the chart
// comes once the stream is folded; → moves its cursor and enter goes
// there.
func TestEndToEndPlot(t *testing.T) {
	cfg := typedConfig(t, ledger(t, 200))
	cfg.Compile = compiler
	tm, _ := running(t, cfg)
	tm.Send(tea.KeyPressMsg{Code: ':', Text: ":"})
	tm.Type("100")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitUntil(t, tm, func(s snapshot) bool { return s.shown == 100 && !s.seeking })
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"}) // .Balance
	tm.Send(tea.KeyPressMsg{Code: 'p', Text: "p"})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("plot state.Balance · min 10 · max 201000 · seqs 1–200"))
	},
		teatest.WithDuration(10*time.Second))
	waitUntil(t, tm, func(s snapshot) bool { return s.chart == 100 })
	for range 3 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	// 200 seqs in 110 cells: a cell holds one seq or two, and → goes to
	// the first seq of the next, so none is skipped.
	waitUntil(t, tm, func(s snapshot) bool { return s.chart == 104 })
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitUntil(t, tm, func(s snapshot) bool { return s.chart == 0 && s.shown == 104 && !s.seeking })
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// A plot that finishes while the user looks at something else (here the
// bookmarks list) does not take the screen: the status says p shows it,
// and p then does, without folding the stream again.
func TestAPlotThatFinishesUnderAListWaitsForP(t *testing.T) {
	m := plotting(t, 30, 120, 35)
	selectPath(t, m, ".Balance")
	cmd := m.plotSelected()
	press(t, m, "B")
	drive(t, m, cmd)
	if m.chart != nil || m.listKindOf() != bookmarksList || !strings.Contains(m.status.text, "p shows it") {
		t.Fatalf("the plot took the screen: chart %v, list %v, %q", m.chart != nil, m.listKindOf(), m.status.text)
	}
	press(t, m, "esc")
	selectPath(t, m, ".Balance")
	if cmd := m.plotSelected(); cmd != nil || m.chart == nil || m.inv.job != nil {
		t.Fatalf("p did not show the finished plot: chart %v, command %v, job %v", m.chart != nil, cmd != nil, m.inv.job)
	}
}

// Bookmarks that change while the chart is open (checked, or saved by
// another debugger on the same log) show on it at once.
func TestTheChartShowsBookmarksThatChangeWhileItIsOpen(t *testing.T) {
	m := plotting(t, 30, 120, 35)
	selectPath(t, m, ".Balance")
	press(t, m, "p")
	if m.chart == nil || strings.Contains(screen(m), "◆ bookmark") {
		t.Fatalf("a chart without bookmarks: %v\n%s", m.chart != nil, screen(m))
	}
	drive(t, m, func() tea.Msg {
		return bookmarksMsg{stream: m.s.stream, marks: []Bookmark{{ID: "12", Seq: 12, Status: Usable}}}
	})
	if m.chart == nil || !strings.Contains(screen(m), "◆ bookmark") {
		t.Fatalf("the bookmark saved meanwhile is not on the chart:\n%s", screen(m))
	}
}
