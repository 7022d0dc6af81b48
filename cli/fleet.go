package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/replaytui/replaytui/internal/words"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

// A fleet runs one command over every stream of a log: a bounded pool of
// GOMAXPROCS workers, each folding whole streams from the index, so the
// file's events are read once in all, each stream by one worker. find and
// blame without --stream run on it.

// fleet is the pool, and what it counts for the progress line and the
// summary.
type fleet struct {
	ctx context.Context
	// progress, when set, is told each time a stream is answered; it may
	// be called from several goroutines at once.
	progress func(done, total int)

	// done and folded count the streams answered and the events applied,
	// and total the streams to answer.
	done, folded, total atomic.Int64
}

// streamFailure is a stream that could not be answered.
type streamFailure struct {
	stream replay.StreamKey
	err    error
}

// fleetMatch is one seq of one stream where the condition holds, with the
// values the condition looked at there.
type fleetMatch struct {
	Stream  replay.StreamKey
	Seq     replay.Seq
	Time    time.Time
	Summary string
	Values  []any // one per path of fleetSearch.paths
}

// fleetAnswer is what searching one stream found.
type fleetAnswer struct {
	stream  replay.StreamKey
	matches []fleetMatch
	err     error
}

// fleetSearch is one find over every stream.
type fleetSearch[S, E any] struct {
	fleet
	a      *app[S, E]
	src    *source[S, E]
	cond   *condition[S, E]
	all    bool // every seq, not just the first
	bisect bool
	// paths are the values the condition names, and values their
	// programs, to show beside each match.
	paths  []string
	values []*condition[S, E]
}

// fleetFound is what a fleet search found.
type fleetFound struct {
	streams int          // the streams searched
	matched int          // the streams where the condition holds
	matches []fleetMatch // in the order of the streams
	failed  []streamFailure
}

// newFleetSearch prepares a search of every stream for where cond holds,
// until ctx ends: find without -s, and f in the debugger.
func newFleetSearch[S, E any](ctx context.Context, a *app[S, E], src *source[S, E], cond *condition[S, E]) (*fleetSearch[S, E], error) {
	f := &fleetSearch[S, E]{fleet: fleet{ctx: ctx}, a: a, src: src, cond: cond, paths: lookedAt(cond.source)}
	for _, p := range f.paths {
		v, err := compileCondition(a.cfg, p, false)
		if err != nil {
			return nil, err
		}
		f.values = append(f.values, v)
	}
	return f, nil
}

// run searches every stream of the log.
func (f *fleetSearch[S, E]) run() (fleetFound, error) {
	infos, err := f.src.infos(f.ctx)
	if err != nil {
		return fleetFound{}, err
	}
	answers := make([]fleetAnswer, len(infos))
	f.each(infos, func(i int) { answers[i] = f.searchStream(infos[i].Key) })
	if err := f.ctx.Err(); err != nil {
		return fleetFound{}, err
	}
	found := fleetFound{streams: len(infos)}
	for _, ans := range answers {
		if ans.err != nil {
			found.failed = append(found.failed, streamFailure{ans.stream, ans.err})
			continue
		}
		if len(ans.matches) > 0 {
			found.matched++
		}
		found.matches = append(found.matches, ans.matches...)
	}
	return found, nil
}

// runFleet answers find over every stream of the log.
func (c *findCmd[S, E]) runFleet(a *app[S, E], src *source[S, E], cond *condition[S, E]) error {
	if c.Bisect && c.All {
		return usageError("--bisect finds one seq; --all lists them by folding everything")
	}
	f, err := newFleetSearch(a.ctx, a, src, cond)
	if err != nil {
		return err
	}
	f.all, f.bisect = c.All, c.Bisect

	start := time.Now()
	stopProgress := f.showProgress(a.progress)
	found, err := f.run()
	stopProgress()
	took := time.Since(start)
	if err != nil {
		return err
	}
	if found.streams == 0 {
		return notFound("the log has no events")
	}
	matches, failed, matched := found.matches, found.failed, found.matched
	sortMatches(matches, c.Sort)

	if c.JSON {
		err = f.printJSON(c.Where, matches, failed, found.streams)
	} else {
		err = f.printTable(matches)
	}
	if err != nil {
		return err
	}
	if err := report(a, &f.fleet, failed, "found in", "searched", matched, found.streams, took); err != nil {
		return err
	}
	if matched == 0 {
		if !c.JSON {
			fmt.Fprintf(a.errOut, "%s: %q holds at no seq of any stream\n", a.cfg.name, c.Where)
		}
		return silentFailure{}
	}
	return nil
}

// findAll is find over every stream for the debugger (f): the first seq
// of each stream where the condition holds, by stream.
func (a *app[S, E]) findAll(ctx context.Context, src *source[S, E], where string, progress func(done, total int)) (tui.FoundAll, error) {
	cond, err := compileCondition(a.cfg, where, true)
	if err != nil {
		return tui.FoundAll{}, err
	}
	f, err := newFleetSearch(ctx, a, src, cond)
	if err != nil {
		return tui.FoundAll{}, err
	}
	f.progress = progress
	found, err := f.run()
	if err != nil {
		return tui.FoundAll{}, err
	}
	sortMatches(found.matches, "stream")
	out := tui.FoundAll{Streams: found.streams}
	for _, m := range found.matches {
		fm := tui.FoundMatch{Stream: m.Stream, Seq: m.Seq, Time: m.Time}
		for i, v := range m.Values {
			fm.Values = append(fm.Values, tui.NamedValue{Name: f.paths[i], Value: valueText(v)})
		}
		out.Matches = append(out.Matches, fm)
	}
	for _, ans := range found.failed {
		out.Failed = append(out.Failed, tui.StreamFailure{Stream: ans.stream, Err: ans.err})
	}
	return out, nil
}

// each calls answer(i) for every stream, the i-th of infos, on
// GOMAXPROCS workers, until ctx ends.
func (f *fleet) each(infos []replay.StreamInfo, answer func(i int)) {
	f.total.Store(int64(len(infos)))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(infos)) {
		wg.Go(func() {
			for i := range next {
				answer(i)
				done := f.done.Add(1)
				if f.progress != nil {
					f.progress(int(done), len(infos))
				}
			}
		})
	}
	for i := range infos {
		if f.ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}

// report tells standard error which streams failed and how many were
// answered ("found in 2 of 5 streams"), and returns exit status 3 when
// one failed ("could not be searched").
func report[S, E any](a *app[S, E], f *fleet, failed []streamFailure, answered, notAnswered string, n, streams int, took time.Duration) error {
	const most = 10 // a reducer that fails fails on every stream alike
	for i, ans := range failed {
		if i == most {
			fmt.Fprintf(a.errOut, "  … and %s more (--json lists them all)\n", thousands(len(failed)-most))
			break
		}
		fmt.Fprintf(a.errOut, "%s: stream %s: %v\n", a.cfg.name, describeStream(ans.stream), ans.err)
	}
	fmt.Fprintf(a.errOut, "%s %s of %s streams; %s events folded in %.1f s\n", answered, thousands(n), thousands(streams), thousands(int(f.folded.Load())), took.Seconds())
	if len(failed) > 0 {
		return &exitError{exitBadInput, fmt.Errorf("%s of %s streams could not be %s (see above)", thousands(len(failed)), thousands(streams), notAnswered)}
	}
	return nil
}

// jsonError is a stream that failed, in --json output.
type jsonError struct {
	Stream string `json:"stream"`
	Error  string `json:"error"`
}

func jsonErrors(failed []streamFailure) []jsonError {
	out := []jsonError{}
	for _, ans := range failed {
		out = append(out, jsonError{Stream: jsonStream(ans.stream), Error: ans.err.Error()})
	}
	return out
}

// searchStream finds where the condition holds in one stream: the first
// seq (or every seq with --all) by a fold, or the first by bisection.
func (f *fleetSearch[S, E]) searchStream(stream replay.StreamKey) fleetAnswer {
	if f.bisect {
		return f.bisectStream(stream)
	}
	ans := fleetAnswer{stream: stream}
	for step, err := range replay.Fold(f.ctx, f.src.log, stream, f.a.apply, f.a.initial) {
		if err != nil {
			ans.err = err
			return ans
		}
		f.folded.Add(1)
		ok, err := f.cond.holds(step.State, step.Event)
		if err != nil {
			ans.err = fmt.Errorf("seq %d: %w", step.Event.Seq, err)
			return ans
		}
		if !ok {
			continue
		}
		ans.matches = append(ans.matches, f.match(step.State, step.Event))
		if !f.all {
			break
		}
	}
	return ans
}

// bisectStream finds the first seq where the condition holds by
// bisection; a stream where it does not hold at the end has no match.
func (f *fleetSearch[S, E]) bisectStream(stream replay.StreamKey) fleetAnswer {
	ans := fleetAnswer{stream: stream}
	last, err := replay.LastSeq(f.ctx, f.src.log, stream)
	if err != nil {
		ans.err = err
		return ans
	}
	tl, err := replay.NewTimeline(f.src.log, stream, f.a.apply, f.a.initial, replay.TimelineOptions[S]{Clone: f.a.cfg.clone})
	if err != nil {
		ans.err = err
		return ans
	}
	seq, cost, err := tl.Bisect(f.ctx, 0, last, func(s S, ev replay.Event[E]) (bool, error) { return f.cond.holds(s, ev) })
	f.folded.Add(int64(cost.Folded))
	if errors.Is(err, replay.ErrConditionNeverHolds) {
		return ans
	}
	if err != nil {
		ans.err = err
		return ans
	}
	state, _, err := tl.Seek(f.ctx, seq)
	if err != nil {
		ans.err = err
		return ans
	}
	ev, err := f.src.log.Read(f.ctx, stream, seq, 1)
	switch {
	case err != nil:
		ans.err = fmt.Errorf("reading seq %d: %w", seq, err)
		return ans
	case len(ev) != 1:
		ans.err = fmt.Errorf("seq %d, where bisect stopped, is not in the stream", seq)
		return ans
	}
	ans.matches = []fleetMatch{f.match(state, ev[0])}
	return ans
}

// match describes a seq where the condition holds, with the values it
// looked at; a value it cannot compute there is nil.
func (f *fleetSearch[S, E]) match(state S, ev replay.Event[E]) fleetMatch {
	m := fleetMatch{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Summary: f.a.cfg.summary(ev.Payload)}
	for _, v := range f.values {
		out, err := v.eval(state, ev)
		if err != nil {
			out = nil
		}
		m.Values = append(m.Values, jsonv.ToPlain(out))
	}
	return m
}

// sortMatches orders matches by stream (then seq), or by time (then
// stream and seq) for --sort time.
func sortMatches(ms []fleetMatch, by string) {
	slices.SortStableFunc(ms, func(x, y fleetMatch) int {
		if by == "time" {
			if c := x.Time.Compare(y.Time); c != 0 {
				return c
			}
		}
		return cmp.Or(strings.Compare(string(x.Stream), string(y.Stream)), cmp.Compare(x.Seq, y.Seq))
	})
}

// printTable prints the matches, nothing when there are none (standard
// error says so).
func (f *fleetSearch[S, E]) printTable(ms []fleetMatch) error {
	if len(ms) == 0 {
		return nil
	}
	w := tabwriter.NewWriter(f.a.out, 0, 4, 2, ' ', 0)
	fmt.Fprint(w, "STREAM\tSEQ\tTIME\tEVENT")
	for _, p := range f.paths {
		fmt.Fprintf(w, "\t%s", cell(p))
	}
	fmt.Fprintln(w)
	for _, m := range ms {
		summary := cmp.Or(m.Summary, "-")
		fmt.Fprintf(w, "%s\t%d%s\t%s\t%s", streamName(m.Stream), m.Seq, f.src.idOf(f.a.ctx, m.Stream, m.Seq), formatTime(m.Time), cell(summary))
		for _, v := range m.Values {
			fmt.Fprintf(w, "\t%s", cell(valueText(v)))
		}
		fmt.Fprintln(w)
	}
	return w.Flush()
}

// valueText shows a value as compact JSON: strings quoted, so that "1"
// and 1, or "" and a missing value (null), read differently.
func valueText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func (f *fleetSearch[S, E]) printJSON(where string, ms []fleetMatch, failed []streamFailure, streams int) error {
	type jsonMatch struct {
		Stream  replay.StreamKey `json:"stream"`
		Seq     replay.Seq       `json:"seq"`
		Time    any              `json:"time"`
		Summary string           `json:"summary,omitempty"`
		Values  map[string]any   `json:"values"`
	}
	out := struct {
		Where   string      `json:"where"`
		Streams int         `json:"streams"`
		Events  int64       `json:"events"`
		Matches []jsonMatch `json:"matches"`
		Errors  []jsonError `json:"errors"`
	}{Where: where, Streams: streams, Events: f.folded.Load(), Matches: []jsonMatch{}, Errors: jsonErrors(failed)}
	for _, m := range ms {
		jm := jsonMatch{Stream: m.Stream, Seq: m.Seq, Time: jsonTime(m.Time), Summary: m.Summary, Values: map[string]any{}}
		for i, p := range f.paths {
			jm.Values[p] = m.Values[i]
		}
		out.Matches = append(out.Matches, jm)
	}
	return f.a.printJSON(out)
}

// showProgress keeps a line on a terminal's standard error (w, nil off a
// terminal) saying how far the fleet has got, until the returned function
// is called, which clears it.
func (f *fleet) showProgress(w io.Writer) (stop func()) {
	if w == nil {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				io.WriteString(w, "\r\x1b[K")
				return
			case <-tick.C:
				fmt.Fprintf(w, "\r\x1b[K%s of %s streams, %s events folded", thousands(int(f.done.Load())), thousands(int(f.total.Load())), thousands(int(f.folded.Load())))
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// lookedAt lists the values an expression reads from state and event:
// the paths it names (state.balance, event.expect.balance), each the
// longest it names (not event.expect as well), in the order they come.
func lookedAt(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var paths []string
	ast.Walk(&tree.Node, pathCollector{&paths})
	var longest []string
	for i, p := range paths {
		if slices.Contains(paths[:i], p) {
			continue
		}
		inner := slices.ContainsFunc(paths, func(q string) bool {
			return len(q) > len(p) && strings.HasPrefix(q, p) && (q[len(p)] == '.' || q[len(p)] == '[')
		})
		if !inner {
			longest = append(longest, p)
		}
	}
	return longest
}

type pathCollector struct{ paths *[]string }

func (c pathCollector) Visit(node *ast.Node) {
	if isPath(*node) {
		*c.paths = append(*c.paths, (*node).String())
	}
}

// isPath reports whether n is state or event, or a member of one by a
// constant name or index.
func isPath(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value == "state" || n.Value == "event"
	case *ast.MemberNode:
		switch n.Property.(type) {
		case *ast.StringNode, *ast.IntegerNode:
			return !n.Method && isPath(n.Node)
		}
	}
	return false
}

// thousands writes n with commas between groups of three digits: 1,229.
var thousands = words.Thousands
