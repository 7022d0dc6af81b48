// Package replaytest is the conformance suite every replay.Log and
// replay.Snapshotter must pass. A backend's test calls TestLog or
// TestSnapshotter with a constructor; each subtest gets a fresh, empty
// store.
//
// The suite speaks JSON (json.RawMessage payloads and states) because
// every backend can carry it; payloads and states are compared as JSON
// values, so a backend may reformat them (PostgreSQL's jsonb does). Times
// are whole seconds in UTC; a zero time must come back zero.
package replaytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
)

// Payload is the payload and state type of the suite.
type Payload = json.RawMessage

var t0 = time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC)

func payload(format string, args ...any) Payload {
	return Payload(fmt.Sprintf(format, args...))
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(t *testing.T, a, b Payload) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("payload %q is not JSON: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("payload %q is not JSON: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

func appendOK(t *testing.T, log replay.Log[Payload], ev replay.Event[Payload]) replay.Seq {
	t.Helper()
	seq, err := log.Append(context.Background(), ev)
	if err != nil {
		t.Fatalf("Append(stream %q, seq %d): %v", ev.Stream, ev.Seq, err)
	}
	return seq
}

func readOK(t *testing.T, log replay.Log[Payload], stream replay.StreamKey, from replay.Seq, limit int) []replay.Event[Payload] {
	t.Helper()
	events, err := log.Read(context.Background(), stream, from, limit)
	if err != nil {
		t.Fatalf("Read(%q, from %d, limit %d): %v", stream, from, limit, err)
	}
	return events
}

// wantSeqs checks that events are exactly the seqs want, of stream.
func wantSeqs(t *testing.T, events []replay.Event[Payload], stream replay.StreamKey, want ...replay.Seq) {
	t.Helper()
	got := make([]replay.Seq, len(events))
	for i, ev := range events {
		got[i] = ev.Seq
		if ev.Stream != stream {
			t.Errorf("event seq %d has stream %q, want %q", ev.Seq, ev.Stream, stream)
		}
	}
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("seqs = %v, want %v", got, want)
	}
}

func wantMismatch(t *testing.T, log replay.Log[Payload], ev replay.Event[Payload], why string) {
	t.Helper()
	seq, err := log.Append(context.Background(), ev)
	if !errors.Is(err, replay.ErrSeqMismatch) {
		t.Fatalf("Append(stream %q, seq %d) (%s) = seq %d, err %v; want an error wrapping ErrSeqMismatch", ev.Stream, ev.Seq, why, seq, err)
	}
}

// fill appends n events to stream with assigned seqs; payload i is {"n":i}.
func fill(t *testing.T, log replay.Log[Payload], stream replay.StreamKey, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		appendOK(t, log, replay.Event[Payload]{Stream: stream, Time: t0.Add(time.Duration(i) * time.Second), Payload: payload(`{"n":%d}`, i)})
	}
}

// TestLog runs the Log conformance suite. newLog must return a new, empty
// log each time it is called.
func TestLog(t *testing.T, newLog func(t *testing.T) replay.Log[Payload]) {
	t.Run("AssignsSeqsFromOne", func(t *testing.T) {
		log := newLog(t)
		for want := replay.Seq(1); want <= 3; want++ {
			ev := replay.Event[Payload]{Stream: "a", Time: t0.Add(time.Duration(want) * time.Minute), Payload: payload(`{"n":%d}`, want)}
			if got := appendOK(t, log, ev); got != want {
				t.Fatalf("Append with seq 0 returned seq %d, want %d", got, want)
			}
		}
		events := readOK(t, log, "a", 1, 10)
		wantSeqs(t, events, "a", 1, 2, 3)
		for _, ev := range events {
			if !ev.Time.Equal(t0.Add(time.Duration(ev.Seq) * time.Minute)) {
				t.Errorf("seq %d: time %v, want %v", ev.Seq, ev.Time, t0.Add(time.Duration(ev.Seq)*time.Minute))
			}
			if !sameJSON(t, ev.Payload, payload(`{"n":%d}`, ev.Seq)) {
				t.Errorf("seq %d: payload %s, want {\"n\":%d}", ev.Seq, ev.Payload, ev.Seq)
			}
		}
	})

	t.Run("ExplicitSeqs", func(t *testing.T) {
		log := newLog(t)
		for seq := replay.Seq(1); seq <= 3; seq++ {
			if got := appendOK(t, log, replay.Event[Payload]{Stream: "a", Seq: seq, Payload: payload(`%d`, seq)}); got != seq {
				t.Fatalf("Append(seq %d) returned seq %d", seq, got)
			}
		}
		wantSeqs(t, readOK(t, log, "a", 1, 10), "a", 1, 2, 3)
		if got := appendOK(t, log, replay.Event[Payload]{Stream: "a", Payload: payload(`4`)}); got != 4 {
			t.Fatalf("assigned seq after explicit ones = %d, want 4", got)
		}
	})

	t.Run("RejectsBadSeqs", func(t *testing.T) {
		log := newLog(t)
		wantMismatch(t, log, replay.Event[Payload]{Stream: "a", Seq: 2, Payload: payload(`0`)}, "a new stream starts at 1")
		fill(t, log, "a", 3)
		wantMismatch(t, log, replay.Event[Payload]{Stream: "a", Seq: 5, Payload: payload(`0`)}, "a gap")
		wantMismatch(t, log, replay.Event[Payload]{Stream: "a", Seq: 3, Payload: payload(`0`)}, "a duplicate of the last")
		wantMismatch(t, log, replay.Event[Payload]{Stream: "a", Seq: 1, Payload: payload(`0`)}, "a stale seq")
		events := readOK(t, log, "a", 1, 10)
		wantSeqs(t, events, "a", 1, 2, 3)
		for _, ev := range events {
			if !sameJSON(t, ev.Payload, payload(`{"n":%d}`, ev.Seq)) {
				t.Errorf("seq %d payload %s changed by a rejected append", ev.Seq, ev.Payload)
			}
		}
	})

	t.Run("StreamsAreIndependent", func(t *testing.T) {
		log := newLog(t)
		for i := range 3 {
			for _, s := range []replay.StreamKey{"a", "b", "c"} {
				if got := appendOK(t, log, replay.Event[Payload]{Stream: s, Payload: payload(`{"s":%q,"i":%d}`, s, i)}); got != replay.Seq(i+1) {
					t.Fatalf("stream %q: assigned seq %d, want %d", s, got, i+1)
				}
			}
		}
		appendOK(t, log, replay.Event[Payload]{Stream: "b", Seq: 4, Payload: payload(`{}`)})
		wantSeqs(t, readOK(t, log, "a", 1, 10), "a", 1, 2, 3)
		wantSeqs(t, readOK(t, log, "b", 1, 10), "b", 1, 2, 3, 4)
		for _, ev := range readOK(t, log, "c", 1, 10) {
			if !sameJSON(t, ev.Payload, payload(`{"s":"c","i":%d}`, ev.Seq-1)) {
				t.Errorf("stream c seq %d has payload %s", ev.Seq, ev.Payload)
			}
		}
	})

	t.Run("ReadRangesAndLimits", func(t *testing.T) {
		log := newLog(t)
		fill(t, log, "a", 10)
		wantSeqs(t, readOK(t, log, "a", 4, 3), "a", 4, 5, 6)
		wantSeqs(t, readOK(t, log, "a", 0, 2), "a", 1, 2)
		wantSeqs(t, readOK(t, log, "a", 1, 1), "a", 1)
		wantSeqs(t, readOK(t, log, "a", 9, 5), "a", 9, 10)
		wantSeqs(t, readOK(t, log, "a", 10, 1), "a", 10)
		wantSeqs(t, readOK(t, log, "a", 1, 100), "a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	})

	t.Run("ReadPastTheEndAndUnknownStream", func(t *testing.T) {
		log := newLog(t)
		fill(t, log, "a", 3)
		wantSeqs(t, readOK(t, log, "a", 4, 10), "a")
		wantSeqs(t, readOK(t, log, "a", 1000, 10), "a")
		wantSeqs(t, readOK(t, log, "nope", 1, 10), "nope")
		wantSeqs(t, readOK(t, newLog(t), "a", 1, 10), "a")
	})

	t.Run("ReturnedSlicesAreTheCallers", func(t *testing.T) {
		log := newLog(t)
		fill(t, log, "a", 4)
		events := readOK(t, log, "a", 1, 2)
		events[0].Seq, events[0].Stream, events[0].Payload = 99, "zzz", payload(`"changed"`)
		events[1].Time = time.Time{}
		events = append(events, replay.Event[Payload]{Stream: "a", Seq: 3, Payload: payload(`"appended"`)})
		_ = events
		again := readOK(t, log, "a", 1, 10)
		wantSeqs(t, again, "a", 1, 2, 3, 4)
		for _, ev := range again {
			if !sameJSON(t, ev.Payload, payload(`{"n":%d}`, ev.Seq)) || ev.Time.IsZero() {
				t.Errorf("seq %d changed through a slice returned by Read: %+v", ev.Seq, ev)
			}
		}
	})

	t.Run("TimesAndPayloads", func(t *testing.T) {
		log := newLog(t)
		payloads := []Payload{
			payload(`{"type":"deposit","amount":50,"nested":{"a":[1,2,{"b":null}]}}`),
			payload(`"a string with \"quotes\", \\ and ünïcödé ☃"`),
			payload(`[1,2.5,-3e2,true,false,null]`),
			payload(`12345678901`),
			payload(`null`),
		}
		for i, p := range payloads {
			ev := replay.Event[Payload]{Stream: "a", Payload: p}
			if i%2 == 0 {
				ev.Time = t0.Add(time.Duration(i) * time.Hour)
			}
			appendOK(t, log, ev)
		}
		for i, ev := range readOK(t, log, "a", 1, 10) {
			if !sameJSON(t, ev.Payload, payloads[i]) {
				t.Errorf("seq %d: payload %s, want %s", ev.Seq, ev.Payload, payloads[i])
			}
			if i%2 == 0 && !ev.Time.Equal(t0.Add(time.Duration(i)*time.Hour)) {
				t.Errorf("seq %d: time %v, want %v", ev.Seq, ev.Time, t0.Add(time.Duration(i)*time.Hour))
			}
			if i%2 == 1 && !ev.Time.IsZero() {
				t.Errorf("seq %d: time %v, want the zero time it was appended with", ev.Seq, ev.Time)
			}
		}
	})

	t.Run("ConcurrentAppendersWithAssignedSeqs", func(t *testing.T) {
		log := newLog(t)
		const writers, each = 8, 50
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if _, err := log.Append(context.Background(), replay.Event[Payload]{Stream: "a", Payload: payload(`{"w":%d,"i":%d}`, w, i)}); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent Append with seq 0: %v", err)
		}
		events := readOK(t, log, "a", 1, writers*each+10)
		if len(events) != writers*each {
			t.Fatalf("%d events after %d appends", len(events), writers*each)
		}
		seen := make(map[string]bool)
		for i, ev := range events {
			if ev.Seq != replay.Seq(i+1) {
				t.Fatalf("event %d has seq %d: a gap or a duplicate", i, ev.Seq)
			}
			var p struct{ W, I int }
			if err := json.Unmarshal(ev.Payload, &p); err != nil {
				t.Fatal(err)
			}
			key := fmt.Sprint(p.W, "/", p.I)
			if seen[key] {
				t.Fatalf("payload %s stored twice", ev.Payload)
			}
			seen[key] = true
		}
	})

	t.Run("ConcurrentAppendersWithExplicitSeqs", func(t *testing.T) {
		log := newLog(t)
		const writers, seqs = 8, 40
		var mu sync.Mutex
		winners := make(map[replay.Seq][]int)
		var wg sync.WaitGroup
		errs := make(chan error, writers*seqs)
		for w := range writers {
			wg.Go(func() {
				for seq := replay.Seq(1); seq <= seqs; seq++ {
					_, err := log.Append(context.Background(), replay.Event[Payload]{Stream: "a", Seq: seq, Payload: payload(`{"w":%d}`, w)})
					switch {
					case err == nil:
						mu.Lock()
						winners[seq] = append(winners[seq], w)
						mu.Unlock()
					case !errors.Is(err, replay.ErrSeqMismatch):
						errs <- fmt.Errorf("writer %d, seq %d: %w (want nil or ErrSeqMismatch)", w, seq, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		events := readOK(t, log, "a", 1, 1000)
		if len(events) != seqs {
			t.Fatalf("%d events stored, want %d", len(events), seqs)
		}
		for i, ev := range events {
			seq := replay.Seq(i + 1)
			if ev.Seq != seq {
				t.Fatalf("event %d has seq %d", i, ev.Seq)
			}
			if len(winners[seq]) != 1 {
				t.Fatalf("seq %d was won by writers %v, want exactly one", seq, winners[seq])
			}
			if !sameJSON(t, ev.Payload, payload(`{"w":%d}`, winners[seq][0])) {
				t.Fatalf("seq %d holds %s, but writer %d won it", seq, ev.Payload, winners[seq][0])
			}
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		log := newLog(t)
		fill(t, log, "a", 2)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := log.Append(ctx, replay.Event[Payload]{Stream: "a", Payload: payload(`0`)}); !errors.Is(err, context.Canceled) {
			t.Errorf("Append with a cancelled context: err = %v, want context.Canceled", err)
		}
		if _, err := log.Read(ctx, "a", 1, 10); !errors.Is(err, context.Canceled) {
			t.Errorf("Read with a cancelled context: err = %v, want context.Canceled", err)
		}
		wantSeqs(t, readOK(t, log, "a", 1, 10), "a", 1, 2)
	})
}

// TestSnapshotter runs the Snapshotter conformance suite. newSnapshotter
// must return a new, empty snapshotter each time it is called.
func TestSnapshotter(t *testing.T, newSnapshotter func(t *testing.T) replay.Snapshotter[Payload]) {
	ctx := context.Background()
	save := func(t *testing.T, s replay.Snapshotter[Payload], stream replay.StreamKey, seq replay.Seq, state Payload) {
		t.Helper()
		if err := s.Save(ctx, replay.Checkpoint[Payload]{Stream: stream, Seq: seq, State: state}); err != nil {
			t.Fatalf("Save(%q, seq %d): %v", stream, seq, err)
		}
	}
	load := func(t *testing.T, s replay.Snapshotter[Payload], stream replay.StreamKey, at replay.Seq, wantSeq replay.Seq, wantState Payload) {
		t.Helper()
		cp, err := s.Load(ctx, stream, at)
		if err != nil {
			t.Fatalf("Load(%q, at or before %d): %v", stream, at, err)
		}
		if wantSeq == 0 {
			if cp != nil {
				t.Fatalf("Load(%q, at or before %d) found seq %d, want (nil, nil)", stream, at, cp.Seq)
			}
			return
		}
		if cp == nil {
			t.Fatalf("Load(%q, at or before %d) = (nil, nil), want %q seq %d", stream, at, stream, wantSeq)
		}
		if cp.Seq != wantSeq || cp.Stream != stream {
			t.Fatalf("Load(%q, at or before %d) = %q seq %d, want %q seq %d", stream, at, cp.Stream, cp.Seq, stream, wantSeq)
		}
		if !sameJSON(t, cp.State, wantState) {
			t.Fatalf("Load(%q, at or before %d): state %s, want %s", stream, at, cp.State, wantState)
		}
	}

	t.Run("EmptyAndUnknownStream", func(t *testing.T) {
		s := newSnapshotter(t)
		load(t, s, "a", 100, 0, nil)
		save(t, s, "a", 5, payload(`{"n":5}`))
		load(t, s, "b", 100, 0, nil)
	})

	t.Run("LoadsAtOrBefore", func(t *testing.T) {
		s := newSnapshotter(t)
		for _, seq := range []replay.Seq{10, 5, 20} { // out of order on purpose
			save(t, s, "a", seq, payload(`{"at":%d,"text":"ünï \"q\""}`, seq))
		}
		load(t, s, "a", 0, 0, nil)
		load(t, s, "a", 4, 0, nil)
		load(t, s, "a", 5, 5, payload(`{"at":5,"text":"ünï \"q\""}`))
		load(t, s, "a", 9, 5, payload(`{"at":5,"text":"ünï \"q\""}`))
		load(t, s, "a", 10, 10, payload(`{"at":10,"text":"ünï \"q\""}`))
		load(t, s, "a", 19, 10, payload(`{"at":10,"text":"ünï \"q\""}`))
		load(t, s, "a", 20, 20, payload(`{"at":20,"text":"ünï \"q\""}`))
		load(t, s, "a", 1<<40, 20, payload(`{"at":20,"text":"ünï \"q\""}`))
	})

	t.Run("SavingTwiceAtOneSeqReplaces", func(t *testing.T) {
		s := newSnapshotter(t)
		save(t, s, "a", 7, payload(`{"v":"first"}`))
		save(t, s, "a", 7, payload(`{"v":"second"}`))
		load(t, s, "a", 7, 7, payload(`{"v":"second"}`))
		load(t, s, "a", 8, 7, payload(`{"v":"second"}`))
	})

	t.Run("LoadedCheckpointIsTheCallers", func(t *testing.T) {
		s := newSnapshotter(t)
		save(t, s, "a", 4, payload(`{"v":4}`))
		cp, err := s.Load(ctx, "a", 10)
		if err != nil || cp == nil {
			t.Fatalf("Load(%q, at or before 10) = %v, %v; want seq 4", "a", cp, err)
		}
		cp.Seq, cp.Stream, cp.State = 99, "z", payload(`"changed"`)
		load(t, s, "a", 10, 4, payload(`{"v":4}`))
	})

	t.Run("StreamsAreIndependent", func(t *testing.T) {
		s := newSnapshotter(t)
		save(t, s, "a", 3, payload(`"a3"`))
		save(t, s, "b", 6, payload(`"b6"`))
		load(t, s, "a", 10, 3, payload(`"a3"`))
		load(t, s, "b", 10, 6, payload(`"b6"`))
		load(t, s, "b", 5, 0, nil)
	})

	t.Run("ConcurrentSaves", func(t *testing.T) {
		s := newSnapshotter(t)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for w := range 8 {
			wg.Go(func() {
				for i := range 8 {
					seq := replay.Seq(w*8 + i + 1)
					if err := s.Save(ctx, replay.Checkpoint[Payload]{Stream: "a", Seq: seq, State: payload(`%d`, seq)}); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for seq := replay.Seq(1); seq <= 64; seq++ {
			load(t, s, "a", seq, seq, payload(`%d`, seq))
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newSnapshotter(t)
		save(t, s, "a", 1, payload(`1`))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Save(cctx, replay.Checkpoint[Payload]{Stream: "a", Seq: 2, State: payload(`2`)}); !errors.Is(err, context.Canceled) {
			t.Errorf("Save with a cancelled context: err = %v, want context.Canceled", err)
		}
		if _, err := s.Load(cctx, "a", 10); !errors.Is(err, context.Canceled) {
			t.Errorf("Load with a cancelled context: err = %v, want context.Canceled", err)
		}
		load(t, s, "a", 10, 1, payload(`1`))
	})
}
