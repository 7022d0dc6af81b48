package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

type findCmd[S, E any] struct {
	filesArg
	streamFlag
	Where      string `required:"" placeholder:"EXPR" help:"A condition over state (after the event) and event, in the expr language: e.g. 'state.balance < 0' or 'event.type == \"withdrawal\" && event.payload.amount > 100'."`
	All        bool   `help:"List every seq where it holds, not just the first."`
	Bisect     bool   `help:"Find the first seq where it holds by bisection, in a few seeks instead of a fold of everything before: for an invariant that, once broken, stays broken."`
	AllStreams bool   `name:"all-streams" help:"Search every stream, in parallel, and answer with a table: stream, seq, time, event and the values the condition looks at. What find does without --stream on a log of several streams; this flag asks for the table on a log of one stream too."`
	Sort       string `enum:"stream,time" default:"stream" placeholder:"BY" help:"Order the table of every stream by stream or by time (stream, time)."`
	jsonFlag
}

func (c *findCmd[S, E]) Help() string {
	return `The condition sees state, the state right after the event, and event, with
stream, seq, time, payload and the line's other fields (such as type).
Exit status 1 when it holds nowhere.

Without --stream, on a log of several streams (or with --all-streams), find
searches every stream at once, on every core, reading each stream's events
once, and prints a table: the stream, the first seq where the condition
holds (every seq with --all), its time and event, and the values the
condition names (state.balance, event.expect.balance) there. Streams where
it never holds are left out; a summary goes to standard error. A stream
that cannot be searched (its reducer fails) is reported there too, the
others are still answered, and the exit status is then 3.

Examples:

    replaytui find testdata/bank.jsonl -s acct-alice --where 'state.balance < 0'
    replaytui find testdata/bank.jsonl -s acct-alice --where 'event.type == "withdrawal"' --all
    replaytui -r jq:@testdata/bank.jq find testdata/bank.jsonl --where 'state.balance < 0'
    replaytui find big.jsonl --where 'state.total > 1000000' --bisect`
}

func (c *findCmd[S, E]) Run(a *app[S, E]) error {
	cond, err := compileCondition(a.cfg, c.Where, true)
	if err != nil {
		return err
	}
	if c.AllStreams && (c.Stream != nil || c.global()) {
		return usageError("--all-streams searches every stream; --stream names one")
	}
	src, err := a.opened(c.Files)
	if err != nil {
		return err
	}
	defer src.Close()
	if c.Stream == nil && !c.global() {
		infos, err := src.infos(a.ctx)
		if err != nil {
			return err
		}
		if c.AllStreams || len(infos) > 1 {
			return c.runFleet(a, src, cond)
		}
	}
	stream, err := a.chosen(src, c.streamFlag)
	if err != nil {
		return err
	}
	type match struct {
		Seq     replay.Seq `json:"seq"`
		ID      *int64     `json:"id,omitempty"` // the log's own, when it has ids
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
			return fmt.Errorf("stream %s: reading seq %d: %v", describeStream(stream), seq, err)
		}
		m := match{Seq: seq, ID: src.sourceID(a.ctx, stream, seq), Time: jsonTime(ev[0].Time), Summary: a.eventSummary(stream, ev[0])}
		if c.JSON {
			return a.printJSON(map[string]any{"stream": jsonStream(stream), "where": c.Where, "matches": []match{m}})
		}
		fmt.Fprintf(a.out, "seq %d%s\t%s\t%s\n", m.Seq, src.idOf(a.ctx, stream, seq), formatTime(ev[0].Time), cell(m.Summary))
		return nil
	}
	for step, err := range replay.Fold(a.ctx, src.log, stream, a.apply, a.initial) {
		if err != nil {
			return err
		}
		ok, err := cond.holds(step.State, step.Event)
		if err != nil {
			return &exitError{exitBadInput, fmt.Errorf("stream %s seq %d: %w", describeStream(stream), step.Event.Seq, err)}
		}
		if !ok {
			continue
		}
		m := match{Seq: step.Event.Seq, ID: src.sourceID(a.ctx, stream, step.Event.Seq), Time: jsonTime(step.Event.Time), Summary: a.eventSummary(stream, step.Event)}
		matches = append(matches, m)
		if !c.JSON {
			fmt.Fprintf(a.out, "seq %d%s\t%s\t%s\n", m.Seq, src.idOf(a.ctx, stream, m.Seq), formatTime(step.Event.Time), cell(m.Summary))
		}
		if !c.All {
			break
		}
	}
	if c.JSON {
		if err := a.printJSON(map[string]any{"stream": jsonStream(stream), "where": c.Where, "matches": matches}); err != nil {
			return err
		}
	}
	if len(matches) == 0 {
		if !c.JSON {
			fmt.Fprintf(a.errOut, "%s: %q holds at no seq of stream %s\n", a.cfg.name, c.Where, describeStream(stream))
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
		fmt.Fprintf(a.errOut, "%s: %q does not hold at the last seq (%d) of stream %s: nothing to bisect\n", a.cfg.name, cond.source, last, describeStream(stream))
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
		"stream": jsonStream(stream), "from": from, "to": to, "events": n,
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
	return &exitError{exitNotFound, fmt.Errorf("%s %d is past the end of stream %s: the stream ends at seq %d: %w", flag, seq, describeStream(stream), last, replay.ErrPastEnd)}
}

// expectPath is where a fixture's expectation goes: FILE.expect.json for
// FILE.jsonl.
func expectPath(output string) string {
	return strings.TrimSuffix(output, ".jsonl") + ".expect.json"
}
