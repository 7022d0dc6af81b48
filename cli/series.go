package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/replaytui/replaytui/internal/chart"
	"github.com/replaytui/replaytui/replay"
)

type seriesCmd[S, E any] struct {
	// The value comes after the log files, after a flag or not ("series
	// LOG -s STREAM .balance", "series LOG .balance -s STREAM"): kong
	// lets no argument follow a list of them, so the first file is an
	// argument of its own and the value is the last of the rest (with
	// --pg, the only argument).
	Log  string   `arg:"" name:"log" predictor:"file" help:"The log file (JSON Lines; .gz and .zst too; - for standard input); with --pg, leave it out."`
	Rest []string `arg:"" optional:"" name:"path-or-expr" help:"More log files, read as one log with the first, then the value: a state path (.balance, .players.ana.hp; typed states .Field) or an expression over state and event (state.balance / 100)."`
	streamFlag
	Where  string `placeholder:"EXPR" help:"Mark the seqs where this condition holds (•) under the text chart."`
	Width  int    `default:"80" help:"Width of the text chart, in columns."`
	Height int    `default:"16" help:"Height of the text chart, in lines."`
	JSON   bool   `help:"Print the series as JSON: an array of {seq, value}, value null where it is not a number." xor:"format"`
	CSV    bool   `help:"Print the series as CSV: a seq,value header, then a line a seq, value empty where it is not a number." xor:"format"`
}

func (c *seriesCmd[S, E]) Help() string {
	return `Folds a stream once and takes a value at every seq: a state path or an
expression. Where it is not a number (missing, a string, an error) the
series has a gap. Prints a text chart, or the series itself as --json or
--csv. Exit status 1 when the value is a number at no seq.

Examples:

    replaytui -r jq:@testdata/bank.jq series testdata/bank.jsonl -s acct-bob .balance
    replaytui -r jq:@testdata/bank.jq series testdata/bank.jsonl -s acct-bob .balance --csv
    replaytui series testdata/match.jsonl -s match-17 'state.players.ana.hp' --where 'event.type == "hit"'`
}

// valueExpr is the expression of a value given as a state path (.a.b[2],
// .["odd key"]) or already as an expression.
func valueExpr(value string) string {
	switch {
	case value == ".":
		return "state"
	case strings.HasPrefix(value, "."), strings.HasPrefix(value, "["):
		return "state" + value
	}
	return value
}

func (c *seriesCmd[S, E]) Run(a *app[S, E]) error {
	args := append([]string{c.Log}, c.Rest...)
	files, value := args[:len(args)-1], args[len(args)-1] // none with --pg
	if c.Width < 20 || c.Height < 6 {
		return usageError("--width must be at least 20 and --height at least 6")
	}
	eval, err := compileCondition(a.cfg, valueExpr(value), false)
	if err != nil {
		return err
	}
	var where *condition[S, E]
	if c.Where != "" {
		if where, err = compileCondition(a.cfg, c.Where, true); err != nil {
			return err
		}
	}
	src, stream, err := a.openedStream(files, c.streamFlag)
	if err != nil {
		return err
	}
	defer src.Close()

	// The series is written as it is folded, a seq at a time; the text
	// chart keeps at most chart.DefaultBuckets buckets.
	series := chart.NewSeries(0)
	var rows *csv.Writer
	switch {
	case c.CSV:
		rows = csv.NewWriter(a.out)
		rows.Write([]string{"seq", "value"})
	case c.JSON:
		fmt.Fprint(a.jsonOut, "[")
	}
	sample := chart.Sampler{Series: series}
	first := true // the first row of --json
	for step, err := range replay.Fold(a.ctx, src.log, stream, a.apply, a.initial) {
		if err != nil {
			return err
		}
		seq := step.Event.Seq
		v, err := eval.eval(step.State, step.Event)
		f, ok := sample.Take(uint64(seq), v, err)
		if where != nil {
			if h, err := where.holds(step.State, step.Event); err == nil && h {
				series.Hit(uint64(seq))
			}
		}
		switch {
		case c.CSV:
			text := ""
			if ok {
				text = strconv.FormatFloat(f, 'g', -1, 64)
			}
			rows.Write([]string{strconv.FormatUint(uint64(seq), 10), text})
		case c.JSON:
			sep := ",\n"
			if first {
				sep, first = "\n", false
			}
			var value any
			if ok {
				value = f
			}
			row, _ := json.Marshal(struct {
				Seq   replay.Seq `json:"seq"`
				Value any        `json:"value"`
			}{seq, value})
			fmt.Fprintf(a.jsonOut, "%s  %s", sep, row)
		}
	}
	switch {
	case c.CSV:
		rows.Flush()
		if err := rows.Error(); err != nil {
			return err
		}
	case c.JSON:
		fmt.Fprint(a.jsonOut, "\n]\n")
	}
	if sample.Failed > 0 {
		fmt.Fprintf(a.errOut, "%s: %s failed at %d of %d seqs, first at seq %d: %v\n", a.cfg.name, value, sample.Failed, series.Last(), sample.ErrSeq, sample.Err)
	}
	lo, hi, ok := series.Range()
	if !ok {
		fmt.Fprintf(a.errOut, "%s: %s is not a number at any seq of stream %s (1–%d)\n", a.cfg.name, value, describeStream(stream), series.Last())
		return silentFailure{}
	}
	if c.CSV || c.JSON {
		return nil
	}
	minSeq, maxSeq := series.Where()
	fmt.Fprintf(a.out, "%s · stream %s · seqs 1–%d · min %s (seq %d) · max %s (seq %d)", value, stream, series.Last(), chart.FormatNumber(lo), minSeq, chart.FormatNumber(hi), maxSeq)
	if gaps := int(series.Last()) - series.Numbers(); gaps > 0 {
		fmt.Fprintf(a.out, " · no number at %d", gaps)
	}
	if where != nil {
		fmt.Fprintf(a.out, " · %s %s", chart.HitMark, c.Where)
	}
	fmt.Fprintln(a.out)
	for _, line := range strings.Split(chart.Render(series, chart.Options{Width: c.Width, Height: c.Height}), "\n") {
		fmt.Fprintln(a.out, strings.TrimRight(line, " "))
	}
	return nil
}
