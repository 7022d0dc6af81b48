package jsonl

import (
	"context"
	"runtime"
	"sync"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// prefetcher reads the next batch of a stream while the caller folds the
// one it has, when reads are sequential (as Replay's are), and decodes
// the payloads there too: reading a log then takes two cores, one parsing
// ahead and one folding.
//
// Reads are taken for sequential once one carries on from the last with
// the same limit: a single read (a page of the debugger's list, the
// events around a seq) or the last, shorter read of a range is not
// followed by a batch nobody asks for, decoded on the other core while
// the debugger draws its frame.
type prefetcher struct {
	mu      sync.Mutex
	pending *batch
	// the last read: its stream, limit, and the seq after it
	lastKey   replay.StreamKey
	lastLimit int
	lastEnd   replay.Seq
}

type batch struct {
	key    replay.StreamKey
	from   replay.Seq
	limit  int
	ready  chan struct{}
	events []replay.Event[jsonv.Payload]
	err    error
}

// take returns the prefetched batch if it is the one asked for.
func (p *prefetcher) take(key replay.StreamKey, from replay.Seq, limit int) (*batch, bool) {
	p.mu.Lock()
	b := p.pending
	if b == nil || b.key != key || b.from != from || b.limit != limit {
		p.mu.Unlock()
		return nil, false
	}
	p.pending = nil
	p.mu.Unlock()
	<-b.ready
	if b.err != nil || len(b.events) < limit {
		// Short: the log may have grown since; read it afresh.
		return nil, false
	}
	return b, true
}

// read notes a read of limit events of key from seq from that returned
// n, and reports whether the reads are sequential and the next batch is
// worth reading ahead.
func (p *prefetcher) read(key replay.StreamKey, from replay.Seq, limit, n int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	sequential := key == p.lastKey && from == p.lastEnd && limit == p.lastLimit
	p.lastKey, p.lastLimit, p.lastEnd = key, limit, from+replay.Seq(n)
	return sequential && n == limit
}

// start prefetches a batch, forgetting any other pending one.
func (p *prefetcher) start(l *Log, key replay.StreamKey, from replay.Seq, limit int) {
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	b := &batch{key: key, from: from, limit: limit, ready: make(chan struct{})}
	p.pending = b
	go func() {
		defer close(b.ready)
		b.events, b.err = l.read(context.Background(), key, from, limit)
		for i := range b.events {
			b.events[i].Payload = b.events[i].Payload.Predecode()
		}
	}()
}
