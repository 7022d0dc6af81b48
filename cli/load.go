package cli

import (
	"context"
	"fmt"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// loadEvery is how many events are loaded between progress lines.
const loadEvery = 10_000

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
	for _, s := range c.Stream {
		keys = append(keys, replay.StreamKey(s))
	}
	if len(keys) == 0 {
		if keys, err = files.Streams(a.ctx); err != nil {
			files.Close()
			return nil, nil, err
		}
	}
	return files, keys, nil
}

// load appends the streams' events from files to a store (into names
// it), each at its own seq: a stream the store already has refuses them
// (seq mismatch) instead of taking them twice. It says how far it got
// every loadEvery events and when one fails, and returns how many it
// loaded.
func (a *app[S, E]) load(files *jsonl.Log, keys []replay.StreamKey, into string, appendEvent func(context.Context, replay.Event[jsonv.Payload]) error) (int, error) {
	total := 0
	for _, key := range keys {
		n := 0
		for ev, err := range replay.All(a.ctx, replay.Log[jsonv.Payload](files), key) {
			if err == nil {
				err = appendEvent(a.ctx, ev)
			}
			if err != nil {
				fmt.Fprintf(a.errOut, "loaded %s into %s before stream %q failed\n", count(total+n, "event"), into, key)
				return total + n, err
			}
			n++
			if (total+n)%loadEvery == 0 {
				fmt.Fprintf(a.errOut, "loaded %s…\n", count(total+n, "event"))
			}
		}
		if n == 0 {
			return total, notFound("no stream %q in the files", key)
		}
		total += n
	}
	a.warn(&source[S, E]{files: files})
	return total, nil
}
