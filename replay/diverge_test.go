package replay_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// sums is a state that two versions of an apply fold differently.
type sums struct{ Total, Count int }

func addAll(s sums, ev replay.Event[int]) sums {
	return sums{Total: s.Total + ev.Payload, Count: s.Count + 1}
}

// addPositive ignores negative amounts, as a buggy new version might.
func addPositive(s sums, ev replay.Event[int]) sums {
	if ev.Payload < 0 {
		return sums{Total: s.Total, Count: s.Count + 1}
	}
	return addAll(s, ev)
}

func divergeLog(t *testing.T, amounts ...int) *replay.MemoryLog[int] {
	t.Helper()
	log := replay.NewMemoryLog[int]()
	for _, n := range amounts {
		if _, err := log.Append(context.Background(), replay.Event[int]{Stream: "s", Payload: n}); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

func TestFirstDivergence(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		amounts  []int
		diverges bool
		seq      replay.Seq
		diffs    []replay.Difference
	}{
		{name: "agree everywhere", amounts: []int{5, 7, 9}},
		{name: "differ at seq 1", amounts: []int{-1, 2}, diverges: true, seq: 1,
			diffs: []replay.Difference{{Path: "state.Total", A: "-1", B: "0"}}},
		{name: "differ later", amounts: []int{3, 4, -2, -8}, diverges: true, seq: 3,
			diffs: []replay.Difference{{Path: "state.Total", A: "5", B: "7"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := divergeLog(t, tc.amounts...)
			d, ok, err := replay.FirstDivergence(ctx, log, "s", addAll, addPositive, sums{}, sums{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.diverges {
				t.Fatalf("diverges = %v, want %v (%+v)", ok, tc.diverges, d)
			}
			if !ok {
				return
			}
			if d.Seq() != tc.seq || d.Event.Payload != tc.amounts[tc.seq-1] {
				t.Errorf("diverges at seq %d (event %d), want seq %d", d.Seq(), d.Event.Payload, tc.seq)
			}
			if len(d.Differences) != len(tc.diffs) || d.Differences[0] != tc.diffs[0] {
				t.Errorf("differences = %+v, want %+v", d.Differences, tc.diffs)
			}
			if d.A.Count != int(tc.seq) || d.B.Count != int(tc.seq) {
				t.Errorf("states = %+v and %+v, want both after %d events", d.A, d.B, tc.seq)
			}
		})
	}
}

func TestFirstDivergenceOfInitialStates(t *testing.T) {
	log := divergeLog(t, 1, 2)
	d, ok, err := replay.FirstDivergence(context.Background(), log, "s", addAll, addAll, sums{}, sums{Total: 10}, nil)
	if err != nil || !ok {
		t.Fatalf("ok = %v, err = %v; want a divergence at seq 0", ok, err)
	}
	if d.Seq() != 0 || d.Differences[0].Path != "state.Total" {
		t.Errorf("divergence = %+v, want seq 0 at state.Total", d)
	}
}

func TestFirstDivergenceUsesTheGivenCompare(t *testing.T) {
	log := divergeLog(t, 1, -2, 3)
	// Counting only: the two applies agree on Count everywhere.
	byCount := func(a, b sums) []replay.Difference {
		if a.Count != b.Count {
			return []replay.Difference{{Path: "count"}}
		}
		return nil
	}
	_, ok, err := replay.FirstDivergence(context.Background(), log, "s", addAll, addPositive, sums{}, sums{}, byCount)
	if err != nil || ok {
		t.Errorf("ok = %v, err = %v; want agreement under a compare of Count alone", ok, err)
	}
}

func TestFirstDivergenceSaysWhichApplyPanicked(t *testing.T) {
	boom := errors.New("boom")
	panicsAt2 := func(s sums, ev replay.Event[int]) sums {
		if ev.Seq == 2 {
			panic(boom)
		}
		return addAll(s, ev)
	}
	log := divergeLog(t, 1, 2, 3)
	for _, tc := range []struct {
		side string
		a, b replay.Apply[sums, int]
	}{
		{"apply A: ", panicsAt2, addAll},
		{"apply B: ", addAll, panicsAt2},
	} {
		_, ok, err := replay.FirstDivergence(context.Background(), log, "s", tc.a, tc.b, sums{}, sums{}, nil)
		var ae *replay.ApplyError
		if ok || !errors.As(err, &ae) || ae.Seq != 2 || !errors.Is(err, boom) {
			t.Fatalf("ok = %v, err = %v; want an *ApplyError at seq 2 wrapping boom", ok, err)
		}
		if !strings.HasPrefix(err.Error(), tc.side) {
			t.Errorf("error %q does not start with %q", err, tc.side)
		}
		var se *replay.SideError
		if !errors.As(err, &se) || "apply "+se.Side+": " != tc.side {
			t.Errorf("error %v is not a *SideError of side %q", err, tc.side)
		}
	}
}

func TestFirstDivergenceStopsOnAReadError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	log := divergeLog(t, 1, 2)
	_, ok, err := replay.FirstDivergence(ctx, log, "s", addAll, addPositive, sums{}, sums{}, nil)
	if ok || !errors.Is(err, context.Canceled) {
		t.Errorf("ok = %v, err = %v; want context.Canceled", ok, err)
	}
}

func ExampleFirstDivergence() {
	ctx := context.Background()
	log := replay.NewMemoryLog[deposit]()
	for _, amount := range []int{50, 20, -30, 10} {
		log.Append(ctx, replay.Event[deposit]{Stream: "acct-42", Payload: deposit{amount}})
	}
	// A new version of applyDeposit that counts withdrawals apart.
	applyDepositV2 := func(s account, ev replay.Event[deposit]) account {
		s.Balance += ev.Payload.Amount
		if ev.Payload.Amount > 0 {
			s.Deposits++
		}
		return s
	}
	d, ok, err := replay.FirstDivergence(ctx, log, "acct-42", applyDeposit, applyDepositV2, account{}, account{}, nil)
	fmt.Println(ok, err)
	fmt.Println("first differ after seq", d.Seq(), "a deposit of", d.Event.Payload.Amount)
	for _, diff := range d.Differences {
		fmt.Printf("%s: old %s, new %s\n", diff.Path, diff.A, diff.B)
	}
	// Output:
	// true <nil>
	// first differ after seq 3 a deposit of -30
	// state.Deposits: old 3, new 2
}
