package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

const (
	// loadEvery is how many events are loaded between progress lines.
	loadEvery = 10_000
	// loadBatch is how many events of a stream go to the store at once:
	// one transaction, or one round of publishes.
	loadBatch = 1000
)

// loadFiles opens the files export loads into a store, and the streams
// to load: those chosen with -s, else all of them. The caller closes
// the files.
func (a *app[S, E]) loadFiles(c *exportCmd[S, E]) (files *jsonl.Log, keys []replay.StreamKey, err error) {
	files, err = jsonl.Open(c.Files, jsonl.Options{SkipBad: a.skipBad})
	if err != nil {
		return nil, nil, err
	}
	if err := files.Wait(a.ctx); err != nil {
		files.Close()
		return nil, nil, err
	}
	all, err := files.Streams(a.ctx)
	if err != nil {
		files.Close()
		return nil, nil, err
	}
	if len(c.Stream) == 0 {
		return files, all, nil
	}
	for _, s := range c.Stream {
		if key := replay.StreamKey(s); slices.Contains(all, key) {
			keys = append(keys, key)
		} else {
			files.Close()
			return nil, nil, notFound("nothing loaded: no stream %q in the files; they have %s", s, count(len(all), "stream"))
		}
	}
	return files, keys, nil
}

// load appends the streams' events from files to a store (into names
// it) in the files' global order, their line order, so that a store with
// one of its own (PostgreSQL's id column) keeps it: loadBatch at a time,
// each at its own seq, so a stream the store already has refuses them
// (seq mismatch) instead of taking them twice. appendBatch gets events of
// one or more streams, each stream's in seq order, and appends them in
// order (PostgreSQL: all or none). load says how far it got every
// loadEvery events and when a batch fails, and returns how many it
// loaded.
func (a *app[S, E]) load(files *jsonl.Log, keys []replay.StreamKey, into string, appendBatch func(context.Context, []replay.Event[jsonv.Payload]) error) (int, error) {
	total := 0
	batch := make([]replay.Event[jsonv.Payload], 0, loadBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := appendBatch(a.ctx, batch); err != nil {
			fmt.Fprintf(a.errOut, "loaded %s into %s before the %s from stream %q seq %d failed\n", count(total, "event"), into, count(len(batch), "event"), batch[0].Stream, batch[0].Seq)
			return err
		}
		if total/loadEvery != (total+len(batch))/loadEvery {
			fmt.Fprintf(a.errOut, "loaded %s…\n", count(total+len(batch), "event"))
		}
		total += len(batch)
		batch = batch[:0]
		return nil
	}
	for from := uint64(1); ; {
		read, err := files.ReadGlobal(a.ctx, keys, from, loadBatch)
		if err != nil {
			if ferr := flush(); ferr != nil {
				return total, ferr
			}
			fmt.Fprintf(a.errOut, "loaded %s into %s before position %d of the files' global order failed\n", count(total, "event"), into, from)
			return total, err
		}
		if len(read) == 0 {
			break
		}
		for _, ge := range read {
			batch = append(batch, ge.Event)
			if len(batch) == loadBatch {
				if err := flush(); err != nil {
					return total, err
				}
			}
		}
		from = read[len(read)-1].Position + 1
	}
	if err := flush(); err != nil {
		return total, err
	}
	a.warn(&source[S, E]{files: files})
	return total, nil
}

// maxReported is how many lines a check before loading names.
const maxReported = 20

// checkLoad reads the streams' events before anything is loaded, and
// refuses them all when change finds, in one or more lines, something
// the store would refuse or keep otherwise than written: it names each
// such line (file:line:column) and what is wrong there, up to
// maxReported of them, and how many there are.
func (a *app[S, E]) checkLoad(files *jsonl.Log, keys []replay.StreamKey, into string, change func([]byte) (int, string, bool)) error {
	var found []string
	n := 0
	for _, key := range keys {
		for ev, err := range replay.All(a.ctx, replay.Log[jsonv.Payload](files), key) {
			if err != nil {
				return err
			}
			_, _, bad := change(ev.Payload.Value)
			for _, f := range ev.Payload.Fields {
				_, _, fbad := change(f.Value)
				bad = bad || fbad
			}
			if !bad {
				continue
			}
			if n++; n > maxReported {
				continue
			}
			where, line, err := files.RawLine(a.ctx, key, ev.Seq)
			if err != nil {
				return err
			}
			at, what, _ := change(line)
			found = append(found, fmt.Sprintf("%s:%d: stream %q seq %d: %s", where, at+1, key, ev.Seq, what))
		}
	}
	if n == 0 {
		return nil
	}
	if n > maxReported {
		found = append(found, fmt.Sprintf("… and %d more", n-maxReported))
	}
	return &exitError{exitBadInput, fmt.Errorf("nothing loaded: %s would not keep %s as written:\n  %s\nchange those lines (drop \\u0000 and lone surrogates, write 0 for -0, keep one of a repeated key), or load them elsewhere (--nats, or keep the files)",
		into, count(n, "line"), strings.Join(found, "\n  "))}
}
