package jetstream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Log is a replay.Log over one JetStream stream, a subject per replay
// stream (see the package doc). Payloads are the message data, encoded
// with encoding/json, or as they are for jsonv.Payload, whose extra
// fields go to the Replay-Fields header. It is safe for concurrent use.
type Log[E any] struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	name   string
	prefix string
	server string

	// next remembers, per subject, where the last Read stopped: the seq
	// after it and a JetStream sequence at or before that seq's message,
	// so reading on needs no search.
	mu      sync.Mutex
	next    map[string]position
	cursors map[string]*cursor // idle ones, by subject
	// tails remembers, per subject, the last message this Log appended:
	// its seq and JetStream sequence.
	tails map[string]position
}

type position struct {
	seq       replay.Seq
	streamSeq uint64
}

var (
	_ replay.Log[int]           = (*Log[int])(nil)
	_ replay.LastSeqReporter    = (*Log[int])(nil)
	_ replay.StreamDescriber    = (*Log[int])(nil)
	_ replay.StreamLister       = (*Log[int])(nil)
	_ replay.Log[jsonv.Payload] = (*Log[jsonv.Payload])(nil)
)

// NewLog returns the log kept in the JetStream stream name under the
// subjects <prefix>.*; the stream must exist (CreateStream makes it) and
// take those subjects.
func NewLog[E any](ctx context.Context, js jetstream.JetStream, name, prefix string) (*Log[E], error) {
	if js == nil {
		return nil, errors.New("jetstream: the JetStream context is nil")
	}
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	server := host(js)
	s, err := js.Stream(ctx, name)
	if err != nil {
		return nil, wrap(server, "open stream "+name, err)
	}
	// A publish to a subject the stream does not take would find no
	// responders on every append; say so now instead.
	if !covers(s.CachedInfo().Config.Subjects, prefix) {
		return nil, fmt.Errorf("nats %s: stream %s takes subjects %v, not %s.*", server, name, s.CachedInfo().Config.Subjects, prefix)
	}
	return &Log[E]{js: js, stream: s, name: name, prefix: prefix, server: server, next: make(map[string]position), cursors: make(map[string]*cursor), tails: make(map[string]position)}, nil
}

// covers reports whether the stream's subjects include prefix.*: the
// wildcard itself, or prefix.> .
func covers(subjects []string, prefix string) bool {
	return slices.Contains(subjects, prefix+".*") || slices.Contains(subjects, prefix+".>") || slices.Contains(subjects, ">")
}

func (l *Log[E]) subject(stream replay.StreamKey) string { return l.prefix + "." + Token(stream) }

// maxRetries bounds the retries of an Append with an assigned seq that
// another writer beat to it.
const maxRetries = 1000

// Append implements [replay.Log].
func (l *Log[E]) Append(ctx context.Context, ev replay.Event[E]) (replay.Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	data, fields, err := jsonv.EncodeStored(ev.Payload)
	if err != nil {
		return 0, fmt.Errorf("append to stream %q: the payload does not encode: %w", ev.Stream, err)
	}
	subj := l.subject(ev.Stream)
	// A writer that appended last knows the tail without asking: one
	// round trip instead of two. The server still checks it, so a stale
	// tail only costs a second try, asking then.
	l.mu.Lock()
	tail, known := l.tails[subj]
	l.mu.Unlock()
	last, lastStreamSeq := tail.seq, tail.streamSeq
	for try := 0; ; try++ {
		if !known {
			if last, lastStreamSeq, err = l.last(ctx, subj); err != nil {
				return 0, wrap(l.server, fmt.Sprintf("append to stream %q", ev.Stream), err)
			}
		}
		if ev.Seq != 0 && ev.Seq != last+1 {
			if known {
				known = false // never refuse on what this writer remembers
				continue
			}
			return 0, fmt.Errorf("append to stream %q at seq %d: next seq is %d: %w", ev.Stream, ev.Seq, last+1, replay.ErrSeqMismatch)
		}
		msg := nats.NewMsg(subj)
		msg.Data = data
		msg.Header.Set(HeaderSeq, strconv.FormatUint(uint64(last+1), 10))
		if !ev.Time.IsZero() {
			msg.Header.Set(HeaderTime, ev.Time.UTC().Format(time.RFC3339Nano))
		}
		if fields != nil {
			msg.Header.Set(HeaderFields, string(fields))
		}
		ack, err := l.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(l.name), jetstream.WithExpectLastSequencePerSubject(lastStreamSeq))
		switch {
		case err == nil:
			l.mu.Lock()
			if len(l.tails) >= maxTails {
				clear(l.tails) // a memory of recent writes, not of every stream
			}
			l.tails[subj] = position{seq: last + 1, streamSeq: ack.Sequence}
			l.mu.Unlock()
			return last + 1, nil
		case wrongLast(err) && known:
			known = false // another writer appended since: ask the server
			continue
		case wrongLast(err) && ev.Seq != 0:
			return 0, fmt.Errorf("append to stream %q at seq %d: another writer appended it first: %w", ev.Stream, ev.Seq, replay.ErrSeqMismatch)
		case wrongLast(err) && try < maxRetries:
			continue // another writer took that seq: take the next
		}
		return 0, wrap(l.server, fmt.Sprintf("append to stream %q seq %d", ev.Stream, last+1), err)
	}
}

// maxTails bounds the tails a Log remembers.
const maxTails = 4096

// wrongLast reports the server refusing a publish whose expected last
// subject sequence is stale. (Replicated streams report it as 10164.)
func wrongLast(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// last returns the seq and JetStream sequence of the last message of
// subj; zeros when it has none.
func (l *Log[E]) last(ctx context.Context, subj string) (replay.Seq, uint64, error) {
	m, err := l.stream.GetLastMsgForSubject(ctx, subj)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	seq, err := seqOf(m.Header, m.Sequence)
	return seq, m.Sequence, err
}

func seqOf(h nats.Header, streamSeq uint64) (replay.Seq, error) {
	v := h.Get(HeaderSeq)
	seq, err := strconv.ParseUint(v, 10, 64)
	if err != nil || seq == 0 {
		return 0, fmt.Errorf("message %d has no valid %s header (%q): it was not appended through replaytui", streamSeq, HeaderSeq, v)
	}
	return replay.Seq(seq), nil
}

// A batch is pulled through a consumer when it is longer than this; a
// shorter one is fetched by direct gets, one round trip each, cheaper
// than making and deleting a consumer.
const directBatch = 4

// pullBatch is how many messages a cursor pulls ahead.
const pullBatch = 4096

// Read implements [replay.Log].
func (l *Log[E]) Read(ctx context.Context, stream replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[E], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read stream %q: limit must be positive, got %d", stream, limit)
	}
	from = max(from, 1)
	what := fmt.Sprintf("read stream %q from seq %d", stream, from)
	subj := l.subject(stream)
	last, lastStreamSeq, err := l.last(ctx, subj)
	if err != nil {
		return nil, wrap(l.server, what, err)
	}
	if from > last {
		return []replay.Event[E]{}, nil
	}
	n := int(min(uint64(limit), uint64(last-from+1)))
	start, err := l.locate(ctx, subj, from, last, lastStreamSeq)
	if err != nil {
		return nil, wrap(l.server, what, err)
	}
	events := make([]replay.Event[E], 0, n)
	var streamSeq uint64 // of the last event read
	add := func(h nats.Header, data []byte, seq uint64) error {
		ev, err := decodeEvent[E](stream, h, data, seq)
		if err != nil {
			return err
		}
		if want := from + replay.Seq(len(events)); ev.Seq != want {
			return fmt.Errorf("message %d holds seq %d where seq %d belongs: messages of this subject were removed or published without replaytui", seq, ev.Seq, want)
		}
		events = append(events, ev)
		streamSeq = seq
		return nil
	}
	if n <= directBatch {
		next := start
		for len(events) < n {
			m, err := l.stream.GetMsg(ctx, next, jetstream.WithGetMsgSubject(subj))
			if err != nil {
				return nil, wrap(l.server, what, err)
			}
			if err := add(m.Header, m.Data, m.Sequence); err != nil {
				return nil, wrap(l.server, what, err)
			}
			next = m.Sequence + 1
		}
	} else if err := l.pull(ctx, subj, from, start, n, add); err != nil {
		if l.js.Conn().IsClosed() && !errors.Is(err, nats.ErrConnectionClosed) {
			// The iterator reports its own end, not why: say it.
			err = fmt.Errorf("%w: %w", nats.ErrConnectionClosed, err)
		}
		return nil, wrap(l.server, what, err)
	}
	l.mu.Lock()
	l.next[subj] = position{seq: from + replay.Seq(len(events)), streamSeq: streamSeq + 1}
	l.mu.Unlock()
	return events, nil
}

// A cursor is a consumer of one subject with its messages iterator,
// pulling ahead of the reads: reading a stream from start to end makes
// one consumer, not one per batch (making one costs the server a count
// of the subject's messages, tens of milliseconds in a large stream).
type cursor struct {
	name string
	it   jetstream.MessagesContext
	next replay.Seq // the seq it delivers next
}

// maxCursors bounds the idle cursors a Log keeps, each with up to
// pullBatch messages pulled ahead.
const maxCursors = 8

// pull reads n messages of subj from seq (at JetStream sequence start or
// after), through the idle cursor that stopped at seq or a new one.
func (l *Log[E]) pull(ctx context.Context, subj string, seq replay.Seq, start uint64, n int, add func(nats.Header, []byte, uint64) error) error {
	l.mu.Lock()
	c := l.cursors[subj]
	delete(l.cursors, subj)
	l.mu.Unlock()
	if c != nil && c.next != seq {
		l.drop(ctx, c)
		c = nil
	}
	if c == nil {
		cons, err := l.stream.CreateConsumer(ctx, jetstream.ConsumerConfig{
			FilterSubject:     subj,
			DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
			OptStartSeq:       start,
			AckPolicy:         jetstream.AckNonePolicy,
			MemoryStorage:     true,
			InactiveThreshold: time.Minute, // the server removes it if the delete is lost
		})
		if err != nil {
			return err
		}
		c = &cursor{name: cons.CachedInfo().Name, next: seq}
		if c.it, err = cons.Messages(jetstream.PullMaxMessages(pullBatch)); err != nil {
			l.drop(ctx, c)
			return err
		}
	}
	for got := 0; got < n; {
		// The messages are there (the last one was seen before), so they
		// arrive at once; a bound still keeps a removed message from
		// hanging the read.
		bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		for end := min(n, got+1024); got < end; got++ {
			m, err := c.it.Next(jetstream.NextContext(bctx))
			if err == nil {
				var meta *jetstream.MsgMetadata
				if meta, err = m.Metadata(); err == nil {
					err = add(m.Headers(), m.Data(), meta.Sequence.Stream)
				}
			}
			if err != nil {
				cancel()
				l.drop(ctx, c)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return err
			}
		}
		cancel()
	}
	c.next = seq + replay.Seq(n)
	l.mu.Lock()
	if old := l.cursors[subj]; old == nil && len(l.cursors) >= maxCursors {
		for s, o := range l.cursors { // any one: reads rarely jump between more streams
			old = o
			delete(l.cursors, s)
			break
		}
		defer l.drop(ctx, old)
	} else if old != nil {
		defer l.drop(ctx, old)
	}
	l.cursors[subj] = c
	l.mu.Unlock()
	return nil
}

// drop stops a cursor and deletes its consumer.
func (l *Log[E]) drop(ctx context.Context, c *cursor) {
	if c.it != nil {
		c.it.Stop()
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	l.stream.DeleteConsumer(dctx, c.name)
}

// Close deletes the consumers the log keeps for reading on; the log stays
// usable. It does not close the connection.
func (l *Log[E]) Close() error {
	l.mu.Lock()
	cursors := l.cursors
	l.cursors = make(map[string]*cursor)
	l.mu.Unlock()
	for _, c := range cursors {
		l.drop(context.Background(), c)
	}
	return nil
}

// locate returns a JetStream sequence at or before the message of seq in
// subj, after every message of subj with a lower seq, so that a consumer
// filtered by subj starting there delivers seq first.
func (l *Log[E]) locate(ctx context.Context, subj string, seq, last replay.Seq, lastStreamSeq uint64) (uint64, error) {
	switch {
	case seq == 1:
		return 1, nil
	case seq == last:
		return lastStreamSeq, nil
	}
	l.mu.Lock()
	pos, ok := l.next[subj]
	l.mu.Unlock()
	if ok && pos.seq == seq {
		return pos.streamSeq, nil
	}
	// Binary search: the message of seq lies in [lo, hi].
	lo, hi := uint64(1), lastStreamSeq
	for lo < hi {
		mid := lo + (hi-lo)/2
		m, err := l.stream.GetMsg(ctx, mid, jetstream.WithGetMsgSubject(subj))
		if err != nil {
			return 0, err
		}
		got, err := seqOf(m.Header, m.Sequence)
		if err != nil {
			return 0, err
		}
		switch {
		case got == seq:
			return m.Sequence, nil
		case got < seq:
			lo = m.Sequence + 1
		default: // the first message at or after mid is past seq
			hi = mid - 1
		}
	}
	return lo, nil
}

// decodeEvent makes an event of a message.
func decodeEvent[E any](stream replay.StreamKey, h nats.Header, data []byte, streamSeq uint64) (replay.Event[E], error) {
	seq, err := seqOf(h, streamSeq)
	if err != nil {
		return replay.Event[E]{}, err
	}
	ev := replay.Event[E]{Stream: stream, Seq: seq}
	if v := h.Get(HeaderTime); v != "" {
		if ev.Time, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return ev, fmt.Errorf("seq %d: the %s header is not an RFC 3339 time: %w", seq, HeaderTime, err)
		}
	}
	if ev.Payload, err = jsonv.DecodeStored[E](data, []byte(h.Get(HeaderFields))); err != nil {
		return ev, fmt.Errorf("seq %d: the payload does not decode: %w", seq, err)
	}
	return ev, nil
}

// LastSeq implements [replay.LastSeqReporter]: one direct get.
func (l *Log[E]) LastSeq(ctx context.Context, stream replay.StreamKey) (replay.Seq, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	last, _, err := l.last(ctx, l.subject(stream))
	if err != nil {
		return 0, wrap(l.server, fmt.Sprintf("latest seq of stream %q", stream), err)
	}
	return last, nil
}

// StreamInfos implements [replay.StreamDescriber]: the subjects with
// their message counts, sorted by key, First and Last the times of the
// first and the last event of each (two direct gets per stream).
func (l *Log[E]) StreamInfos(ctx context.Context) ([]replay.StreamInfo, error) {
	counts, err := l.subjects(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]replay.StreamInfo, 0, len(counts))
	for key, n := range counts {
		info := replay.StreamInfo{Key: key, Events: int(n)}
		subj := l.subject(key)
		first, err := l.stream.GetMsg(ctx, 1, jetstream.WithGetMsgSubject(subj))
		if err != nil {
			return nil, wrap(l.server, fmt.Sprintf("describe stream %q", key), err)
		}
		last, err := l.stream.GetLastMsgForSubject(ctx, subj)
		if err != nil {
			return nil, wrap(l.server, fmt.Sprintf("describe stream %q", key), err)
		}
		for _, m := range []*jetstream.RawStreamMsg{first, last} {
			if v := m.Header.Get(HeaderTime); v != "" {
				if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
					if info.First.IsZero() || t.Before(info.First) {
						info.First = t
					}
					if t.After(info.Last) {
						info.Last = t
					}
				}
			}
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b replay.StreamInfo) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return out, nil
}

// Streams implements [replay.StreamLister]: one stream info request.
func (l *Log[E]) Streams(ctx context.Context) ([]replay.StreamKey, error) {
	counts, err := l.subjects(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]replay.StreamKey, 0, len(counts))
	for key := range counts {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys, nil
}

// subjects returns the message count of every subject under the prefix,
// by stream key.
func (l *Log[E]) subjects(ctx context.Context) (map[replay.StreamKey]uint64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info, err := l.stream.Info(ctx, jetstream.WithSubjectFilter(l.prefix+".*"))
	if err != nil {
		return nil, wrap(l.server, "list streams", err)
	}
	out := make(map[replay.StreamKey]uint64, len(info.State.Subjects))
	for subj, n := range info.State.Subjects {
		key, ok := KeyOf(subj[len(l.prefix)+1:])
		if !ok {
			return nil, fmt.Errorf("nats %s: list streams: subject %s is not one of a replay stream (see the package doc)", l.server, subj)
		}
		out[key] = n
	}
	return out, nil
}
