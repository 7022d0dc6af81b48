package cli

import (
	"fmt"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jetstream"
	"github.com/replaytui/replaytui/sources/jsonl"
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
	total := 0
	for _, key := range keys {
		n := 0
		for ev, err := range replay.All(a.ctx, replay.Log[jsonv.Payload](files), key) {
			if err == nil {
				_, err = log.Append(a.ctx, ev)
			}
			if err != nil {
				fmt.Fprintf(a.errOut, "loaded %s into JetStream stream %s before stream %q failed\n", count(total+n, "event"), a.nats.NATSStream, key)
				return err
			}
			n++
		}
		if n == 0 {
			return notFound("no stream %q in the files", key)
		}
		total += n
	}
	a.warn(&source[S, E]{files: files})
	fmt.Fprintf(a.errOut, "loaded %s of %s into JetStream stream %s (subjects %s.*)\n", count(total, "event"), count(len(keys), "stream"), a.nats.NATSStream, prefix)
	return nil
}
