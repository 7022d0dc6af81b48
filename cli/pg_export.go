package cli

import (
	"fmt"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/sources/postgres"
)

// pgProgressEvery is how many events are loaded between progress lines.
const pgProgressEvery = 10_000

// exportToPG loads the chosen streams of the files into replaytui's
// events table (--pg-table, default replay_events; --pg-create makes it).
// Events keep their seqs, appended as explicit ones: a stream that
// already has events refuses them (seq mismatch) instead of taking them
// twice.
func (a *app[S, E]) exportToPG(c *exportCmd[S, E]) error {
	switch {
	case a.nats.NATS != "":
		return usageError("give one log: files, --pg or --nats")
	case a.pg.mapped():
		return usageError("export into --pg loads replaytui's own events table, not a table of your own (the --pg-*-column flags)")
	case c.From != nil || c.To != nil || c.WithState || c.Output != "-":
		return usageError("export into --pg takes whole streams: not with --from, --to, --with-state or -o")
	}
	files, err := jsonl.Open(c.Files, jsonl.Options{SkipBad: a.skipBad})
	if err != nil {
		return err
	}
	defer files.Close()
	if err := files.Wait(a.ctx); err != nil {
		return err
	}
	keys := make([]replay.StreamKey, 0, len(c.Stream))
	for _, s := range c.Stream {
		keys = append(keys, replay.StreamKey(s))
	}
	if len(keys) == 0 {
		if keys, err = files.Streams(a.ctx); err != nil {
			return err
		}
	}
	pool, err := postgres.Connect(a.ctx, a.pg.PG)
	if err != nil {
		return err
	}
	defer pool.Close()
	if a.pg.PGCreate {
		if err := postgres.CreateEvents(a.ctx, pool, a.pg.PGTable); err != nil {
			return err
		}
	}
	to, err := postgres.NewLog[jsonv.Payload](pool, a.pg.PGTable)
	if err == nil {
		err = eventsTableHint(to.Check(a.ctx))
	}
	if err != nil {
		return err
	}
	table := a.pg.PGTable
	if table == "" {
		table = postgres.DefaultEvents
	}
	total := 0
	for _, key := range keys {
		n := 0
		for ev, err := range replay.All(a.ctx, replay.Log[jsonv.Payload](files), key) {
			if err == nil {
				_, err = to.Append(a.ctx, ev)
			}
			if err != nil {
				fmt.Fprintf(a.errOut, "loaded %s into PostgreSQL table %s before stream %q failed\n", count(total+n, "event"), table, key)
				return err
			}
			n++
			if (total+n)%pgProgressEvery == 0 {
				fmt.Fprintf(a.errOut, "loaded %s…\n", count(total+n, "event"))
			}
		}
		if n == 0 {
			return notFound("no stream %q in the files", key)
		}
		total += n
	}
	a.warn(&source[S, E]{files: files})
	fmt.Fprintf(a.errOut, "loaded %s of %s into PostgreSQL table %s\n", count(total, "event"), count(len(keys), "stream"), table)
	return nil
}
