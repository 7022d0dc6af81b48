package cli

import (
	"fmt"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/sources/postgres"
)

// exportToPG loads the chosen streams of the files into replaytui's
// events table (--pg-table, default replay_events; --pg-create makes it).
// Events keep their seqs, appended as explicit ones: a stream that
// already has events refuses them (seq mismatch) instead of taking them
// twice. Each batch of a stream's events is one transaction (one COPY).
// Lines that jsonb would refuse or change are found before anything is
// loaded, and then nothing is.
func (a *app[S, E]) exportToPG(c *exportCmd[S, E]) error {
	switch {
	case a.nats.NATS != "":
		return usageError("give one log: files, --pg or --nats")
	case a.pg.mapped():
		return usageError("export into --pg loads replaytui's own events table, not a table of your own (the --pg-*-column flags)")
	case c.From != nil || c.To != nil || c.WithState || c.Output != "-":
		return usageError("export into --pg takes whole streams: not with --from, --to, --with-state or -o")
	}
	files, keys, err := a.loadFiles(c)
	if err != nil {
		return err
	}
	defer files.Close()
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
	into := "PostgreSQL table " + table
	if err := a.checkLoad(files, keys, into, postgres.JSONBChange); err != nil {
		return err
	}
	total, err := a.load(files, keys, into, to.AppendBatch)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.errOut, "loaded %s of %s into PostgreSQL table %s\n", count(total, "event"), count(len(keys), "stream"), table)
	return nil
}
