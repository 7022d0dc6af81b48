package cli

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/replay"
)

type blameCmd[S, E any] struct {
	filesArg
	streamFlag
	Path       string  `required:"" placeholder:"PATH" help:"The value, as .a.b[2] (typed states: .Field)."`
	At         *seqArg `placeholder:"SEQ" help:"Blame the value as it is after this seq (default: the last); at 0, the initial state, no event has changed it yet; id:N, after the event whose id is N (a table of your own: --pg-seq-column; one stream). Over every stream, each stream as of this seq, or of its end when it ends before."`
	AllStreams bool    `name:"all-streams" help:"Blame every stream, in parallel, and answer with a table: stream, the seq that last changed the value, its time and event, and the change. What blame does without --stream on a log of several streams; this flag asks for the table on a log of one stream too."`
	jsonFlag
}

func (c *blameCmd[S, E]) Help() string {
	return `Lists every event that changed a value, oldest first; the last one is the
event that made the value what it is. A change of an object holding the
value, or of a value inside it, counts too. Exit status 1 when nothing
ever changed it.

Without --stream, on a log of several streams (or with --all-streams),
blame answers for every stream at once, on every core, reading each
stream's events once, and prints only the last change of each stream: a
table of the stream, the seq that last changed the value, its time and
event, and what it did (old → new; a row for each value under the path
that event changed). Give --stream for a stream's whole history. Streams
where the value never changed are left out; a summary goes to standard
error. Exit status 1 when it changed in no stream; a stream that cannot
be folded (its reducer fails) is reported there too, the others are
still answered, and the exit status is then 3.

Examples:

    replaytui -r jq:@testdata/bank.jq blame testdata/bank.jsonl -s acct-bob --path .balance
    replaytui blame testdata/match.jsonl -s match-17 --path .players.ana.hp --at 13
    replaytui -r jq:@testdata/bank.jq blame testdata/bank.jsonl --path .balance`
}

func (c *blameCmd[S, E]) Run(a *app[S, E]) error {
	if c.AllStreams && (c.Stream != nil || c.global()) {
		return usageError("--all-streams blames every stream; --stream names one")
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
			return c.runFleet(a, src, infos)
		}
	}
	stream, err := a.chosen(src, c.streamFlag)
	if err != nil {
		return err
	}
	h := changes.History[S, E]{
		Log: src.log, Stream: stream, Apply: a.apply, Initial: a.initial, Diff: a.cfg.diff,
		Summary: func(ev replay.Event[E]) string { return a.eventSummary(stream, ev) },
	}
	at, err := src.seqOf(a.ctx, stream, "--at", c.At)
	if err != nil {
		return err
	}
	var entries []changes.BlameEntry
	switch {
	case at == nil:
		entries, err = changes.Blame(a.ctx, h, c.Path, 0, nil) // 0: to the end
	case *at > 0:
		last, lerr := replay.LastSeq(a.ctx, src.log, stream)
		if lerr != nil {
			return lerr
		}
		if *at > last {
			return pastEnd("--at", *at, stream, last)
		}
		entries, err = changes.Blame(a.ctx, h, c.Path, *at, nil)
	}
	if err != nil {
		return err
	}
	if c.JSON {
		out := make([]map[string]any, len(entries))
		for i, e := range entries {
			out[i] = a.jsonChange(e.Change)
			out[i]["seq"], out[i]["time"], out[i]["summary"] = e.Seq, jsonTime(e.Time), e.Summary
			if id := src.sourceID(a.ctx, stream, e.Seq); id != nil {
				out[i]["id"] = *id
			}
		}
		if err := a.printJSON(map[string]any{"stream": jsonStream(stream), "path": c.Path, "changes": out}); err != nil {
			return err
		}
	} else {
		w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
		for _, e := range entries {
			fmt.Fprintf(w, "seq %d%s\t%s\t%s\t%s\t%s\n", e.Seq, src.idOf(a.ctx, stream, e.Seq), formatTime(e.Time), cell(e.Summary), e.Path, e.Effect())
		}
		w.Flush()
	}
	if len(entries) == 0 {
		if !c.JSON {
			fmt.Fprintf(a.errOut, "%s: no event of stream %s changed %s\n", a.cfg.name, describeStream(stream), c.Path)
		}
		return silentFailure{}
	}
	return nil
}

// fleetBlame is the last change of the value in one stream: the entries
// of the last event that changed it.
type fleetBlame struct {
	stream  replay.StreamKey
	entries []changes.BlameEntry
	err     error
}

// runFleet answers blame over every stream of the log, each stream's
// last change of the value.
func (c *blameCmd[S, E]) runFleet(a *app[S, E], src *source[S, E], infos []replay.StreamInfo) error {
	if len(infos) == 0 {
		return notFound("the log has no events")
	}
	if c.At != nil && c.At.byID {
		return usageError("--at %s names an event of one stream: give --stream", c.At)
	}
	var at *replay.Seq
	if c.At != nil {
		at = &c.At.seq
	}
	f := &fleet{ctx: a.ctx}
	apply := func(s S, ev replay.Event[E]) S {
		f.folded.Add(1)
		return a.apply(s, ev)
	}
	answers := make([]fleetBlame, len(infos))
	start := time.Now()
	stopProgress := f.showProgress(a.progress)
	f.each(infos, func(i int) {
		ans := fleetBlame{stream: infos[i].Key}
		answers[i] = ans
		if at != nil && *at == 0 {
			return // the initial state: no event has changed it yet
		}
		h := changes.History[S, E]{
			Log: src.log, Stream: ans.stream, Apply: apply, Initial: a.initial, Diff: a.cfg.diff,
			Summary: func(ev replay.Event[E]) string { return a.cfg.summary(ev.Payload) },
		}
		until := replay.Seq(0) // to the end
		if at != nil {
			until = *at
		}
		entries, err := changes.Blame(f.ctx, h, c.Path, until, nil)
		if err != nil {
			ans.err = err
		} else if len(entries) > 0 {
			last := entries[len(entries)-1].Seq
			first := len(entries) - 1
			for first > 0 && entries[first-1].Seq == last {
				first--
			}
			ans.entries = entries[first:]
		}
		answers[i] = ans
	})
	stopProgress()
	took := time.Since(start)
	if err := a.ctx.Err(); err != nil {
		return err
	}
	slices.SortStableFunc(answers, func(x, y fleetBlame) int { return strings.Compare(string(x.stream), string(y.stream)) })
	var failed []streamFailure
	changed := 0
	for _, ans := range answers {
		switch {
		case ans.err != nil:
			failed = append(failed, streamFailure{ans.stream, ans.err})
		case len(ans.entries) > 0:
			changed++
		}
	}

	var err error
	if c.JSON {
		err = c.printFleetJSON(a, f, answers, failed, at)
	} else {
		err = printFleetBlame(a, src, answers)
	}
	if err != nil {
		return err
	}
	if err := report(a, f, failed, "changed in", "blamed", changed, len(infos), took); err != nil {
		return err
	}
	if changed == 0 {
		if !c.JSON {
			fmt.Fprintf(a.errOut, "%s: no event of any stream changed %s\n", a.cfg.name, c.Path)
		}
		return silentFailure{}
	}
	return nil
}

// printFleetBlame prints each stream's last change, nothing when no
// stream has one (standard error says so).
func printFleetBlame[S, E any](a *app[S, E], src *source[S, E], answers []fleetBlame) error {
	w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	header := false
	for _, ans := range answers {
		for _, e := range ans.entries {
			if !header {
				fmt.Fprintln(w, "STREAM\tSEQ\tTIME\tEVENT\tPATH\tCHANGE")
				header = true
			}
			fmt.Fprintf(w, "%s\t%d%s\t%s\t%s\t%s\t%s\n", streamName(ans.stream), e.Seq, src.idOf(a.ctx, ans.stream, e.Seq), formatTime(e.Time), cell(cmp.Or(e.Summary, "-")), cell(e.Path), cell(e.Effect()))
		}
	}
	return w.Flush()
}

func (c *blameCmd[S, E]) printFleetJSON(a *app[S, E], f *fleet, answers []fleetBlame, failed []streamFailure, at *replay.Seq) error {
	type blamed struct {
		Stream  replay.StreamKey `json:"stream"`
		Seq     replay.Seq       `json:"seq"`
		Time    any              `json:"time"`
		Summary string           `json:"summary,omitempty"`
		jsonChange
	}
	out := struct {
		Path    string      `json:"path"`
		At      *replay.Seq `json:"at,omitempty"`
		Streams int         `json:"streams"`
		Events  int64       `json:"events"`
		Changes []blamed    `json:"changes"`
		Errors  []jsonError `json:"errors"`
	}{Path: c.Path, At: at, Streams: len(answers), Events: f.folded.Load(), Changes: []blamed{}, Errors: jsonErrors(failed)}
	for _, ans := range answers {
		for _, e := range ans.entries {
			m := a.jsonChange(e.Change)
			ch := jsonChange{Path: e.Path, Kind: e.Kind, Old: m["old"], New: m["new"]}
			out.Changes = append(out.Changes, blamed{ans.stream, e.Seq, jsonTime(e.Time), e.Summary, ch})
		}
	}
	return a.printJSON(out)
}
