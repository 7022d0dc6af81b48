package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/replaytui/replaytui/internal/termtext"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/tui"
)

// filesArg is the log files every command reads.
type filesArg struct {
	Files []string `arg:"" optional:"" name:"file" predictor:"file" help:"Log files (JSON Lines; .gz and .zst too; - for standard input), read as one log in order; or --pg."`
}

type streamFlag struct {
	Stream *string `short:"s" predictor:"stream" help:"The stream to use; may be left out when the log has only one."`
}

type jsonFlag struct {
	JSON bool `help:"Print JSON, for scripts."`
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func jsonTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.RFC3339Nano)
}

func (a *app[S, E]) printJSON(v any) error {
	enc := json.NewEncoder(a.jsonOut)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// warn reports what indexing skipped or found cut, so that nothing is
// dropped unseen.
func (a *app[S, E]) warn(src *source[S, E]) {
	if src.files == nil {
		return
	}
	st := src.files.Stats()
	if st.Skipped > 0 || st.Renumbered > 0 {
		fmt.Fprintf(a.errOut, "%s: warning: --skip-bad skipped %d lines and renumbered %d:\n", a.cfg.name, st.Skipped, st.Renumbered)
		for i, p := range st.Problems {
			if i == 5 {
				fmt.Fprintf(a.errOut, "  … and %d more (see the verify command)\n", st.Skipped+st.Renumbered-5)
				break
			}
			fmt.Fprintf(a.errOut, "  %v\n", &p)
		}
	}
	if st.Truncated != nil {
		fmt.Fprintf(a.errOut, "%s: warning: %v\n", a.cfg.name, st.Truncated)
	}
}

// opened opens the files, waits for the index and reports problems.
func (a *app[S, E]) opened(files []string) (*source[S, E], error) {
	src, err := a.open(files)
	if err != nil {
		return nil, err
	}
	if err := src.wait(a.ctx); err != nil {
		src.Close()
		return nil, err
	}
	a.warn(src)
	return src, nil
}

// ---- streams

type streamsCmd[S, E any] struct {
	filesArg
	jsonFlag
}

func (c *streamsCmd[S, E]) Help() string {
	return "Example:\n\n    replaytui streams testdata/bank.jsonl"
}

func (c *streamsCmd[S, E]) Run(a *app[S, E]) error {
	src, err := a.opened(c.Files)
	if err != nil {
		return err
	}
	defer src.Close()
	infos, err := src.infos(a.ctx)
	if err != nil {
		return err
	}
	if c.JSON {
		out := make([]map[string]any, len(infos))
		for i, info := range infos {
			out[i] = map[string]any{"stream": info.Key, "events": info.Events, "first": jsonTime(info.First), "last": jsonTime(info.Last)}
		}
		return a.printJSON(out)
	}
	w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STREAM\tEVENTS\tFIRST\tLAST")
	for _, info := range infos {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", streamName(info.Key), info.Events, formatTime(info.First), formatTime(info.Last))
	}
	return w.Flush()
}

func streamName(k replay.StreamKey) string {
	if k == "" {
		return `""`
	}
	return cell(string(k))
}

// cell shows text from a log in one cell of a table. The writer escapes
// what could drive the terminal anyway; a cell also escapes the tabs and
// newlines the writer keeps for the layout, which in a stream name or an
// event type would fake another cell or row.
func cell(s string) string { return termtext.Clean(s) }

// ---- state

type stateCmd[S, E any] struct {
	filesArg
	streamFlag
	At     *replay.Seq `placeholder:"SEQ" help:"Show the state after this seq (default: the last); 0 is the initial state, before the first event."`
	AtTime string      `placeholder:"TIME" help:"Show the state after the last event at or before this time (RFC 3339 or a date)." xor:"at"`
	jsonFlag
}

func (c *stateCmd[S, E]) Help() string {
	return `Examples:

    replaytui state testdata/bank.jsonl --stream acct-alice
    replaytui state testdata/bank.jsonl --stream acct-alice --at 3 --json
    replaytui state testdata/bank.jsonl --stream acct-alice --at 0    (the initial state)
    replaytui state testdata/bank.jsonl -s acct-alice --at-time 2026-05-30`
}

func (c *stateCmd[S, E]) Run(a *app[S, E]) error {
	// A batch job that allocates briskly and keeps little: collecting
	// garbage half as often costs some memory and saves a tenth of the
	// time of a large fold.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	whole := c.At == nil && c.AtTime == ""
	acc := a.accumulator()
	prepare := a.prepare(acc)
	src, err := a.openWith(c.Files, jsonl.Options{
		// The final state of a stream is computed while the log is
		// indexed, in one pass: the log parses the stream ahead.
		ReadAheadFirst: whole && c.Stream == nil,
		Prepare:        prepare,
	})
	if err != nil {
		return err
	}
	defer src.Close()
	// Which streams the log has is known, and checked, only once that
	// pass is over.
	stream, err := src.guessStream(a.ctx, c.Stream)
	if err != nil {
		// A log with no events may be one whose every line was skipped:
		// say so before saying it is empty.
		if werr := src.wait(a.ctx); werr == nil {
			a.warn(src)
		}
		return err
	}
	var state S
	if whole {
		if c.Stream != nil && src.files != nil {
			src.files.ReadAhead(stream, prepare)
		}
		state, err = a.finalState(src, stream, acc)
	}
	if werr := src.wait(a.ctx); werr != nil {
		return werr
	}
	a.warn(src)
	if _, serr := src.stream(a.ctx, c.Stream); serr != nil {
		return serr
	}
	switch {
	case c.At != nil && c.AtTime != "":
		return usageError("give --at or --at-time, not both")
	case c.At != nil && *c.At == 0:
		state = a.initial // Replay would take 0 for the whole stream
	case c.At != nil:
		state, err = replay.Replay(a.ctx, src.log, nil, stream, *c.At, a.apply, a.initial, replay.Options{})
	case c.AtTime != "":
		target, terr := seqAtTime(a.ctx, src.log, stream, c.AtTime)
		if terr != nil {
			return terr
		}
		state, err = replay.Replay(a.ctx, src.log, nil, stream, target, a.apply, a.initial, replay.Options{})
	}
	if err != nil {
		return err
	}
	if c.JSON {
		out, err := a.cfg.marshal(state)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.jsonOut, "%s\n", out)
		return err
	}
	_, err = fmt.Fprintln(a.out, a.cfg.show(state))
	return err
}

// prepare is what the log's readers work out of JSON payloads ahead of
// the fold: their decoded value, for the built-in reducers that take it;
// nothing for an accumulator, which reads the text itself (decoding it
// into maps first would cost more than it saves), nor for typed programs.
func (a *app[S, E]) prepare(acc accumulator[S, E]) func(jsonv.Payload) jsonv.Payload {
	if a.reduceFlag == nil || acc != nil {
		return nil
	}
	return jsonv.Payload.Predecode
}

// accumulator returns the reducer's accumulator, if it has one.
func (a *app[S, E]) accumulator() accumulator[S, E] {
	if a.cfg.accumulate != nil && a.reduceFlag != nil {
		return a.cfg.accumulate(*a.reduceFlag, a.initial)
	}
	return nil
}

// finalState folds the whole stream, with the accumulator when there is
// one: it folds in place.
func (a *app[S, E]) finalState(src *source[S, E], stream replay.StreamKey, acc accumulator[S, E]) (S, error) {
	if acc == nil {
		return replay.Replay(a.ctx, src.log, nil, stream, 0, a.apply, a.initial, replay.Options{})
	}
	var zero S
	var at replay.Seq
	for ev, err := range replay.All(a.ctx, src.log, stream) {
		if err != nil {
			return zero, err
		}
		if ev.Seq != at+1 {
			return zero, fmt.Errorf("stream %q: expected seq %d, the log returned seq %d: %w", stream, at+1, ev.Seq, replay.ErrSeqMismatch)
		}
		if err := acc.Add(ev); err != nil {
			// As if apply had panicked with err, as a reducer does.
			return zero, &replay.ApplyError{Stream: stream, Seq: ev.Seq, Panic: err, Err: err, Event: ev}
		}
		at = ev.Seq
	}
	if at == 0 {
		return zero, fmt.Errorf("stream %q: %w", stream, replay.ErrEmptyStream)
	}
	return acc.State(), nil
}

// ---- diff

type diffCmd[S, E any] struct {
	filesArg
	streamFlag
	From *replay.Seq `placeholder:"SEQ" help:"The earlier seq (default: the one before --to); 0 is the initial state, before the first event."`
	To   *replay.Seq `placeholder:"SEQ" help:"The later seq (default: the last); 0 is the initial state."`
	jsonFlag
}

func (c *diffCmd[S, E]) Help() string {
	return `Examples:

    replaytui diff testdata/bank.jsonl -s acct-alice --from 2 --to 5
    replaytui diff testdata/bank.jsonl -s acct-alice --to 4     (what seq 4 changed)
    replaytui diff testdata/bank.jsonl -s acct-alice --from 0   (all the stream changed)`
}

func (c *diffCmd[S, E]) Run(a *app[S, E]) error {
	src, stream, err := a.openedStream(c.Files, c.Stream)
	if err != nil {
		return err
	}
	defer src.Close()
	last, err := replay.LastSeq(a.ctx, src.log, stream)
	if err != nil {
		return err
	}
	to := last
	if c.To != nil {
		to = *c.To
	}
	from := max(to, 1) - 1
	if c.From != nil {
		from = *c.From
	}
	switch {
	case to > last:
		return pastEnd("--to", to, stream, last)
	case from > last:
		return pastEnd("--from", from, stream, last)
	case from > to:
		return usageError("--from %d is after --to %d", from, to)
	}
	tl, err := replay.NewTimeline(src.log, stream, a.apply, a.initial, replay.TimelineOptions[S]{Clone: a.cfg.clone})
	if err != nil {
		return err
	}
	before, _, err := tl.Seek(a.ctx, from)
	if err != nil {
		return err
	}
	after, _, err := tl.Seek(a.ctx, to)
	if err != nil {
		return err
	}
	changes := a.cfg.diff(before, after)
	if c.JSON {
		if changes == nil {
			changes = []change{}
		}
		return a.printJSON(map[string]any{"stream": stream, "from": from, "to": to, "changes": changes})
	}
	if len(changes) == 0 {
		fmt.Fprintf(a.out, "no change from seq %d to seq %d\n", from, to)
		return nil
	}
	w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	for _, ch := range changes {
		switch ch.Kind {
		case "added":
			fmt.Fprintf(w, "+ %s\t%s\n", ch.Path, render(ch.New))
		case "removed":
			fmt.Fprintf(w, "- %s\t%s\n", ch.Path, render(ch.Old))
		default:
			fmt.Fprintf(w, "~ %s\t%s → %s\n", ch.Path, render(ch.Old), render(ch.New))
		}
	}
	return w.Flush()
}

func render(v any) string {
	switch t := v.(type) {
	case json.RawMessage:
		return string(t)
	case string:
		return t
	}
	return fmt.Sprint(v)
}

// ---- find

type findCmd[S, E any] struct {
	filesArg
	streamFlag
	Where  string `required:"" placeholder:"EXPR" help:"A condition over state (after the event) and event, in the expr language: e.g. 'state.balance < 0' or 'event.type == \"withdrawal\" && event.payload.amount > 100'."`
	All    bool   `help:"List every seq where it holds, not just the first."`
	Bisect bool   `help:"Find the first seq where it holds by bisection, in a few seeks instead of a fold of everything before: for an invariant that, once broken, stays broken."`
	jsonFlag
}

func (c *findCmd[S, E]) Help() string {
	return `The condition sees state, the state right after the event, and event, with
stream, seq, time, payload and the line's other fields (such as type).
Exit status 1 when it holds nowhere.

Examples:

    replaytui find testdata/bank.jsonl -s acct-alice --where 'state.balance < 0'
    replaytui find testdata/bank.jsonl -s acct-alice --where 'event.type == "withdrawal"' --all
    replaytui find big.jsonl --where 'state.total > 1000000' --bisect`
}

func (c *findCmd[S, E]) Run(a *app[S, E]) error {
	cond, err := compileCondition(a.cfg, c.Where, true)
	if err != nil {
		return err
	}
	src, stream, err := a.openedStream(c.Files, c.Stream)
	if err != nil {
		return err
	}
	defer src.Close()
	type match struct {
		Seq     replay.Seq `json:"seq"`
		Time    any        `json:"time"`
		Summary string     `json:"summary,omitempty"`
	}
	matches := []match{}
	if c.Bisect {
		if c.All {
			return usageError("--bisect finds one seq; --all lists them by folding everything")
		}
		seq, err := a.bisect(src, stream, cond)
		if err != nil {
			return err
		}
		ev, err := src.log.Read(a.ctx, stream, seq, 1)
		if err != nil || len(ev) != 1 {
			return fmt.Errorf("stream %q: reading seq %d: %v", stream, seq, err)
		}
		m := match{Seq: seq, Time: jsonTime(ev[0].Time), Summary: a.cfg.summary(ev[0].Payload)}
		if c.JSON {
			return a.printJSON(map[string]any{"stream": stream, "where": c.Where, "matches": []match{m}})
		}
		fmt.Fprintf(a.out, "seq %d\t%s\t%s\n", m.Seq, formatTime(ev[0].Time), cell(m.Summary))
		return nil
	}
	for step, err := range replay.Fold(a.ctx, src.log, stream, a.apply, a.initial) {
		if err != nil {
			return err
		}
		ok, err := cond.holds(step.State, step.Event)
		if err != nil {
			return &exitError{exitBadInput, fmt.Errorf("stream %q seq %d: %w", stream, step.Event.Seq, err)}
		}
		if !ok {
			continue
		}
		m := match{Seq: step.Event.Seq, Time: jsonTime(step.Event.Time), Summary: a.cfg.summary(step.Event.Payload)}
		matches = append(matches, m)
		if !c.JSON {
			fmt.Fprintf(a.out, "seq %d\t%s\t%s\n", m.Seq, formatTime(step.Event.Time), cell(m.Summary))
		}
		if !c.All {
			break
		}
	}
	if c.JSON {
		if err := a.printJSON(map[string]any{"stream": stream, "where": c.Where, "matches": matches}); err != nil {
			return err
		}
	}
	if len(matches) == 0 {
		if !c.JSON {
			fmt.Fprintf(a.errOut, "%s: %q holds at no seq of stream %q\n", a.cfg.name, c.Where, stream)
		}
		return silentFailure{}
	}
	return nil
}

// bisect finds the first seq where cond holds, given it holds at the
// end and, once it holds, keeps holding.
func (a *app[S, E]) bisect(src *source[S, E], stream replay.StreamKey, cond *condition[S, E]) (replay.Seq, error) {
	last, err := replay.LastSeq(a.ctx, src.log, stream)
	if err != nil {
		return 0, err
	}
	tl, err := replay.NewTimeline(src.log, stream, a.apply, a.initial, replay.TimelineOptions[S]{Clone: a.cfg.clone})
	if err != nil {
		return 0, err
	}
	seq, _, err := tl.Bisect(a.ctx, 0, last, func(s S, ev replay.Event[E]) (bool, error) { return cond.holds(s, ev) })
	if errors.Is(err, replay.ErrConditionNeverHolds) {
		fmt.Fprintf(a.errOut, "%s: %q does not hold at the last seq (%d) of stream %q: nothing to bisect\n", a.cfg.name, cond.source, last, stream)
		return 0, silentFailure{}
	}
	return seq, err
}

// exportFixture writes seqs from..to of one stream, numbered from 1, and
// with --with-state the expectation beside the output.
func (a *app[S, E]) exportFixture(c *exportCmd[S, E], src *source[S, E], keys []replay.StreamKey, out io.Writer) (int, error) {
	if len(keys) != 1 {
		return 0, usageError("a fixture is one stream: give --stream")
	}
	if c.WithState && c.Output == "-" {
		return 0, usageError("--with-state writes a second file beside the output: give -o FILE")
	}
	stream := keys[0]
	last, err := replay.LastSeq(a.ctx, src.log, stream)
	if err != nil {
		return 0, err
	}
	from, to := replay.Seq(1), last
	if c.From != nil {
		from = *c.From
	}
	if c.To != nil {
		to = *c.To
	}
	switch {
	case c.From != nil && from == 0, c.To != nil && to == 0:
		return 0, usageError("seq 0 is the initial state, which no event is: a fixture's events start at seq 1 (--with-state writes the state before them)")
	case to > last:
		return 0, pastEnd("--to", to, stream, last)
	case from > last:
		return 0, pastEnd("--from", from, stream, last)
	case from > to:
		return 0, usageError("--from %d is after --to %d", from, to)
	}
	events := func(yield func(replay.Event[jsonv.Payload], error) bool) {
		for ev, err := range a.lines(a.ctx, src, stream) {
			if err == nil && ev.Seq < from {
				continue
			}
			if err == nil && ev.Seq > to {
				return
			}
			if err == nil {
				ev.Payload.Fields = append(slices.Clip(ev.Payload.Fields), jsonv.Field{Name: "source_seq", Value: []byte(strconv.FormatUint(uint64(ev.Seq), 10))})
				ev.Seq = ev.Seq - from + 1
			}
			if !yield(ev, err) {
				return
			}
		}
	}
	n, err := jsonl.Write(out, events)
	if err != nil || !c.WithState {
		return n, err
	}
	tl, err := replay.NewTimeline(src.log, stream, a.apply, a.initial, replay.TimelineOptions[S]{Clone: a.cfg.clone})
	if err != nil {
		return n, err
	}
	before, _, err := tl.Seek(a.ctx, from-1)
	if err != nil {
		return n, err
	}
	beforeJSON, err := a.cfg.marshal(before)
	if err != nil {
		return n, err
	}
	after, _, err := tl.Seek(a.ctx, to)
	if err != nil {
		return n, err
	}
	afterJSON, err := a.cfg.marshal(after)
	if err != nil {
		return n, err
	}
	expect, err := json.MarshalIndent(map[string]any{
		"stream": stream, "from": from, "to": to, "events": n,
		"before": json.RawMessage(beforeJSON), "after": json.RawMessage(afterJSON),
	}, "", "  ")
	if err != nil {
		return n, err
	}
	path := expectPath(c.Output)
	if _, err := os.Stat(path); err == nil && !c.Force {
		return n, usageError("%s exists; use --force to overwrite it", path)
	}
	if err := os.WriteFile(path, append(expect, '\n'), 0o644); err != nil {
		return n, err
	}
	fmt.Fprintf(a.errOut, "wrote the states before seq %d and after seq %d to %s\n", from, to, path)
	return n, nil
}

// pastEnd is the error for a seq flag beyond the last event of a stream.
func pastEnd(flag string, seq replay.Seq, stream replay.StreamKey, last replay.Seq) error {
	return &exitError{exitNotFound, fmt.Errorf("%s %d is past the end of stream %q: the stream ends at seq %d: %w", flag, seq, stream, last, replay.ErrPastEnd)}
}

// expectPath is where a fixture's expectation goes: FILE.expect.json for
// FILE.jsonl.
func expectPath(output string) string {
	return strings.TrimSuffix(output, ".jsonl") + ".expect.json"
}

// ---- blame

type blameCmd[S, E any] struct {
	filesArg
	streamFlag
	Path string      `required:"" placeholder:"PATH" help:"The value, as .a.b[2] (typed states: .Field)."`
	At   *replay.Seq `placeholder:"SEQ" help:"Blame the value as it is after this seq (default: the last); at 0, the initial state, no event has changed it yet."`
	jsonFlag
}

func (c *blameCmd[S, E]) Help() string {
	return `Lists every event that changed a value, oldest first; the last one is the
event that made the value what it is. A change of an object holding the
value, or of a value inside it, counts too. Exit status 1 when nothing
ever changed it.

Examples:

    replaytui -r jq:@testdata/bank.jq blame testdata/bank.jsonl -s acct-bob --path .balance
    replaytui blame testdata/match.jsonl -s match-17 --path .players.ana.hp --at 13`
}

func (c *blameCmd[S, E]) Run(a *app[S, E]) error {
	src, stream, err := a.openedStream(c.Files, c.Stream)
	if err != nil {
		return err
	}
	defer src.Close()
	var entries []tui.BlameEntry
	switch {
	case c.At == nil:
		entries, err = tui.Blame(a.ctx, a.tuiConfig(src, nil), stream, c.Path, 0, nil) // 0: to the end
	case *c.At > 0:
		last, lerr := replay.LastSeq(a.ctx, src.log, stream)
		if lerr != nil {
			return lerr
		}
		if *c.At > last {
			return pastEnd("--at", *c.At, stream, last)
		}
		entries, err = tui.Blame(a.ctx, a.tuiConfig(src, nil), stream, c.Path, *c.At, nil)
	}
	if err != nil {
		return err
	}
	if c.JSON {
		out := make([]map[string]any, len(entries))
		for i, e := range entries {
			out[i] = map[string]any{"seq": e.Seq, "time": jsonTime(e.Event.Time), "summary": e.Summary, "path": e.Path, "kind": e.Kind, "old": e.Old, "new": e.New}
		}
		if err := a.printJSON(map[string]any{"stream": stream, "path": c.Path, "changes": out}); err != nil {
			return err
		}
	} else {
		w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
		for _, e := range entries {
			change := e.Old + " → " + e.New
			switch e.Kind {
			case "added":
				change = "+ " + e.New
			case "removed":
				change = "- " + e.Old
			}
			fmt.Fprintf(w, "seq %d\t%s\t%s\t%s\t%s\n", e.Seq, formatTime(e.Event.Time), cell(e.Summary), e.Path, change)
		}
		w.Flush()
	}
	if len(entries) == 0 {
		if !c.JSON {
			fmt.Fprintf(a.errOut, "%s: no event of stream %q changed %s\n", a.cfg.name, stream, c.Path)
		}
		return silentFailure{}
	}
	return nil
}

// ---- verify

type verifyCmd[S, E any] struct {
	filesArg
	streamFlag
	jsonFlag
}

func (c *verifyCmd[S, E]) Help() string {
	return `Checks every line (JSON, fields, times), every stream's seqs (no gap, no
duplicate, in order), and that the reducer is pure on every stream: that it
never modifies the state it is given and gives the same result twice.
Exit status 0 when all is well, 1 when not, with every problem listed.

Example:

    replaytui verify testdata/bank.jsonl`
}

func (c *verifyCmd[S, E]) Run(a *app[S, E]) error {
	skip := a.skipBad
	a.skipBad = true // to list every problem, not stop at the first
	src, err := a.open(c.Files)
	a.skipBad = skip
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.wait(a.ctx); err != nil {
		return err
	}
	var problems []string
	var st jsonl.Stats
	if src.files != nil {
		st = src.files.Stats()
		for _, p := range st.Problems {
			problems = append(problems, p.Error())
		}
		if n := st.Skipped + st.Renumbered - len(st.Problems); n > 0 && st.Truncated == nil {
			problems = append(problems, fmt.Sprintf("… and %d more problems", n))
		}
	}
	var keys []replay.StreamKey
	infos, err := src.infos(a.ctx)
	if err != nil {
		return err
	}
	if c.Stream != nil {
		key, err := src.stream(a.ctx, c.Stream)
		if err != nil {
			return err
		}
		keys = []replay.StreamKey{key}
	} else {
		for _, info := range infos {
			keys = append(keys, info.Key)
		}
	}
	if src.files == nil {
		for _, info := range infos {
			st.Events += info.Events
		}
		st.Lines = st.Events
	}
	checked := st.Skipped+st.Renumbered == 0
	if checked {
		for _, key := range keys {
			if err := replay.CheckPurity(a.ctx, src.log, key, a.apply, a.initial); err != nil {
				var pe *replay.PurityError
				var ae *replay.ApplyError
				if !errors.As(err, &pe) && !errors.As(err, &ae) && !errors.Is(err, replay.ErrSeqMismatch) {
					return err
				}
				problems = append(problems, err.Error())
			}
		}
	}
	if c.JSON {
		if problems == nil {
			problems = []string{}
		}
		if err := a.printJSON(map[string]any{"ok": len(problems) == 0, "streams": len(keys), "events": st.Events, "problems": problems, "reducerChecked": checked}); err != nil {
			return err
		}
	} else if len(problems) == 0 {
		fmt.Fprintf(a.out, "ok: %d lines, %d events in %d streams; seqs in order; the reducer is pure on every stream\n", st.Lines, st.Events, len(keys))
	} else {
		fmt.Fprintf(a.out, "%d problems:\n", len(problems))
		for _, p := range problems {
			fmt.Fprintf(a.out, "  %s\n", p)
		}
		if !checked {
			fmt.Fprintln(a.out, "the reducer was not checked: mend the lines above first")
		}
	}
	if len(problems) > 0 {
		return silentFailure{}
	}
	return nil
}

// ---- export

type exportCmd[S, E any] struct {
	filesArg
	Stream    []string    `short:"s" predictor:"stream" help:"Streams to export (repeatable; default: all)."`
	Output    string      `short:"o" default:"-" placeholder:"FILE" help:"Where to write (default: standard output). An existing file is not overwritten without --force."`
	Force     bool        `help:"Overwrite the output file if it exists."`
	From      *replay.Seq `placeholder:"SEQ" help:"Export from this seq on (one stream): a test fixture. Events start at seq 1 (0 is the initial state, which --with-state writes)."`
	To        *replay.Seq `placeholder:"SEQ" help:"Export up to this seq (one stream; default: the last)."`
	WithState bool        `help:"With --from/--to: also write FILE.expect.json, the states before --from and after --to, for a regression test."`
}

func (c *exportCmd[S, E]) Help() string {
	return `Writes the events of the chosen streams, one stream after another, as
JSON Lines with explicit seqs.

With --from and --to it writes one stream's seqs from..to as a test fixture:
the events numbered again from 1 (the original seq kept as "source_seq"),
and with --with-state, FILE.expect.json beside it: the stream, the range,
the state before the first event and the state after the last. Replaying the
fixture from "before" must give "after" (see examples/bank/fixture_test.go).

Examples:

    replaytui export capture.jsonl.gz -s acct-42 -o acct-42.jsonl
    cat capture.jsonl | replaytui export - -s acct-42 > acct-42.jsonl
    replaytui -r jq:@testdata/bank.jq export testdata/bank.jsonl -s acct-bob --from 5 --to 7 --with-state -o overdraft.jsonl`
}

func (c *exportCmd[S, E]) Run(a *app[S, E]) error {
	src, err := a.opened(c.Files)
	if err != nil {
		return err
	}
	defer src.Close()
	keys := make([]replay.StreamKey, 0, len(c.Stream))
	for _, s := range c.Stream {
		key, err := src.stream(a.ctx, &s)
		if err != nil {
			return err
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		infos, err := src.infos(a.ctx)
		if err != nil {
			return err
		}
		for _, info := range infos {
			keys = append(keys, info.Key)
		}
	}
	out := a.dataOut
	var tmp *os.File
	if c.Output != "-" {
		if _, err := os.Stat(c.Output); err == nil && !c.Force {
			return usageError("%s exists; use --force to overwrite it", c.Output)
		}
		// Write beside the target and rename at the end: an export that
		// fails half-way leaves nothing behind, and never half a file.
		if tmp, err = os.CreateTemp(filepath.Dir(c.Output), "."+filepath.Base(c.Output)+".*"); err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		out = tmp
	}
	total := 0
	if c.From != nil || c.To != nil || c.WithState {
		n, err := a.exportFixture(c, src, keys, out)
		if err != nil {
			return err
		}
		total = n
	}
	for _, key := range keys {
		if c.From != nil || c.To != nil || c.WithState {
			break
		}
		n, err := jsonl.Write(out, a.lines(a.ctx, src, key))
		total += n
		if err != nil {
			return err
		}
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), c.Output); err != nil {
			return err
		}
		fmt.Fprintf(a.errOut, "wrote %d events of %d streams to %s\n", total, len(keys), c.Output)
	}
	return nil
}
