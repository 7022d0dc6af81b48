package jsonl

import (
	"sync"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// eager hands the events of one stream to a reader as indexing meets
// them, already parsed and with their payloads decoded by the indexing
// workers: one pass over the file, on every core, instead of indexing it
// and then reading and decoding the stream again. Replaying a whole
// stream of a large file (replaytui state) reads it this way.
type eager struct {
	mu      sync.Mutex        // guards key, batches, closed
	key     *replay.StreamKey // nil: off
	prepare func(jsonv.Payload) jsonv.Payload
	batches chan []replay.Event[jsonv.Payload]
	closed  bool

	sendMu sync.Mutex // serialises sending on batches and closing it

	readMu sync.Mutex                    // serialises readers
	held   []replay.Event[jsonv.Payload] // received, not yet read
}

// eagerPatience is how long indexing waits for a reader that does not
// take the events; then eager reading is given up and reads fall back to
// the index, so a reader that wanders off never stalls indexing.
const eagerPatience = time.Second

// ReadAhead tells the log that the caller is about to read stream from
// its first event to its last, in order (as Replay does). Its events are
// then parsed while the file is indexed, by the indexing workers, which
// also run prepare (if not nil) on each payload — jsonv.Payload.Predecode
// or PrepareMerge, for the fold to find ready — and Read hands them over
// from memory. Any other read still works as usual.
func (l *Log) ReadAhead(key replay.StreamKey, prepare func(jsonv.Payload) jsonv.Payload) {
	l.eager.mu.Lock()
	defer l.eager.mu.Unlock()
	if l.eager.key != nil || l.eager.closed || l.isDone() {
		return
	}
	l.eager.key, l.eager.prepare = &key, prepare
	l.eager.batches = make(chan []replay.Event[jsonv.Payload], 2)
}

// eagerKey is the stream workers parse ahead (nil: none) and what they
// prepare of its payloads.
func (e *eager) eagerKey() (*replay.StreamKey, func(jsonv.Payload) jsonv.Payload) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.key, e.prepare
}

// push hands a chunk's events of the eager stream to the reader; called
// by the indexer without l.mu held.
func (e *eager) push(events []replay.Event[jsonv.Payload]) {
	if len(events) == 0 {
		return
	}
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	e.mu.Lock()
	ch, closed := e.batches, e.closed
	e.mu.Unlock()
	if ch == nil || closed {
		return
	}
	select {
	case ch <- events:
	case <-time.After(eagerPatience):
		e.mu.Lock()
		e.key = nil // give up: reads go to the index from now on
		e.mu.Unlock()
		e.closeLocked()
	}
}

// finish closes the channel once indexing is over: what is in it can
// still be read.
func (e *eager) finish() {
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	e.closeLocked()
}

// closeLocked closes the channel; called with sendMu held.
func (e *eager) closeLocked() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.batches != nil && !e.closed {
		close(e.batches)
	}
	e.closed = true
}

// take returns events from..from+limit-1 of key if eager reading has
// them (waiting for the indexer to get there), or false to read them
// from the index.
func (e *eager) take(key replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[jsonv.Payload], bool) {
	e.mu.Lock()
	if e.key == nil || *e.key != key {
		e.mu.Unlock()
		return nil, false
	}
	ch := e.batches
	e.mu.Unlock()
	e.readMu.Lock()
	defer e.readMu.Unlock()
	var out []replay.Event[jsonv.Payload]
	for len(out) < limit {
		if len(e.held) == 0 {
			batch, ok := <-ch
			if !ok {
				break // indexing is over (or eager reading given up)
			}
			e.held = batch
		}
		// Skip what the caller read another way; a gap means it did not
		// start where the held events do: let the index answer.
		for len(e.held) > 0 && e.held[0].Seq < from+replay.Seq(len(out)) {
			e.held = e.held[1:]
		}
		if len(e.held) > 0 && e.held[0].Seq != from+replay.Seq(len(out)) {
			return out, len(out) > 0
		}
		n := min(limit-len(out), len(e.held))
		if out == nil {
			// Handed over as they are, not copied: the reader owns them,
			// and cannot append over the ones held.
			out = e.held[:n:n]
		} else {
			out = append(out, e.held[:n]...)
		}
		e.held = e.held[n:]
	}
	return out, len(out) > 0
}
