package replay_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
)

// readOnly hides every optional capability of a log, to test the plain
// Read path.
type readOnly[E any] struct {
	log   replay.Log[E]
	reads int
}

func (r *readOnly[E]) Append(ctx context.Context, ev replay.Event[E]) (replay.Seq, error) {
	return r.log.Append(ctx, ev)
}

func (r *readOnly[E]) Read(ctx context.Context, s replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[E], error) {
	r.reads++
	return r.log.Read(ctx, s, from, limit)
}

func triangle(n int) int { return n * (n + 1) / 2 }

func TestReplayFoldsToTheTarget(t *testing.T) {
	ctx := context.Background()
	log := ints(t, 100)
	for _, l := range []replay.Log[int]{log, &readOnly[int]{log: log}} {
		for _, target := range []replay.Seq{1, 2, 50, 99, 100} {
			got, err := replay.Replay(ctx, l, nil, "s", target, sum, 0, replay.Options{BatchSize: 7})
			if err != nil || got != triangle(int(target)) {
				t.Errorf("%T: Replay to %d = %d, %v; want %d", l, target, got, err, triangle(int(target)))
			}
		}
		got, err := replay.Replay(ctx, l, nil, "s", 0, sum, 0, replay.Options{})
		if err != nil || got != triangle(100) {
			t.Errorf("%T: Replay of the whole stream = %d, %v; want %d", l, got, err, triangle(100))
		}
	}
}

func TestReplayReadsInBatches(t *testing.T) {
	log := &readOnly[int]{log: ints(t, 10)}
	if _, err := replay.Replay(context.Background(), log, nil, "s", 0, sum, 0, replay.Options{BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	// 4 + 4 + 2 events, then one empty read to find the end.
	if log.reads != 4 {
		t.Fatalf("%d reads for 10 events in batches of 4, want 4", log.reads)
	}
	log.reads = 0
	if _, err := replay.Replay(context.Background(), log, nil, "s", 8, sum, 0, replay.Options{BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	if log.reads != 2 {
		t.Fatalf("%d reads to reach seq 8 in batches of 4, want 2 (no read past the target)", log.reads)
	}
}

func TestReplayStartsFromTheLatestCheckpointAtOrBefore(t *testing.T) {
	ctx := context.Background()
	log := ints(t, 20)
	snap := replay.NewMemorySnapshotter[int]()
	// Deliberately wrong states: the result shows which checkpoint was used.
	for _, cp := range []replay.Checkpoint[int]{{Stream: "s", Seq: 5, State: 1000}, {Stream: "s", Seq: 10, State: 2000}, {Stream: "other", Seq: 1, State: 5000}} {
		if err := snap.Save(ctx, cp); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		target replay.Seq
		want   int
	}{
		{3, 6},                                  // before any checkpoint: from the initial state
		{5, 1000},                               // exactly at a checkpoint: nothing folded
		{7, 1000 + 6 + 7},                       // from seq 5
		{10, 2000},                              // exactly at seq 10
		{12, 2000 + 11 + 12},                    // from seq 10
		{0, 2000 + triangle(20) - triangle(10)}, // whole stream: the latest checkpoint
	} {
		got, err := replay.Replay(ctx, log, snap, "s", tc.target, sum, 0, replay.Options{})
		if err != nil || got != tc.want {
			t.Errorf("Replay to %d = %d, %v; want %d", tc.target, got, err, tc.want)
		}
	}
}

func TestReplaySavesCheckpointsEveryN(t *testing.T) {
	ctx := context.Background()
	snap := replay.NewMemorySnapshotter[int]()
	if _, err := replay.Replay(ctx, ints(t, 25), snap, "s", 0, sum, 0, replay.Options{SnapshotEvery: 10, BatchSize: 3}); err != nil {
		t.Fatal(err)
	}
	for at, want := range map[replay.Seq]replay.Seq{9: 0, 10: 10, 19: 10, 20: 20, 25: 20} {
		cp, err := snap.Load(ctx, "s", at)
		switch {
		case err != nil:
			t.Errorf("checkpoint at or before %d: %v", at, err)
		case want == 0 && cp != nil:
			t.Errorf("checkpoint at or before %d = seq %d; want none", at, cp.Seq)
		case want != 0 && (cp == nil || cp.Seq != want || cp.State != triangle(int(want))):
			t.Errorf("checkpoint at or before %d = %+v; want seq %d state %d", at, cp, want, triangle(int(want)))
		}
	}
}

func TestReplayEmptyStream(t *testing.T) {
	for _, target := range []replay.Seq{0, 3} {
		_, err := replay.Replay(context.Background(), replay.NewMemoryLog[int](), nil, "s", target, sum, 0, replay.Options{})
		if !errors.Is(err, replay.ErrEmptyStream) {
			t.Errorf("Replay of an empty stream to %d: err = %v, want ErrEmptyStream", target, err)
		}
	}
}

func TestReplayPastTheEndIsAnError(t *testing.T) {
	got, err := replay.Replay(context.Background(), ints(t, 5), nil, "s", 9, sum, 0, replay.Options{})
	if !errors.Is(err, replay.ErrPastEnd) {
		t.Fatalf("Replay to seq 9 of a 5-event stream = %d, %v; want ErrPastEnd", got, err)
	}
	if !strings.Contains(err.Error(), "ends at seq 5") {
		t.Errorf("error %q does not say where the stream ends", err)
	}
}

func TestReplayHonoursCancellationBetweenBatches(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	applied := 0
	apply := func(s int, ev replay.Event[int]) int {
		applied++
		if ev.Seq == 10 {
			cancel()
		}
		return s + ev.Payload
	}
	_, err := replay.Replay(ctx, ints(t, 100), nil, "s", 0, apply, 0, replay.Options{BatchSize: 4})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if applied != 12 {
		t.Fatalf("applied %d events; want 12 (the batch holding seq 10 finishes, the next is not read)", applied)
	}
}

func TestReplayReportsApplyErrorsAndPanics(t *testing.T) {
	boom := errors.New("insufficient funds")
	for _, tc := range []struct {
		name  string
		apply replay.Apply[int, int]
		panic any
	}{
		{"error", func(s int, ev replay.Event[int]) int {
			if ev.Seq == 7 {
				panic(fmt.Errorf("withdraw %d: %w", 20, boom))
			}
			return s + 1
		}, nil},
		{"panic", func(s int, ev replay.Event[int]) int {
			if ev.Seq == 7 {
				var m map[string]int
				m["x"] = 1 // assignment to entry in nil map
			}
			return s + 1
		}, "assignment to entry in nil map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := replay.Replay(context.Background(), ints(t, 10), nil, "s", 0, tc.apply, 0, replay.Options{BatchSize: 3})
			var ae *replay.ApplyError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *ApplyError", err)
			}
			if ae.Stream != "s" || ae.Seq != 7 {
				t.Errorf("ApplyError names stream %q seq %d, want \"s\" seq 7", ae.Stream, ae.Seq)
			}
			if tc.panic == nil && !errors.Is(err, boom) {
				t.Errorf("err = %v does not wrap the apply's error", err)
			}
			if tc.panic == nil && (!ae.Failed() || !strings.Contains(err.Error(), "apply failed at stream \"s\" seq 7: withdraw 20: insufficient funds")) {
				t.Errorf("an error the apply panicked with on purpose reads %q (failed %v)", err, ae.Failed())
			}
			if tc.panic != nil {
				var rt runtime.Error
				if !errors.As(err, &rt) {
					t.Errorf("err = %v does not unwrap to the runtime error", err)
				}
				if ae.Panic == nil || ae.Failed() || !strings.Contains(ae.Error(), "apply panicked") || !strings.Contains(ae.Error(), tc.panic.(string)) || len(ae.Stack) == 0 {
					t.Errorf("panic report = %q (stack %d bytes), want the panic value and a stack", ae.Error(), len(ae.Stack))
				}
			}
		})
	}
}

// gappy returns events with a seq missing, as a broken backend might.
type gappy struct{ replay.Log[int] }

func (g gappy) Read(ctx context.Context, s replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[int], error) {
	events, err := g.Log.Read(ctx, s, from, limit)
	for i := range events {
		if events[i].Seq >= 3 {
			events[i].Seq++
		}
	}
	return events, err
}

func TestReplayRejectsALogThatSkipsASeq(t *testing.T) {
	_, err := replay.Replay(context.Background(), gappy{ints(t, 5)}, nil, "s", 0, sum, 0, replay.Options{})
	if !errors.Is(err, replay.ErrSeqMismatch) || !strings.Contains(err.Error(), "expected seq 3") {
		t.Fatalf("err = %v, want ErrSeqMismatch saying seq 3 was expected", err)
	}
}

func TestIterators(t *testing.T) {
	ctx := context.Background()
	log := ints(t, 2500)
	var seqs []replay.Seq
	for ev, err := range replay.All(ctx, log, "s") {
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, ev.Seq)
	}
	if len(seqs) != 2500 || seqs[0] != 1 || seqs[2499] != 2500 {
		t.Fatalf("All yielded %d events (%v…), want seqs 1..2500", len(seqs), seqs[:min(3, len(seqs))])
	}
	n := 0
	for ev, err := range replay.From(ctx, log, "s", 2000) {
		if err != nil || ev.Seq != replay.Seq(2000+n) {
			t.Fatalf("From(2000) yielded seq %d (%v) at position %d", ev.Seq, err, n)
		}
		if n++; n == 3 {
			break
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	yields := 0
	for _, err := range replay.All(cctx, log, "s") {
		yields++
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("All with a cancelled context yielded err %v, want context.Canceled", err)
		}
	}
	if yields != 1 {
		t.Fatalf("All with a cancelled context yielded %d times, want one error", yields)
	}
}

func TestFoldShowsEveryStep(t *testing.T) {
	var states []int
	for step, err := range replay.Fold(context.Background(), ints(t, 5), "s", sum, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if step.Event.Seq != replay.Seq(len(states)+1) {
			t.Fatalf("step for seq %d after %d steps", step.Event.Seq, len(states))
		}
		states = append(states, step.State)
	}
	if fmt.Sprint(states) != "[1 3 6 10 15]" {
		t.Fatalf("states %v", states)
	}
	panicky := func(s int, ev replay.Event[int]) int {
		if ev.Seq == 3 {
			panic("boom")
		}
		return s
	}
	n := 0
	for _, err := range replay.Fold(context.Background(), ints(t, 5), "s", panicky, 0) {
		var ae *replay.ApplyError
		if err != nil && (!errors.As(err, &ae) || ae.Seq != 3) {
			t.Fatalf("err = %v, want an ApplyError at seq 3", err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("%d steps, want 2 and the error", n)
	}
}

func TestSeqAt(t *testing.T) {
	ctx := context.Background()
	log := replay.NewMemoryLog[int]()
	t0 := time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{t0, {}, t0.Add(2 * time.Hour), t0.Add(time.Hour)} { // out of order, one without a time
		log.Append(ctx, replay.Event[int]{Stream: "s", Time: at})
	}
	for _, tc := range []struct {
		at    time.Time
		want  replay.Seq
		found bool
	}{
		{t0.Add(-time.Minute), 0, false},
		{t0, 1, true},
		{t0.Add(90 * time.Minute), 4, true},
		{t0.Add(3 * time.Hour), 4, true},
	} {
		got, found, err := replay.SeqAt(ctx, log, "s", tc.at)
		if err != nil || got != tc.want || found != tc.found {
			t.Errorf("SeqAt(%v) = %d %v %v; want %d %v", tc.at, got, found, err, tc.want, tc.found)
		}
	}
}

// overdraft is an error type of a user's, to be found with errors.As.
type overdraft struct{ short int }

func (o *overdraft) Error() string { return fmt.Sprintf("short by %d", o.short) }

func TestAnErrorPanicIsReachableThroughEveryFold(t *testing.T) {
	apply := func(s int, ev replay.Event[int]) int {
		if s+ev.Payload > 20 {
			panic(fmt.Errorf("seq %d: %w", ev.Seq, &overdraft{short: s + ev.Payload - 20}))
		}
		return s + ev.Payload
	}
	ctx := context.Background()
	log := ints(t, 10) // 1+2+3+4+5 = 15, +6 = 21 at seq 6
	check := func(what string, err error) {
		t.Helper()
		var o *overdraft
		var ae *replay.ApplyError
		if !errors.As(err, &o) || o.short != 1 || !errors.As(err, &ae) || ae.Seq != 6 {
			t.Errorf("%s: err = %v; want an *ApplyError at seq 6 wrapping *overdraft{1}", what, err)
		}
	}
	_, err := replay.Replay(ctx, log, nil, "s", 0, apply, 0, replay.Options{})
	check("Replay", err)
	tl, err := replay.NewTimeline(log, "s", apply, 0, replay.TimelineOptions[int]{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = tl.Seek(ctx, 8)
	check("Timeline.Seek", err)
	check("CheckPurity", replay.CheckPurity(ctx, log, "s", apply, 0))
	for _, err = range replay.Fold(ctx, log, "s", apply, 0) {
		if err != nil {
			break
		}
	}
	check("Fold", err)
}
