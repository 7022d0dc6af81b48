package jetstream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
)

// server connects to the test server named by REPLAY_TEST_NATS, or skips:
// .ci/run sets it, and fails when the server does not answer.
func server(t testing.TB) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	url := os.Getenv("REPLAY_TEST_NATS")
	if url == "" {
		t.Skip("REPLAY_TEST_NATS is not set (e.g. nats://127.0.0.1:4222, a nats-server started with -js); .ci/run sets it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, js, err := Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc, js
}

func unique(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// newStream creates a fresh JetStream stream, deleted after the test, and
// returns its name and subject prefix.
func newStream(t testing.TB, js jetstream.JetStream) (name, prefix string) {
	t.Helper()
	name = unique("test_events_")
	prefix = name
	if _, err := CreateStream(context.Background(), js, name, prefix); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js.DeleteStream(context.Background(), name) })
	return name, prefix
}

func newLog[E any](t testing.TB, js jetstream.JetStream) *Log[E] {
	t.Helper()
	name, prefix := newStream(t, js)
	log, err := NewLog[E](context.Background(), js, name, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func newBucket(t testing.TB, js jetstream.JetStream) jetstream.KeyValue {
	t.Helper()
	name := unique("test_checkpoints_")
	kv, err := CreateBucket(context.Background(), js, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js.DeleteKeyValue(context.Background(), name) })
	return kv
}

func TestLogConformance(t *testing.T) {
	_, js := server(t)
	replaytest.TestLog(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		return rawLog{newLog[jsonv.Payload](t, js)}
	})
}

func TestSnapshotterConformance(t *testing.T) {
	_, js := server(t)
	replaytest.TestSnapshotter(t, func(t *testing.T) replay.Snapshotter[replaytest.Payload] {
		s, err := NewSnapshotter[replaytest.Payload](js, newBucket(t, js),
			func(s replaytest.Payload) ([]byte, error) { return s, nil },
			func(b []byte) (replaytest.Payload, error) { return replaytest.Payload(b), nil })
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The suite speaks json.RawMessage; the log stores jsonv payloads.
type rawLog struct{ *Log[jsonv.Payload] }

func (r rawLog) Append(ctx context.Context, ev replay.Event[replaytest.Payload]) (replay.Seq, error) {
	return r.Log.Append(ctx, replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: jsonv.Payload{Value: ev.Payload}})
}

func (r rawLog) Read(ctx context.Context, s replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[replaytest.Payload], error) {
	events, err := r.Log.Read(ctx, s, from, limit)
	out := make([]replay.Event[replaytest.Payload], len(events))
	for i, ev := range events {
		out[i] = replay.Event[replaytest.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: replaytest.Payload(ev.Payload.Value)}
	}
	return out, err
}

func TestTokensRoundTrip(t *testing.T) {
	for _, key := range []replay.StreamKey{"42", "acct-7_b", "", "a.b", "a b", "*", ">", "=x", "ünï", "orders.42", replay.StreamKey(strings.Repeat("x", 300))} {
		tok := Token(key)
		if strings.ContainsAny(tok, ".*> \t") || tok == "" {
			t.Errorf("Token(%q) = %q is not one subject token", key, tok)
		}
		back, ok := KeyOf(tok)
		if !ok || back != key {
			t.Errorf("KeyOf(Token(%q) = %q) = %q, %v", key, tok, back, ok)
		}
	}
	if Token("42") != "42" {
		t.Errorf("a plain key is its own token: %q", Token("42"))
	}
	// A token in either form that Token would not make is refused, so no
	// two subjects name one key.
	for _, tok := range []string{"=" + tokens.EncodeToString([]byte("abc")), "a+b", "=!!"} {
		if key, ok := KeyOf(tok); ok {
			t.Errorf("KeyOf(%q) = %q, true", tok, key)
		}
	}
}

// Keys that are not subject tokens are streams of their own, listed and
// read back under their own names.
func TestKeysThatAreNotSubjectTokens(t *testing.T) {
	_, js := server(t)
	log := newLog[int](t, js)
	ctx := context.Background()
	keys := []replay.StreamKey{"orders.42", "a b", "", "*", "plain"}
	for i, k := range keys {
		for j := range 2 {
			if _, err := log.Append(ctx, replay.Event[int]{Stream: k, Payload: i*10 + j}); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := log.Streams(ctx)
	if err != nil || fmt.Sprint(got) != fmt.Sprint([]replay.StreamKey{"", "*", "a b", "orders.42", "plain"}) {
		t.Fatalf("Streams = %q, %v", got, err)
	}
	for i, k := range keys {
		evs, err := log.Read(ctx, k, 1, 10)
		if err != nil || len(evs) != 2 || evs[1].Payload != i*10+1 || evs[1].Stream != k {
			t.Fatalf("stream %q: %+v, %v", k, evs, err)
		}
	}
}

// Reads anywhere in a stream interleaved with others find their first
// seq (the search), read on (the remembered position) and cross the
// pull and direct-get paths alike.
func TestReadsAnywhereInInterleavedStreams(t *testing.T) {
	_, js := server(t)
	log := newLog[int](t, js)
	ctx := context.Background()
	const n = 300
	for i := 1; i <= n; i++ {
		for _, s := range []replay.StreamKey{"a", "b", "c"}[:1+i%3] {
			if _, err := log.Append(ctx, replay.Event[int]{Stream: s, Payload: i}); err != nil {
				t.Fatal(err)
			}
		}
	}
	last, err := log.LastSeq(ctx, "a")
	if err != nil || last != n {
		t.Fatalf("LastSeq(a) = %d, %v", last, err)
	}
	for _, from := range []replay.Seq{1, 2, 7, 99, 100, 150, 298, 299, 300} {
		for _, limit := range []int{1, 3, 5, 64, 1000} {
			evs, err := log.Read(ctx, "a", from, limit)
			if err != nil {
				t.Fatal(err)
			}
			want := min(limit, int(n-from+1))
			if len(evs) != want {
				t.Fatalf("Read(a, %d, %d): %d events, want %d", from, limit, len(evs), want)
			}
			for i, ev := range evs {
				if ev.Seq != from+replay.Seq(i) || ev.Payload != int(ev.Seq) {
					t.Fatalf("Read(a, %d, %d)[%d] = seq %d payload %d", from, limit, i, ev.Seq, ev.Payload)
				}
			}
		}
	}
	// Reading on from where the last read stopped.
	var all []replay.Event[int]
	for ev, err := range replay.All(ctx, replay.Log[int](log), "b") {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ev)
	}
	lastB, _ := log.LastSeq(ctx, "b")
	if len(all) != int(lastB) || all[len(all)-1].Seq != lastB {
		t.Fatalf("All(b): %d events, last seq %d", len(all), lastB)
	}
	infos, err := log.StreamInfos(ctx)
	if err != nil || len(infos) != 3 || infos[0].Key != "a" || infos[0].Events != n || infos[1].Events != int(lastB) {
		t.Fatalf("StreamInfos = %+v, %v", infos, err)
	}
}

// stress runs writers x seqs appends of explicit seqs 1..seqs to each of
// streams, all writers on every stream: every seq is won exactly once,
// every loss is ErrSeqMismatch, and each stream reads back as 1..seqs.
func stress(t *testing.T, log *Log[int], streams []replay.StreamKey, writers, seqs int) {
	var mu sync.Mutex
	won := make(map[replay.StreamKey]map[replay.Seq]int)
	for _, s := range streams {
		won[s] = make(map[replay.Seq]int)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	ctx := context.Background()
	for w := range writers {
		wg.Go(func() {
			for seq := replay.Seq(1); seq <= replay.Seq(seqs); seq++ {
				for _, s := range streams {
					_, err := log.Append(ctx, replay.Event[int]{Stream: s, Seq: seq, Payload: w})
					switch {
					case err == nil:
						mu.Lock()
						won[s][seq]++
						mu.Unlock()
					case !errors.Is(err, replay.ErrSeqMismatch):
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, s := range streams {
		all, err := log.Read(ctx, s, 1, 2*seqs)
		if err != nil || len(all) != seqs {
			t.Fatalf("stream %s: %d events (%v), want %d", s, len(all), err, seqs)
		}
		for i, ev := range all {
			if ev.Seq != replay.Seq(i+1) || won[s][ev.Seq] != 1 {
				t.Fatalf("stream %s: seq %d at %d won %d times", s, ev.Seq, i, won[s][ev.Seq])
			}
		}
	}
}

// 8 writers x 1,000 explicit seqs on one stream.
func TestStressExplicitSeqsOnOneStream(t *testing.T) {
	_, js := server(t)
	stress(t, newLog[int](t, js), []replay.StreamKey{"one"}, 8, 1000)
}

// 8 writers x 1,000 explicit seqs on each of three streams sharing one
// JetStream stream: a conflict on one subject never blocks another.
func TestStressExplicitSeqsOnSharedStreams(t *testing.T) {
	_, js := server(t)
	stress(t, newLog[int](t, js), []replay.StreamKey{"x", "y", "z z"}, 8, 1000)
}

// 8 writers to 8 streams with assigned seqs: nothing lost, nothing
// duplicated.
func TestStressAssignedSeqsOnEightStreams(t *testing.T) {
	_, js := server(t)
	log := newLog[int](t, js)
	const writers, each = 8, 250
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				// Two writers share each stream, so assigned seqs race.
				stream := replay.StreamKey(fmt.Sprintf("s%d", (w+i)%writers))
				if _, err := log.Append(ctx, replay.Event[int]{Stream: stream, Payload: w*each + i}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	total := 0
	for s := range writers {
		evs, err := log.Read(ctx, replay.StreamKey(fmt.Sprintf("s%d", s)), 1, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		for i, ev := range evs {
			if ev.Seq != replay.Seq(i+1) || seen[ev.Payload] {
				t.Fatalf("stream s%d: seq %d at %d, payload %d seen before: %v", s, ev.Seq, i, ev.Payload, seen[ev.Payload])
			}
			seen[ev.Payload] = true
		}
		total += len(evs)
	}
	if total != writers*each {
		t.Fatalf("%d events, want %d", total, writers*each)
	}
}

func TestJSONPayloadsKeepTheirFields(t *testing.T) {
	_, js := server(t)
	log := newLog[jsonv.Payload](t, js)
	ctx := context.Background()
	in := jsonv.Payload{Value: []byte(`{"amount": 50}`), Fields: []jsonv.Field{{Name: "type", Value: []byte(`"deposit"`)}, {Name: "gseq", Value: []byte("7")}, {Name: "note", Value: []byte("\"two\\nlines\"")}}}
	at := time.Date(2026, 5, 30, 12, 0, 0, 123456789, time.UTC)
	if _, err := log.Append(ctx, replay.Event[jsonv.Payload]{Stream: "a", Time: at, Payload: in}); err != nil {
		t.Fatal(err)
	}
	out, err := log.Read(ctx, "a", 1, 1)
	if err != nil || len(out) != 1 || out[0].Payload.Type() != "deposit" || len(out[0].Payload.Fields) != 3 || !out[0].Time.Equal(at) {
		t.Fatalf("read back %+v, %v", out, err)
	}
	if string(out[0].Payload.Value) != `{"amount": 50}` {
		t.Fatalf("the payload came back as %s", out[0].Payload.Value)
	}
	infos, err := log.StreamInfos(ctx)
	if err != nil || len(infos) != 1 || infos[0].Events != 1 || !infos[0].First.Equal(at) || !infos[0].Last.Equal(at) {
		t.Fatalf("StreamInfos = %+v, %v", infos, err)
	}
}

// A message published to a stream's subject by something else than this
// package is an error that says so, not a renumbered log.
func TestAForeignMessageIsNamed(t *testing.T) {
	_, js := server(t)
	log := newLog[int](t, js)
	ctx := context.Background()
	log.Append(ctx, replay.Event[int]{Stream: "a", Payload: 1})
	if _, err := js.Publish(ctx, log.prefix+".a", []byte("2")); err != nil {
		t.Fatal(err)
	}
	if _, err := log.Read(ctx, "a", 1, 10); err == nil || !strings.Contains(err.Error(), "Replay-Seq") {
		t.Fatalf("Read = %v", err)
	}
	if _, err := log.Append(ctx, replay.Event[int]{Stream: "a", Payload: 3}); err == nil || !strings.Contains(err.Error(), "Replay-Seq") {
		t.Fatalf("Append = %v", err)
	}
}

func TestOpeningRefusesWhatItCannotUse(t *testing.T) {
	_, js := server(t)
	ctx := context.Background()
	if _, err := NewLog[int](ctx, js, unique("none_"), "x"); err == nil || !strings.Contains(err.Error(), "stream not found") {
		t.Fatalf("a missing stream: %v", err)
	}
	name, _ := newStream(t, js)
	if _, err := NewLog[int](ctx, js, name, "other"); err == nil || !strings.Contains(err.Error(), "not other.*") {
		t.Fatalf("a prefix the stream does not take: %v", err)
	}
	if _, err := NewLog[int](ctx, js, name, "a.*"); err == nil {
		t.Fatal("a wildcard prefix was taken")
	}
}

func TestConnectionErrorsNameTheServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, err := Connect(ctx, "nats://127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "nats nats://127.0.0.1:1: cannot connect") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadsHonourTheDeadline(t *testing.T) {
	_, js := server(t)
	log := newLog[int](t, js)
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	if _, err := log.Read(ctx, "a", 1, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

// Closing the connection under load: appenders and readers get an error
// that says the connection is closed, and every acknowledged append is
// there afterwards, in a log that still reads 1..n.
func TestClosingTheConnectionUnderLoadLosesNothing(t *testing.T) {
	_, js := server(t)
	name, prefix := newStream(t, js)
	ctx := context.Background()
	nc2, js2, err := Connect(ctx, os.Getenv("REPLAY_TEST_NATS"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc2.Close()
	log, err := NewLog[int](ctx, js2, name, prefix)
	if err != nil {
		t.Fatal(err)
	}
	// Something to read while the connection goes.
	for i := range 2000 {
		if _, err := log.Append(ctx, replay.Event[int]{Stream: "r", Payload: i}); err != nil {
			t.Fatal(err)
		}
	}
	const writers = 4
	acked := make([][]replay.Seq, writers)
	errs := make([]error, writers+1)
	var wg sync.WaitGroup
	started := make(chan struct{}, writers+1)
	for w := range writers {
		wg.Go(func() {
			stream := replay.StreamKey(fmt.Sprintf("w%d", w))
			for i := range 1_000_000 {
				seq, err := log.Append(ctx, replay.Event[int]{Stream: stream, Payload: i + 1})
				if err != nil {
					errs[w] = err
					return
				}
				acked[w] = append(acked[w], seq)
				if i == 10 {
					started <- struct{}{}
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 1_000_000 {
			if _, err := log.Read(ctx, "r", 1, 2000); err != nil {
				errs[writers] = err
				return
			}
			if i == 0 {
				started <- struct{}{}
			}
		}
	})
	for range writers + 1 {
		<-started
	}
	nc2.Close()
	wg.Wait()
	for _, err := range errs {
		if err == nil || !errors.Is(err, nats.ErrConnectionClosed) || !strings.Contains(err.Error(), "the connection is closed") {
			t.Fatalf("after the close: %v; want the connection closed, said", err)
		}
	}
	// Over the other connection: each writer's acknowledged seqs are
	// there with their payloads; at most one more (published, its ack
	// lost) follows them.
	check, err := NewLog[int](ctx, js, name, prefix)
	if err != nil {
		t.Fatal(err)
	}
	for w := range writers {
		evs, err := check.Read(ctx, replay.StreamKey(fmt.Sprintf("w%d", w)), 1, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) < len(acked[w]) || len(evs) > len(acked[w])+1 {
			t.Fatalf("writer %d: %d acknowledged, %d stored", w, len(acked[w]), len(evs))
		}
		for i, ev := range evs {
			if ev.Seq != replay.Seq(i+1) || ev.Payload != i+1 {
				t.Fatalf("writer %d: event %d is seq %d payload %d", w, i, ev.Seq, ev.Payload)
			}
		}
	}
}

// Reads that go on where they stopped, across more streams than the log
// keeps consumers for, with appends in between, read every event once
// and in order.
func TestReadingOnAcrossManyStreamsAndAppends(t *testing.T) {
	_, js := server(t)
	log := newLog[int](t, js)
	defer log.Close()
	ctx := context.Background()
	const streams, rounds, per = maxCursors + 3, 4, 40
	next := make([]replay.Seq, streams)
	for i := range next {
		next[i] = 1
	}
	for r := range rounds {
		for s := range streams {
			for i := range per {
				if _, err := log.Append(ctx, replay.Event[int]{Stream: replay.StreamKey(fmt.Sprint(s)), Payload: r*per + i + 1}); err != nil {
					t.Fatal(err)
				}
			}
		}
		for s := range streams {
			for range 3 { // 40 events in reads of 16: two pulls and a rest
				evs, err := log.Read(ctx, replay.StreamKey(fmt.Sprint(s)), next[s], 16)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range evs {
					if ev.Seq != next[s] || ev.Payload != int(ev.Seq) {
						t.Fatalf("stream %d round %d: seq %d payload %d, want seq %d", s, r, ev.Seq, ev.Payload, next[s])
					}
					next[s]++
				}
			}
		}
	}
	for s := range streams {
		if next[s] != rounds*per+1 {
			t.Fatalf("stream %d read up to %d", s, next[s]-1)
		}
	}
}

// Creating what exists leaves it as its owner made it.
func TestCreatingLeavesAnExistingStreamAlone(t *testing.T) {
	_, js := server(t)
	ctx := context.Background()
	name := unique("test_theirs_")
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{name + ".>"}, MaxMsgs: 1_000_000}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js.DeleteStream(context.Background(), name) })
	s, err := CreateStream(ctx, js, name, name)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := s.CachedInfo().Config; cfg.Subjects[0] != name+".>" || cfg.MaxMsgs != 1_000_000 {
		t.Fatalf("the stream became %v, %d", cfg.Subjects, cfg.MaxMsgs)
	}
	if _, err := NewLog[int](ctx, js, name, name); err != nil {
		t.Fatalf("a stream taking PREFIX.> : %v", err)
	}
	kv := newBucket(t, js)
	again, err := CreateBucket(ctx, js, kv.Bucket())
	if err != nil || again.Bucket() != kv.Bucket() {
		t.Fatalf("CreateBucket on an existing bucket: %v", err)
	}
}
