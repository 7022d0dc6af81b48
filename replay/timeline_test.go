package replay_test

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// chain is an apply whose result depends on the order of the events, so a
// seek that folds the wrong events cannot land on the right state.
func chain(state int, ev replay.Event[int]) int {
	return (state*31 + ev.Payload) % 1_000_003
}

// chainAt folds seqs 1..seq of ints() with chain, the slow and obvious way.
func chainAt(seq replay.Seq) int {
	s := 0
	for i := 1; i <= int(seq); i++ {
		s = chain(s, replay.Event[int]{Payload: i})
	}
	return s
}

func newTimeline[S, E any](t *testing.T, log replay.Log[E], apply replay.Apply[S, E], initial S, opts replay.TimelineOptions[S]) *replay.Timeline[S, E] {
	t.Helper()
	tl, err := replay.NewTimeline(log, "s", apply, initial, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

func seek[S, E any](t *testing.T, tl *replay.Timeline[S, E], seq replay.Seq) (S, replay.SeekCost) {
	t.Helper()
	s, cost, err := tl.Seek(context.Background(), seq)
	if err != nil {
		t.Fatalf("Seek(%d): %v", seq, err)
	}
	return s, cost
}

func TestTimelineSeeksAnywhere(t *testing.T) {
	const n = 5000
	tl := newTimeline(t, ints(t, n), chain, 0, replay.TimelineOptions[int]{KeyframeEvery: 64})
	want := make([]int, n+1)
	for i := range want {
		want[i] = chainAt(replay.Seq(i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		target := replay.Seq(rng.IntN(n + 1))
		got, _ := seek(t, tl, target)
		if got != want[target] {
			t.Fatalf("Seek(%d) = %d, want %d", target, got, want[target])
		}
		if pos, state := tl.Position(); pos != target || state != got {
			t.Fatalf("Position() = %d, %d after Seek(%d) = %d", pos, state, target, got)
		}
	}
}

func TestTimelineStepForwardCostsOneApply(t *testing.T) {
	tl := newTimeline(t, ints(t, 1000), chain, 0, replay.TimelineOptions[int]{})
	seek(t, tl, 500)
	got, cost := seek(t, tl, 501)
	if got != chainAt(501) || cost.Origin != replay.FromCurrent || cost.From != 500 || cost.Folded != 1 {
		t.Fatalf("step 500→501 = %d, cost %+v; want %d from the current state, one event folded", got, cost, chainAt(501))
	}
	if _, cost := seek(t, tl, 501); cost.Folded != 0 {
		t.Fatalf("seeking where the timeline already is folded %d events", cost.Folded)
	}
}

func TestTimelineSeeksFoldFewerEventsThanTheSpacingOnceKeyframesAreBuilt(t *testing.T) {
	const n, every = 20000, 128
	tl := newTimeline(t, ints(t, n), chain, 0, replay.TimelineOptions[int]{KeyframeEvery: every})
	var last, reports replay.Seq
	err := tl.BuildKeyframes(context.Background(), func(done, total replay.Seq) {
		if done < last || total != n {
			t.Errorf("progress went from %d to %d of %d", last, done, total)
		}
		last = done
		reports++
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != n || reports < n/every {
		t.Fatalf("progress ended at %d after %d reports; want %d after at least %d", last, reports, n, n/every)
	}
	if st := tl.Keyframes(); st.Count != n/every || st.Every != every {
		t.Fatalf("keyframes %+v; want %d every %d", st, n/every, every)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		target := replay.Seq(1 + rng.IntN(n))
		got, cost := seek(t, tl, target)
		if got != chainAt(target) {
			t.Fatalf("Seek(%d) = %d, want %d", target, got, chainAt(target))
		}
		if cost.Folded >= every {
			t.Fatalf("Seek(%d) folded %d events (%v); want fewer than %d", target, cost.Folded, cost, every)
		}
	}
	// Stepping back one event folds nothing: the seek to 10,000 kept the
	// states before it. Further back than that trail, it starts from a
	// keyframe, not from seq 0.
	seek(t, tl, 10_000)
	got, cost := seek(t, tl, 9_999)
	if cost.Origin != replay.FromTrail || cost.Folded != 0 || got != chainAt(9_999) {
		t.Fatalf("step back cost %v (state %d); want the state kept from the seek before", cost, got)
	}
	// A walk back folds from a keyframe once per keyframe interval, and
	// keeps the states it passed: the steps in between fold nothing.
	folds := 0
	for seq := replay.Seq(9_998); seq > 9_000; seq-- {
		got, cost := seek(t, tl, seq)
		if got != chainAt(seq) || cost.Folded >= every {
			t.Fatalf("stepping back to %d cost %v, state %d", seq, cost, got)
		}
		if cost.Folded > 0 {
			folds++
		}
	}
	if want := 1000/every + 1; folds > want {
		t.Fatalf("a walk back of 1000 steps folded %d times; want at most %d", folds, want)
	}
	// Walking forward extends the trail: back again is free.
	seek(t, tl, 10_001)
	if _, cost := seek(t, tl, 10_000); cost.Origin != replay.FromTrail {
		t.Fatalf("back after a step forward cost %v", cost)
	}
}

func TestTimelineRecordsKeyframesAsItWalks(t *testing.T) {
	tl := newTimeline(t, ints(t, 1000), chain, 0, replay.TimelineOptions[int]{KeyframeEvery: 100})
	seek(t, tl, 950)
	if st := tl.Keyframes(); st.Count != 9 {
		t.Fatalf("%d keyframes after walking to 950 with spacing 100; want 9", st.Count)
	}
	if _, cost := seek(t, tl, 420); cost.Origin != replay.FromKeyframe || cost.From != 400 || cost.Folded != 20 {
		t.Fatalf("Seek(420) cost %v; want 20 events from keyframe 400", cost)
	}
}

func TestTimelineKeepsKeyframesWithinTheBudget(t *testing.T) {
	const n, stateSize, budget = 50_000, 1000, 64 << 10
	tl := newTimeline(t, ints(t, n), chain, 0, replay.TimelineOptions[int]{
		KeyframeEvery:  16,
		KeyframeBudget: budget,
		SizeOf:         func(int) int64 { return stateSize },
	})
	if err := tl.BuildKeyframes(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	st := tl.Keyframes()
	if st.Bytes > budget || st.Count < 16 || st.Every <= 16 {
		t.Fatalf("keyframes %+v; want at most %d bytes, the spacing grown past 16, and still a useful number of them", st, budget)
	}
	for _, target := range []replay.Seq{1, 777, 25_000, n} {
		if got, cost := seek(t, tl, target); got != chainAt(target) || cost.Folded >= int(st.Every) {
			t.Fatalf("Seek(%d) = %d (%v); want %d folding fewer than %d", target, got, cost, chainAt(target), st.Every)
		}
	}
}

func TestTimelineStartsFromBookmarks(t *testing.T) {
	ctx := context.Background()
	marks := replay.NewMemorySnapshotter[int]()
	if err := marks.Save(ctx, replay.Checkpoint[int]{Stream: "s", Seq: 5000, State: chainAt(5000)}); err != nil {
		t.Fatal(err)
	}
	tl := newTimeline(t, ints(t, 10_000), chain, 0, replay.TimelineOptions[int]{Bookmarks: marks})
	got, cost := seek(t, tl, 5010)
	if got != chainAt(5010) || cost.Origin != replay.FromBookmark || cost.From != 5000 || cost.Folded != 10 {
		t.Fatalf("Seek(5010) = %d, %v; want %d, 10 events from the bookmark at 5000", got, cost, chainAt(5010))
	}
	if err := marks.Save(ctx, replay.Checkpoint[int]{Stream: "other", Seq: 9000, State: -1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := seek(t, tl, 9500); got != chainAt(9500) {
		t.Fatalf("a bookmark of another stream was used: Seek(9500) = %d, want %d", got, chainAt(9500))
	}
}

func TestTimelineSeesALiveLogGrow(t *testing.T) {
	ctx := context.Background()
	log := ints(t, 10)
	tl := newTimeline(t, &readOnly[int]{log: log}, chain, 0, replay.TimelineOptions[int]{})
	seek(t, tl, 10)
	if _, _, err := tl.Seek(ctx, 12); !errors.Is(err, replay.ErrPastEnd) {
		t.Fatalf("Seek past the end: err = %v, want ErrPastEnd", err)
	}
	if pos, _ := tl.Position(); pos != 10 {
		t.Fatalf("a failed seek moved the position to %d", pos)
	}
	for i := 11; i <= 12; i++ {
		if _, err := log.Append(ctx, replay.Event[int]{Stream: "s", Payload: i}); err != nil {
			t.Fatal(err)
		}
	}
	if last, err := tl.Last(ctx); err != nil || last != 12 {
		t.Fatalf("Last() = %d, %v after the log grew to 12", last, err)
	}
	if got, cost := seek(t, tl, 12); got != chainAt(12) || cost.Folded != 2 {
		t.Fatalf("Seek(12) = %d (%v); want %d folding the 2 new events", got, cost, chainAt(12))
	}
}

func TestTimelineSurvivesAnApplyThatPanics(t *testing.T) {
	apply := func(s int, ev replay.Event[int]) int {
		if ev.Seq == 50 {
			panic("bad event")
		}
		return chain(s, ev)
	}
	tl := newTimeline(t, ints(t, 100), apply, 0, replay.TimelineOptions[int]{KeyframeEvery: 8})
	seek(t, tl, 40)
	_, _, err := tl.Seek(context.Background(), 60)
	var ae *replay.ApplyError
	if !errors.As(err, &ae) || ae.Seq != 50 {
		t.Fatalf("Seek across the panic: err = %v, want an *ApplyError at seq 50", err)
	}
	if pos, _ := tl.Position(); pos != 40 {
		t.Fatalf("position %d after a failed seek, want 40", pos)
	}
	if got, _ := seek(t, tl, 49); got != chainAt(49) {
		t.Fatalf("Seek(49) after the panic = %d, want %d", got, chainAt(49))
	}
}

func TestTimelineSeekZeroIsTheInitialState(t *testing.T) {
	tl := newTimeline(t, ints(t, 10), chain, 7, replay.TimelineOptions[int]{})
	seek(t, tl, 5)
	if got, cost := seek(t, tl, 0); got != 7 || cost.Origin != replay.FromInitial {
		t.Fatalf("Seek(0) = %d (%v), want the initial state 7", got, cost)
	}
}

func TestTimelineRefusesBadArguments(t *testing.T) {
	if _, err := replay.NewTimeline[int, int](nil, "s", chain, 0, replay.TimelineOptions[int]{}); err == nil {
		t.Error("NewTimeline accepted a nil log")
	}
	if _, err := replay.NewTimeline[int, int](ints(t, 1), "s", nil, 0, replay.TimelineOptions[int]{}); err == nil {
		t.Error("NewTimeline accepted a nil apply")
	}
	if _, err := replay.NewTimeline(ints(t, 1), "s", chain, 0, replay.TimelineOptions[int]{KeyframeEvery: -1}); err == nil {
		t.Error("NewTimeline accepted a negative spacing")
	}
}

// tally is an apply that mutates the map it is given: the bug Clone
// protects a timeline from.
func tally(s map[string]int, ev replay.Event[int]) map[string]int {
	s[string(rune('a'+ev.Payload%5))] += ev.Payload
	s["n"]++
	return s
}

func tallyAt(seq replay.Seq) map[string]int {
	s := map[string]int{}
	for i := 1; i <= int(seq); i++ {
		s = tally(s, replay.Event[int]{Payload: i})
	}
	return s
}

func TestTimelineWithCloneIsSafeFromAnApplyThatMutatesMaps(t *testing.T) {
	ctx := context.Background()
	marks := replay.NewMemorySnapshotter[map[string]int]()
	if err := marks.Save(ctx, replay.Checkpoint[map[string]int]{Stream: "s", Seq: 1000, State: tallyAt(1000)}); err != nil {
		t.Fatal(err)
	}
	tl := newTimeline(t, ints(t, 2000), tally, map[string]int{}, replay.TimelineOptions[map[string]int]{
		Clone:         maps.Clone[map[string]int],
		KeyframeEvery: 32,
		Bookmarks:     marks,
	})
	held := map[replay.Seq]map[string]int{} // states handed out, kept by the caller
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		target := replay.Seq(rng.IntN(2001))
		if rng.IntN(3) == 0 {
			pos, _ := tl.Position()
			target = min(pos+1, 2000) // steps forward from the current state
		}
		got, _ := seek(t, tl, target)
		if !maps.Equal(got, tallyAt(target)) {
			t.Fatalf("Seek(%d) = %v, want %v", target, got, tallyAt(target))
		}
		held[target] = got
	}
	for seq, s := range held {
		if !maps.Equal(s, tallyAt(seq)) {
			t.Fatalf("the state handed out for seq %d changed later: %v, want %v", seq, s, tallyAt(seq))
		}
	}
	if cp, _ := marks.Load(ctx, "s", 1000); cp == nil || !maps.Equal(cp.State, tallyAt(1000)) {
		t.Fatal("the bookmark's state was changed by a seek that started from it")
	}
}

func TestTimelineWithoutCloneIsCorruptedByAnApplyThatMutatesMaps(t *testing.T) {
	// The reason Clone exists: without it, seeking back past a keyframe
	// that an impure apply has since written into gives a wrong state.
	tl := newTimeline(t, ints(t, 100), tally, map[string]int{}, replay.TimelineOptions[map[string]int]{KeyframeEvery: 10})
	seek(t, tl, 100)
	got, _ := seek(t, tl, 15)
	if maps.Equal(got, tallyAt(15)) {
		t.Fatal("an impure apply went unpunished; this test no longer shows why Clone is needed")
	}
}

func TestTimelineBuildsKeyframesWhileSeeking(t *testing.T) {
	const n = 30_000
	tl := newTimeline(t, ints(t, n), chain, 0, replay.TimelineOptions[int]{KeyframeEvery: 64})
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := tl.BuildKeyframes(context.Background(), nil); err != nil {
			t.Error(err)
		}
	})
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100 {
		target := replay.Seq(rng.IntN(n + 1))
		if got, _ := seek(t, tl, target); got != chainAt(target) {
			t.Fatalf("Seek(%d) during a keyframe build = %d, want %d", target, got, chainAt(target))
		}
	}
	wg.Wait()
}

func TestTimelineSeekHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tl := newTimeline(t, ints(t, 10_000), chain, 0, replay.TimelineOptions[int]{})
	if _, _, err := tl.Seek(ctx, 9000); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if err := tl.BuildKeyframes(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("BuildKeyframes: err = %v, want context.Canceled", err)
	}
}

// counter is an Accumulator for chain: it updates its own copy in place
// and counts what it folded.
type counter struct {
	state int
	added *int
	fail  replay.Seq
}

func (c *counter) Add(ev replay.Event[int]) error {
	if ev.Seq == c.fail {
		return errors.New("bad event")
	}
	c.state = chain(c.state, ev)
	*c.added++
	return nil
}

func (c *counter) State() int { return c.state }

func TestTimelineFoldsLongSeeksWithAnAccumulator(t *testing.T) {
	const n = 20_000
	tl := newTimeline(t, ints(t, n), chain, 0, replay.TimelineOptions[int]{KeyframeEvery: 1024})
	added := 0
	tl.Accumulate(func(from int) replay.Accumulator[int, int] { return &counter{state: from, added: &added} })
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100 {
		target := replay.Seq(1 + rng.IntN(n))
		got, cost := seek(t, tl, target)
		if got != chainAt(target) {
			t.Fatalf("Seek(%d) = %d, want %d (%v)", target, got, chainAt(target), cost)
		}
	}
	if added == 0 {
		t.Fatal("no seek used the accumulator")
	}
	// No BuildKeyframes: the accumulator recorded keyframes as it passed
	// them, and left the trail to apply, so a step back folds nothing.
	if st := tl.Keyframes(); st.Count < 10 {
		t.Fatalf("keyframes %+v", st)
	}
	seek(t, tl, n)
	if _, cost := seek(t, tl, n-1); cost.Origin != replay.FromTrail {
		t.Fatalf("step back after an accumulated seek cost %v", cost)
	}
	// An accumulator that fails names the event, as apply would.
	bad := newTimeline(t, ints(t, 5000), chain, 0, replay.TimelineOptions[int]{})
	bad.Accumulate(func(from int) replay.Accumulator[int, int] { return &counter{state: from, added: &added, fail: 3000} })
	_, _, err := bad.Seek(context.Background(), 4900)
	var ae *replay.ApplyError
	if !errors.As(err, &ae) || ae.Seq != 3000 || !strings.Contains(err.Error(), "bad event") {
		t.Fatalf("a failing accumulator: %v", err)
	}
}
