package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/replay"
)

type diffCmd[S, E any] struct {
	filesArg
	streamFlag
	From *seqArg `placeholder:"SEQ" help:"The earlier seq (default: the one before --to); 0 is the initial state, before the first event; id:N, the event whose id is N (a table of your own: --pg-seq-column)."`
	To   *seqArg `placeholder:"SEQ" help:"The later seq (default: the last); 0 is the initial state; id:N, the event whose id is N."`
	jsonFlag
}

func (c *diffCmd[S, E]) Help() string {
	return `Examples:

    replaytui diff testdata/bank.jsonl -s acct-alice --from 2 --to 5
    replaytui diff testdata/bank.jsonl -s acct-alice --to 4     (what seq 4 changed)
    replaytui diff testdata/bank.jsonl -s acct-alice --from 0   (all the stream changed)`
}

func (c *diffCmd[S, E]) Run(a *app[S, E]) error {
	src, stream, err := a.openedStream(c.Files, c.streamFlag)
	if err != nil {
		return err
	}
	defer src.Close()
	last, err := replay.LastSeq(a.ctx, src.log, stream)
	if err != nil {
		return err
	}
	toArg, err := src.seqOf(a.ctx, stream, "--to", c.To)
	if err != nil {
		return err
	}
	fromArg, err := src.seqOf(a.ctx, stream, "--from", c.From)
	if err != nil {
		return err
	}
	to := last
	if toArg != nil {
		to = *toArg
	}
	from := max(to, 1) - 1
	if fromArg != nil {
		from = *fromArg
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
	list := a.cfg.diff(before, after)
	if c.JSON {
		out := map[string]any{"stream": jsonStream(stream), "from": from, "to": to, "changes": a.jsonChanges(list)}
		if id := src.sourceID(a.ctx, stream, from); id != nil {
			out["from_id"] = *id
		}
		if id := src.sourceID(a.ctx, stream, to); id != nil {
			out["to_id"] = *id
		}
		return a.printJSON(out)
	}
	fromID, toID := src.idOf(a.ctx, stream, from), src.idOf(a.ctx, stream, to)
	if len(list) == 0 {
		fmt.Fprintf(a.out, "no change from seq %d%s to seq %d%s\n", from, fromID, to, toID)
		return nil
	}
	if fromID != "" || toID != "" {
		// The log numbers its events otherwise than its ids: say which.
		fmt.Fprintf(a.out, "from seq %d%s to seq %d%s:\n", from, fromID, to, toID)
	}
	w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	for _, ch := range list {
		fmt.Fprintf(w, "%s %s\t%s\n", ch.Sign(), ch.Path, ch.Values())
	}
	return w.Flush()
}

// jsonChanges is changes as --json prints them: the values of JSON
// states as JSON, not as strings holding JSON.
func (a *app[S, E]) jsonChanges(list []changes.Change) []jsonChange {
	out := make([]jsonChange, 0, len(list))
	for _, ch := range list {
		m := a.jsonChange(ch)
		out = append(out, jsonChange{Path: ch.Path, Kind: ch.Kind, Old: m["old"], New: m["new"]})
	}
	return out
}

// jsonChange is a change in --json output, its members in this order.
type jsonChange struct {
	Path string `json:"path"`
	Kind string `json:"kind"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
}

func (a *app[S, E]) jsonChange(ch changes.Change) map[string]any {
	m := map[string]any{"path": ch.Path, "kind": ch.Kind}
	value := func(text string) any {
		if a.cfg.jsonValues && json.Valid([]byte(text)) {
			return json.RawMessage(text)
		}
		return text
	}
	if ch.Kind != changes.Added {
		m["old"] = value(ch.Old)
	}
	if ch.Kind != changes.Removed {
		m["new"] = value(ch.New)
	}
	return m
}
