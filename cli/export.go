package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

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

Given files and --pg (or --nats), it loads the files into the database
instead: replaytui's events table (--pg-table, default replay_events;
--pg-create makes it), each event kept at its seq, so a stream already
there is refused rather than loaded twice. Into PostgreSQL the events go
1,000 to a transaction (one COPY), with progress every 10,000; a failure
names the stream and seq of the batch it stopped at, which is not loaded,
and what was loaded before it stays. The files are read once before anything is loaded: a line
that jsonb would refuse (\u0000, a lone surrogate \ud800) or change (-0
stored as 0, a repeated key of which it keeps the last) is named
(file:line:column) and nothing is loaded, exit status 3.

Examples:

    replaytui export capture.jsonl.gz -s acct-42 -o acct-42.jsonl
    cat capture.jsonl | replaytui export - -s acct-42 > acct-42.jsonl
    replaytui -r jq:@testdata/bank.jq export testdata/bank.jsonl -s acct-bob --from 5 --to 7 --with-state -o overdraft.jsonl
    replaytui export capture.jsonl --nats nats://127.0.0.1:4222 --nats-stream BANK   # into JetStream
    replaytui export capture.jsonl --pg postgres://user@host/db --pg-create          # into PostgreSQL`
}

func (c *exportCmd[S, E]) Run(a *app[S, E]) error {
	if a.nats.NATS != "" && len(c.Files) > 0 {
		return a.exportToNATS(c) // files into JetStream (nats_export.go)
	}
	if a.pg.PG != "" && len(c.Files) > 0 {
		return a.exportToPG(c) // files into PostgreSQL (pg_export.go)
	}
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
		fmt.Fprintf(a.errOut, "wrote %s of %s to %s\n", count(total, "event"), count(len(keys), "stream"), c.Output)
	}
	return nil
}
