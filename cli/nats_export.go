package cli

import (
	"context"
	"fmt"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jetstream"
)

// exportToNATS loads the chosen streams of the files into a JetStream
// stream, created when missing. Events keep their seqs, appended as
// explicit ones: a stream that already has events refuses them (seq
// mismatch) instead of taking them twice.
func (a *app[S, E]) exportToNATS(c *exportCmd[S, E]) error {
	switch {
	case a.pg.PG != "":
		return usageError("give one log: files, --pg or --nats")
	case c.From != nil || c.To != nil || c.WithState || c.Output != "-":
		return usageError("export into --nats takes whole streams: not with --from, --to, --with-state or -o")
	case a.nats.NATSStream == "":
		return usageError("--nats needs --nats-stream NAME, the JetStream stream to load into")
	}
	files, keys, err := a.loadFiles(c)
	if err != nil {
		return err
	}
	defer files.Close()
	nc, js, err := jetstream.Connect(a.ctx, a.nats.NATS)
	if err != nil {
		return err
	}
	defer nc.Close()
	prefix := a.nats.NATSSubjects
	if prefix == "" {
		prefix = a.nats.NATSStream
		if s, err := js.Stream(a.ctx, a.nats.NATSStream); err == nil {
			if p, ok := subjectPrefix(s.CachedInfo().Config.Subjects); ok {
				prefix = p
			}
		}
	}
	if _, err := jetstream.CreateStream(a.ctx, js, a.nats.NATSStream, prefix); err != nil {
		return err
	}
	log, err := jetstream.NewLog[jsonv.Payload](a.ctx, js, a.nats.NATSStream, prefix)
	if err != nil {
		return err
	}
	defer log.Close()
	total, err := a.load(files, keys, "JetStream stream "+a.nats.NATSStream, func(ctx context.Context, events []replay.Event[jsonv.Payload]) error {
		for _, ev := range events {
			if _, err := log.Append(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.errOut, "loaded %s of %s into JetStream stream %s (subjects %s.*)\n", count(total, "event"), count(len(keys), "stream"), a.nats.NATSStream, prefix)
	return nil
}
