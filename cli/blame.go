package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/replay"
)

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
	h := changes.History[S, E]{
		Log: src.log, Stream: stream, Apply: a.apply, Initial: a.initial, Diff: a.cfg.diff,
		Summary: func(ev replay.Event[E]) string { return a.cfg.summary(ev.Payload) },
	}
	var entries []changes.BlameEntry
	switch {
	case c.At == nil:
		entries, err = changes.Blame(a.ctx, h, c.Path, 0, nil) // 0: to the end
	case *c.At > 0:
		last, lerr := replay.LastSeq(a.ctx, src.log, stream)
		if lerr != nil {
			return lerr
		}
		if *c.At > last {
			return pastEnd("--at", *c.At, stream, last)
		}
		entries, err = changes.Blame(a.ctx, h, c.Path, *c.At, nil)
	}
	if err != nil {
		return err
	}
	if c.JSON {
		out := make([]map[string]any, len(entries))
		for i, e := range entries {
			out[i] = a.jsonChange(e.Change)
			out[i]["seq"], out[i]["time"], out[i]["summary"] = e.Seq, jsonTime(e.Time), e.Summary
		}
		if err := a.printJSON(map[string]any{"stream": stream, "path": c.Path, "changes": out}); err != nil {
			return err
		}
	} else {
		w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
		for _, e := range entries {
			fmt.Fprintf(w, "seq %d\t%s\t%s\t%s\t%s\n", e.Seq, formatTime(e.Time), cell(e.Summary), e.Path, e.Effect())
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
