package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/internal/chart"
	"github.com/replaytui/replaytui/replay"
)

// plotted is a value computed at every seq of the stream, for the chart.
type plotted struct {
	source string // the expression plotted
	cond   string // the condition whose hits are marked, if any
	// the series, and the seqs where the expression failed (gaps, like
	// non-numbers)
	chart.Sampler
	// condErr is the first failure of the condition, if it failed: its
	// hits are then missing from the chart, and the chart says why.
	condErr    error
	condErrSeq replay.Seq
}

// plot folds the stream once, from its start, evaluating eval after
// every event (a watch's evaluator, or a state path made into one) and
// hit, when set, the condition whose seqs are marked. The series keeps
// at most chart.DefaultBuckets buckets of min/max, whatever the length
// of the stream. It runs as a job: progress in the status bar, esc
// stops it and leaves the selection where it is.
func (in *investigator[S, E]) plot(ctx context.Context, tl *replay.Timeline[S, E], source string, eval Evaluator[S, E], cond string, hit Evaluator[S, E]) tea.Cmd {
	cmd := in.start(ctx, "plot "+source, 0, func(ctx context.Context, progress func(replay.Seq)) jobMsg {
		p := &plotted{source: source, cond: cond, Sampler: chart.Sampler{Series: chart.NewSeries(0)}}
		record := func(s S, ev replay.Event[E]) (bool, error) {
			v, err := eval(s, ev)
			p.Take(uint64(ev.Seq), v, err)
			if hit != nil {
				h, err := hit(s, ev)
				switch {
				case err != nil && p.condErr == nil:
					p.condErr, p.condErrSeq = err, ev.Seq
				case err == nil && h == true:
					p.Series.Hit(uint64(ev.Seq))
				}
			}
			return false, nil // never stop: every seq is wanted
		}
		_, _, cost, err := tl.Continue(ctx, 0, record, progress)
		if err != nil {
			return jobMsg{err: err}
		}
		msg := jobMsg{plot: p}
		last := p.Series.Last()
		switch n := p.Series.Numbers(); {
		case last == 0:
			msg.message = "the stream has no events to plot"
		case n == 0 && p.Err != nil:
			msg.message = fmt.Sprintf("%s is not a number at any seq (1–%d); at seq %d: %v", source, last, p.ErrSeq, p.Err)
		case n == 0:
			msg.message = fmt.Sprintf("%s is not a number at any seq (1–%d)", source, last)
		case uint64(n) == last:
			msg.message = fmt.Sprintf("plot of %s over %s (folded in %s)", source, plural(int(last), "seq"), cost.Took.Round(time.Millisecond))
		default:
			msg.message = fmt.Sprintf("plot of %s over %s, %d with no number (folded in %s)", source, plural(int(last), "seq"), last-uint64(n), cost.Took.Round(time.Millisecond))
		}
		return msg
	})
	in.job.keepSeq = true
	return cmd
}

// pathExpr is the expression of a state path as the state pane writes
// it (.a.b[2], .["odd key"]): state.a.b[2], state["odd key"].
func pathExpr(path string) string {
	if path == "" || path == "." {
		return "state"
	}
	return "state" + path
}

// plotSelected plots the value under the state pane's cursor when the
// state pane has the focus, else the first watch.
func (m *Model[S, E]) plotSelected() tea.Cmd {
	if m.c.cfg.Compile == nil {
		m.status.fail(errors.New("this debugger has no expressions to plot"))
		return nil
	}
	if m.focus == paneState {
		sel := m.state.selected()
		if sel == nil {
			return nil
		}
		source := pathExpr(sel.Path)
		eval, err := m.c.cfg.Compile(source)
		if err != nil {
			m.status.fail(fmt.Errorf("plot %s: %w", sel.Path, err))
			return nil
		}
		return m.startPlot(source, eval)
	}
	if len(m.inv.watches) == 0 {
		m.say("p plots the value under the cursor in the state pane (tab to it), or the first watch (w adds one)")
		return nil
	}
	return m.plotWatch(0)
}

// plotWatch plots watch i.
func (m *Model[S, E]) plotWatch(i int) tea.Cmd {
	w := m.inv.watches[i]
	return m.startPlot(w.source, w.eval)
}

// startPlot computes the series in the background, marking where the
// last condition (of c, C or F) holds.
func (m *Model[S, E]) startPlot(source string, eval Evaluator[S, E]) tea.Cmd {
	var hit Evaluator[S, E]
	cond := m.inv.lastCond
	if cond != "" {
		if h, err := m.c.cfg.Compile(cond); err == nil {
			hit = h
		} else {
			cond = ""
		}
	}
	if p := m.s.plotted; p != nil && p.source == source && p.cond == cond {
		m.s.plotted = nil
		m.openChart(p) // it finished while something else was on screen
		return nil
	}
	return m.inv.plot(m.s.ctx, m.s.tl, source, eval, cond, hit)
}

// openChart shows a series, its cursor at the selected seq.
func (m *Model[S, E]) openChart(p *plotted) {
	last := p.Series.Last()
	m.chart = &chartView{theme: m.c.theme, plot: p, cursor: max(1, min(uint64(m.events.cursor), last)), bookmarks: chartMarks(m.s.marks)}
	m.chart.SetSize(m.width, m.bodyHeight())
}

// chartMarks are the seqs of marks, as the chart shows them.
func chartMarks(marks []Bookmark) []uint64 {
	seqs := make([]uint64, 0, len(marks))
	for _, b := range marks {
		seqs = append(seqs, uint64(b.Seq))
	}
	return seqs
}

// onChartKey moves the chart's cursor; enter goes to its seq.
func (m *Model[S, E]) onChartKey(msg tea.KeyPressMsg) tea.Cmd {
	k, c := m.c.keys, m.chart
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Quit), key.Matches(msg, k.Plot):
		m.chart = nil
	case key.Matches(msg, k.Enter):
		m.chart = nil
		m.say(fmt.Sprintf("went to seq %d from the plot of %s", c.cursor, c.plot.source))
		return m.seekTo(replay.Seq(c.cursor))
	case key.Matches(msg, k.Next), key.Matches(msg, k.Down):
		c.move(1)
	case key.Matches(msg, k.Prev), key.Matches(msg, k.Up):
		c.move(-1)
	case key.Matches(msg, k.PageDown):
		c.move(10)
	case key.Matches(msg, k.PageUp):
		c.move(-10)
	case key.Matches(msg, k.First):
		c.cursor = 1
		c.layOut()
	case key.Matches(msg, k.Last):
		c.cursor = c.plot.Series.Last()
		c.layOut()
	}
	return nil
}

// chartView is the overlay that shows a value over the stream's seqs,
// with a cursor of its own.
type chartView struct {
	*theme
	width, height int
	plot          *plotted
	cursor        uint64
	bookmarks     []uint64
	lines         []string // laid out when something changes
	title         string
}

func (c *chartView) SetSize(w, h int) {
	c.width, c.height = w, h
	c.layOut()
}

func (c *chartView) options() chart.Options {
	// Inside the box, under a line that says where the cursor is (the
	// keys are in the footer).
	return chart.Options{Width: max(c.width-2, 1), Height: max(c.height-3, 4), Cursor: c.cursor, Bookmarks: c.bookmarks}
}

// move moves the cursor by columns of the plot.
func (c *chartView) move(columns int) {
	c.cursor = chart.Step(c.plot.Series, c.options(), c.cursor, columns)
	c.layOut()
}

// layOut draws the chart at its size.
func (c *chartView) layOut() {
	st, p := c.st, c.plot
	s := p.Series
	lo, hi, _ := s.Range()
	c.title = fmt.Sprintf("plot %s · min %s · max %s · seqs 1–%d", p.source, chart.FormatNumber(lo), chart.FormatNumber(hi), s.Last())
	where := fmt.Sprintf("seq %d: ", c.cursor)
	switch vlo, vhi, ok := s.At(c.cursor); {
	case !ok:
		where += "no number"
	case vlo == vhi:
		where += chart.FormatNumber(vlo)
	default:
		where += fmt.Sprintf("%s … %s (about here)", chart.FormatNumber(vlo), chart.FormatNumber(vhi))
	}
	legend := ""
	if len(c.bookmarks) > 0 {
		legend += " · " + chart.BookmarkMark + " bookmark"
	}
	if p.cond != "" {
		legend += " · " + chart.HitMark + " " + p.cond
		if p.condErr != nil {
			legend += fmt.Sprintf(" (failed at seq %d: %v)", p.condErrSeq, p.condErr)
		}
	}
	if p.Failed > 0 {
		legend += fmt.Sprintf(" · failed at %s, first at seq %d: %v", plural(p.Failed, "seq"), p.ErrSeq, p.Err)
	}
	c.lines = []string{st.seq.Render(clean(where)) + st.dim.Render(clean(legend))}
	for _, line := range strings.Split(chart.Render(s, c.options()), "\n") {
		c.lines = append(c.lines, c.colour(line))
	}
}

// colour styles a line of the chart: the line itself in the accent, the
// cursor and bookmarks as seqs are, the condition's hits as changes.
func (c *chartView) colour(line string) string {
	st := c.st
	var out strings.Builder
	run := []rune(line)
	for i := 0; i < len(run); {
		r := run[i]
		switch {
		case r >= 0x2800 && r <= 0x28ff:
			j := i
			for j < len(run) && run[j] >= 0x2800 && run[j] <= 0x28ff {
				j++
			}
			out.WriteString(st.title.UnsetBold().Render(string(run[i:j])))
			i = j
			continue
		case r == '┊' || r == '┴' || string(r) == chart.BookmarkMark:
			out.WriteString(st.seq.Render(string(r)))
		case string(r) == chart.HitMark:
			out.WriteString(st.changed.Render(string(r)))
		default:
			out.WriteRune(r)
		}
		i++
	}
	return out.String()
}

func (c *chartView) View() string {
	return box(c.st, clean(c.title), c.lines, c.width, c.height, true)
}
