package replay_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

type transfer struct {
	To     string
	Amount int
}

func transfers(t *testing.T) *replay.MemoryLog[transfer] {
	t.Helper()
	log := replay.NewMemoryLog[transfer]()
	for _, tr := range []transfer{{"alice", 50}, {"bob", 20}, {"alice", 5}} {
		if _, err := log.Append(context.Background(), replay.Event[transfer]{Stream: "bank", Payload: tr}); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

func TestCheckPurityPassesAPureApply(t *testing.T) {
	pure := func(s map[string]int, ev replay.Event[transfer]) map[string]int {
		next := maps.Clone(s)
		if next == nil {
			next = map[string]int{}
		}
		next[ev.Payload.To] += ev.Payload.Amount
		return next
	}
	if err := replay.CheckPurity(context.Background(), transfers(t), "bank", pure, nil); err != nil {
		t.Fatalf("CheckPurity of a pure apply: %v", err)
	}
}

func TestCheckPurityFindsAMutatedMap(t *testing.T) {
	// The classic bug: writing into the map of the state it was given.
	impure := func(s map[string]int, ev replay.Event[transfer]) map[string]int {
		s[ev.Payload.To] += ev.Payload.Amount
		return s
	}
	err := replay.CheckPurity(context.Background(), transfers(t), "bank", impure, map[string]int{"alice": 1})
	var pe *replay.PurityError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *PurityError", err)
	}
	if !pe.Mutated || pe.Seq != 1 || pe.Path != `state["alice"]` || pe.Before != "1" || pe.After != "51" {
		t.Fatalf("got %+v; want a mutation at seq 1 of state[\"alice\"] from 1 to 51", *pe)
	}
	if !strings.Contains(err.Error(), `mutated the state it was given at stream "bank" seq 1`) {
		t.Errorf("message %q does not say what happened where", err)
	}
}

type ledger struct {
	Owner    string
	balances *map[string]int // hidden behind an unexported pointer on purpose
}

func TestCheckPurityLooksIntoUnexportedFields(t *testing.T) {
	impure := func(s ledger, ev replay.Event[transfer]) ledger {
		if ev.Seq == 2 {
			(*s.balances)[ev.Payload.To] = ev.Payload.Amount
			return s
		}
		fresh := maps.Clone(*s.balances)
		fresh[ev.Payload.To] += ev.Payload.Amount
		return ledger{Owner: s.Owner, balances: &fresh}
	}
	err := replay.CheckPurity(context.Background(), transfers(t), "bank", impure, ledger{Owner: "o", balances: &map[string]int{}})
	var pe *replay.PurityError
	if !errors.As(err, &pe) || !pe.Mutated || pe.Seq != 2 || pe.Path != `state.balances["bob"]` || pe.Before != "<absent>" || pe.After != "20" {
		t.Fatalf("err = %v; want a mutation at seq 2 adding state.balances[\"bob\"]", err)
	}
}

func TestCheckPurityFindsNondeterminism(t *testing.T) {
	calls := 0
	flaky := func(s int, ev replay.Event[transfer]) int {
		calls++
		if ev.Seq == 3 {
			return s + calls // depends on something outside state and event
		}
		return s + ev.Payload.Amount
	}
	err := replay.CheckPurity(context.Background(), transfers(t), "bank", flaky, 0)
	var pe *replay.PurityError
	if !errors.As(err, &pe) || pe.Mutated || pe.Seq != 3 || pe.Path != "state" {
		t.Fatalf("err = %v; want nondeterminism at seq 3", err)
	}
}

func TestCheckPurityReportsAPanic(t *testing.T) {
	panicky := func(s int, ev replay.Event[transfer]) int {
		if ev.Payload.To == "bob" {
			panic("no bob")
		}
		return s
	}
	err := replay.CheckPurity(context.Background(), transfers(t), "bank", panicky, 0)
	var ae *replay.ApplyError
	if !errors.As(err, &ae) || ae.Seq != 2 || ae.Panic != "no bob" {
		t.Fatalf("err = %v; want an *ApplyError for the panic at seq 2", err)
	}
}

func TestCheckPurityOfAnEmptyStream(t *testing.T) {
	err := replay.CheckPurity(context.Background(), replay.NewMemoryLog[int](), "s", sum, 0)
	if !errors.Is(err, replay.ErrEmptyStream) {
		t.Fatalf("err = %v, want ErrEmptyStream", err)
	}
}

func TestCompare(t *testing.T) {
	type acct struct {
		Owner   string
		Balance int
		tags    []string
	}
	a := map[string]*acct{"ana": {"ana", 10, []string{"x"}}, "bo": {"bo", 5, nil}}
	b := map[string]*acct{"ana": {"ana", 60, []string{"x", "y"}}, "cy": {"cy", 1, nil}}
	got := replay.Compare(a, b)
	want := []replay.Difference{
		{Path: `state["ana"].Balance`, A: "10", B: "60"},
		{Path: `state["bo"].Owner`, A: `"bo"`, B: "<absent>"},
		{Path: `state["bo"].Balance`, A: "5", B: "<absent>"},
		{Path: `state["bo"].tags`, A: "[]", B: "<absent>"},
		{Path: `state["ana"].tags[1]`, A: "<absent>", B: `"y"`},
		{Path: `state["cy"].Owner`, A: "<absent>", B: `"cy"`},
		{Path: `state["cy"].Balance`, A: "<absent>", B: "1"},
		{Path: `state["cy"].tags`, A: "<absent>", B: "[]"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Compare =\n%v\nwant\n%v", got, want)
	}
	if d := replay.Compare(a, a); d != nil {
		t.Fatalf("Compare of a value with itself = %v", d)
	}
}

// stamped is a map that counts its writes: bookkeeping that differs
// between two equal values, which MemberLister hides from comparisons.
type stamped struct {
	writes int
	m      map[string]int
}

func (s stamped) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, k := range slices.Sorted(maps.Keys(s.m)) {
			if !yield(k, s.m[k]) {
				return
			}
		}
	}
}

var stampCounter int

func TestMemberListersAreComparedByMembers(t *testing.T) {
	apply := func(s stamped, ev replay.Event[transfer]) stamped {
		stampCounter++
		next := stamped{writes: stampCounter, m: maps.Clone(s.m)}
		if next.m == nil {
			next.m = map[string]int{}
		}
		next.m[ev.Payload.To] += ev.Payload.Amount
		return next
	}
	if err := replay.CheckPurity(context.Background(), transfers(t), "bank", apply, stamped{}); err != nil {
		t.Fatalf("bookkeeping outside the members was taken for nondeterminism: %v", err)
	}
	d := replay.Compare(stamped{1, map[string]int{"a": 1}}, stamped{2, map[string]int{"a": 2}})
	if len(d) != 1 || d[0].Path != `state["a"]` {
		t.Fatalf("Compare = %v", d)
	}
}

func TestCompareTreatsAFilledEmptyContainerAsItsElements(t *testing.T) {
	type player struct{ HP int }
	type state struct {
		Players map[string]player
		Tags    []string
	}
	got := replay.Compare(state{}, state{Players: map[string]player{"ana": {HP: 100}}, Tags: []string{"x"}})
	want := []replay.Difference{
		{Path: `state.Players["ana"].HP`, A: "<absent>", B: "100"},
		{Path: `state.Tags[0]`, A: "<absent>", B: `"x"`},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Compare = %v\nwant      %v", got, want)
	}
	// Emptied again, the other way round.
	back := replay.Compare(state{Players: map[string]player{"ana": {HP: 100}}}, state{Players: map[string]player{}})
	if len(back) != 1 || back[0].Path != `state.Players["ana"].HP` || back[0].Kind() != "removed" {
		t.Fatalf("Compare when a map is emptied = %v", back)
	}
}
