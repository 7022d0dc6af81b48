package cli

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/replay"
)

type divergeCmd[S, E any] struct {
	filesArg
	streamFlag
	Against string `placeholder:"REDUCER" help:"The reducer to compare with --reduce (merge, patch, set or jq:PROGRAM). A program built on cli.Main compares its apply with the one it gave cli.WithAgainst instead."`
	Paths   int    `default:"3" placeholder:"N" help:"Show at most this many differing paths of each stream (--json lists them all)."`
	jsonFlag
}

func (c *divergeCmd[S, E]) Help() string {
	return `Folds every stream through two reducers at once, reading each event once,
and prints where their states first differ: the stream, the seq after
which they differ, its time and event, and each path whose value differs,
with the value under --reduce (or the program's apply) and under
--against. This is how to check that a new reducer agrees with the old one
over the history the old one folded, before switching.

Every stream is compared, in parallel on every core, unless --stream names
one. Streams that agree throughout are left out; a summary goes to standard
error. Exit status 1 when the two agree at every seq of every stream; a
stream that cannot be folded (a reducer fails) is reported there too, the
others are still answered, and the exit status is then 3.

To see the two states side by side at every seq, open the debugger with
--against REDUCER instead: ] goes to the next seq where they start to differ.

Examples:

    replaytui -r jq:@testdata/bank.jq diverge testdata/bank.jsonl --against jq:@testdata/bank-dedupe.jq
    replaytui diverge testdata/match.jsonl --against set
    replaytui diverge testdata/match.jsonl -s match-17 --against set --json`
}

// divergeAnswer is where one stream's two folds first differ.
type divergeAnswer struct {
	stream   replay.StreamKey
	diverged bool
	seq      replay.Seq
	time     time.Time
	summary  string
	diffs    []changes.Change
	err      error
}

func (c *divergeCmd[S, E]) Run(a *app[S, E]) error {
	against, left, right, err := c.applies(a)
	if err != nil {
		return err
	}
	if c.Paths < 1 {
		return usageError("--paths %d: show at least one path", c.Paths)
	}
	src, err := a.opened(c.Files)
	if err != nil {
		return err
	}
	defer src.Close()
	infos, err := src.infos(a.ctx)
	if err != nil {
		return err
	}
	if c.Stream != nil || c.global() {
		stream, err := a.chosen(src, c.streamFlag)
		if err != nil {
			return err
		}
		infos = []replay.StreamInfo{{Key: stream}}
	}
	if len(infos) == 0 {
		return notFound("the log has no events")
	}

	f := &fleet{ctx: a.ctx}
	apply := func(s S, ev replay.Event[E]) S {
		f.folded.Add(1) // once an event: both applies fold the one read
		return a.apply(s, ev)
	}
	compare := func(x, y S) []replay.Difference {
		var out []replay.Difference
		for _, ch := range a.cfg.diff(x, y) {
			d := replay.Difference{Path: ch.Path, A: ch.Old, B: ch.New}
			switch ch.Kind {
			case changes.Added:
				d.A = "<absent>"
			case changes.Removed:
				d.B = "<absent>"
			}
			out = append(out, d)
		}
		return out
	}
	answers := make([]divergeAnswer, len(infos))
	start := time.Now()
	stopProgress := f.showProgress(a.progress)
	f.each(infos, func(i int) {
		ans := divergeAnswer{stream: infos[i].Key}
		initialB := a.initial
		if a.cfg.clone != nil {
			// Each side its own copy, for applies that change their state
			// in place (WithClone).
			initialB = a.cfg.clone(a.initial)
		}
		d, ok, err := replay.FirstDivergence(f.ctx, src.log, ans.stream, apply, against, a.initial, initialB, compare)
		var side *replay.SideError
		switch {
		case errors.As(err, &side):
			// Name the failing side by its flag, not as apply A or B.
			ans.err = fmt.Errorf("%s: %w", c.sideName(a, side.Side), side.Err)
		case err != nil:
			ans.err = err
		case ok:
			ans.diverged, ans.seq, ans.time = true, d.Seq(), d.Event.Time
			if d.Seq() > 0 {
				ans.summary = a.cfg.summary(d.Event.Payload)
			}
			ans.diffs = changes.FromDifferences(d.Differences)
		}
		answers[i] = ans
	})
	stopProgress()
	took := time.Since(start)
	if err := a.ctx.Err(); err != nil {
		return err
	}
	slices.SortStableFunc(answers, func(x, y divergeAnswer) int { return strings.Compare(string(x.stream), string(y.stream)) })
	var failed []streamFailure
	diverged := 0
	for _, ans := range answers {
		switch {
		case ans.err != nil:
			failed = append(failed, streamFailure{ans.stream, ans.err})
		case ans.diverged:
			diverged++
		}
	}

	if c.JSON {
		err = c.printJSON(a, f, answers, failed)
	} else {
		err = c.printTable(a, left, right, answers)
	}
	if err != nil {
		return err
	}
	if err := report(a, f, failed, "differ in", "compared", diverged, len(infos), took); err != nil {
		return err
	}
	if diverged == 0 {
		if !c.JSON {
			fmt.Fprintf(a.errOut, "%s: %s and %s agree at every seq of every stream compared\n", a.cfg.name, c.leftFlag(a), c.rightFlag())
		}
		return silentFailure{}
	}
	return nil
}

// applies is the apply to compare with, and the names of the two sides:
// --reduce and --against for the replaytui binary, the program's apply
// and WithAgainst's for a program of its own.
func (c *divergeCmd[S, E]) applies(a *app[S, E]) (against replay.Apply[S, E], left, right string, err error) {
	switch {
	case c.Against != "" && a.cfg.reducer == nil:
		return nil, "", "", usageError("--against takes a reducer, which this program does not have; it compares its apply with the one it gave cli.WithAgainst")
	case c.Against != "":
		against, _, err := a.cfg.reducer(c.Against, a.guard)
		if err != nil {
			return nil, "", "", usageError("--against: %v", err)
		}
		return against, "reduce", "against", nil
	case a.cfg.against != nil && a.cfg.reducer != nil:
		return a.cfg.against, "reduce", "against", nil
	case a.cfg.against != nil:
		return a.cfg.against, "apply", "against", nil
	case a.cfg.reducer != nil:
		return nil, "", "", usageError("diverge needs --against REDUCER, the reducer to compare with --reduce")
	}
	return nil, "", "", usageError("diverge needs an apply to compare with: give it to cli.Main with cli.WithAgainst")
}

// leftName and rightName say what the two sides are: "--reduce merge",
// "--against set".
func (c *divergeCmd[S, E]) leftName(a *app[S, E]) string {
	if a.reduceFlag != nil {
		return "--reduce " + *a.reduceFlag
	}
	return "the program's apply"
}

// sideName names side "A" or "B" of replay.FirstDivergence.
func (c *divergeCmd[S, E]) sideName(a *app[S, E], side string) string {
	if side == "A" {
		return c.leftName(a)
	}
	return c.rightName()
}

// leftFlag and rightFlag name the two sides without their reducers,
// which may be long jq programs.
func (c *divergeCmd[S, E]) leftFlag(a *app[S, E]) string {
	if a.reduceFlag != nil {
		return "--reduce"
	}
	return "the program's apply"
}

func (c *divergeCmd[S, E]) rightFlag() string {
	if c.Against != "" {
		return "--against"
	}
	return "the apply given to WithAgainst"
}

func (c *divergeCmd[S, E]) rightName() string {
	if c.Against != "" {
		return "--against " + c.Against
	}
	return "the apply given to WithAgainst"
}

// printTable prints a row for each path that differs, at most --paths of
// them a stream, nothing when every stream agrees (standard error says so).
func (c *divergeCmd[S, E]) printTable(a *app[S, E], left, right string, answers []divergeAnswer) error {
	var table bytes.Buffer
	w := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	header := false
	for _, ans := range answers {
		if !ans.diverged {
			continue
		}
		if !header {
			fmt.Fprintf(w, "STREAM\tSEQ\tTIME\tEVENT\tPATH\t%s\t%s\n", strings.ToUpper(left), strings.ToUpper(right))
			header = true
		}
		event := cmp.Or(ans.summary, "-")
		if ans.seq == 0 {
			event = "(initial state)"
		}
		for i, ch := range ans.diffs {
			if i == c.Paths {
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\t… and %d more\t\t\n", streamName(ans.stream), ans.seq, formatTime(ans.time), cell(event), len(ans.diffs)-c.Paths)
				break
			}
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", streamName(ans.stream), ans.seq, formatTime(ans.time), cell(event), cell(ch.Path), cell(sideValue(ch.Old, ch.Kind == changes.Added)), cell(sideValue(ch.New, ch.Kind == changes.Removed)))
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	// The "… and N more" rows keep their empty cells, so that the rows
	// after them stay aligned, but not the spaces that pad them.
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(a.out, strings.TrimRight(line, " \n"))
	}
	return nil
}

// sideValue is one side's value in the table: "(absent)" when the path
// does not exist on that side.
func sideValue(v string, absent bool) string {
	if absent {
		return "(absent)"
	}
	return v
}

func (c *divergeCmd[S, E]) printJSON(a *app[S, E], f *fleet, answers []divergeAnswer, failed []streamFailure) error {
	type difference struct {
		Path  string `json:"path"`
		Left  any    `json:"left,omitempty"`
		Right any    `json:"right,omitempty"`
	}
	type divergence struct {
		Stream      string       `json:"stream"`
		Seq         replay.Seq   `json:"seq"`
		Time        any          `json:"time"`
		Summary     string       `json:"summary,omitempty"`
		Differences []difference `json:"differences"`
	}
	out := struct {
		Left        string       `json:"left"`
		Right       string       `json:"right"`
		Streams     int          `json:"streams"`
		Events      int64        `json:"events"`
		Divergences []divergence `json:"divergences"`
		Errors      []jsonError  `json:"errors"`
	}{Left: c.leftName(a), Right: c.rightName(), Streams: len(answers), Events: f.folded.Load(), Divergences: []divergence{}, Errors: jsonErrors(failed)}
	for _, ans := range answers {
		if !ans.diverged {
			continue
		}
		d := divergence{Stream: jsonStream(ans.stream), Seq: ans.seq, Time: jsonTime(ans.time), Summary: ans.summary, Differences: []difference{}}
		for _, ch := range ans.diffs {
			m := a.jsonChange(ch)
			d.Differences = append(d.Differences, difference{Path: ch.Path, Left: m["old"], Right: m["new"]})
		}
		out.Divergences = append(out.Divergences, d)
	}
	return a.printJSON(out)
}
