package postgres

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

func TestGlobalOrderIsInsertionOrder(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	events, _ := tables(t, p)
	log, err := NewLog[int](p, events)
	if err != nil {
		t.Fatal(err)
	}
	order := []replay.StreamKey{"b", "a", "b", "c", "a", "a", "c"}
	for i, s := range order {
		if _, err := log.Append(ctx, replay.Event[int]{Stream: s, Payload: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	// A gap in the ids: the fourth event inserted is gone.
	if _, err := p.Exec(ctx, `DELETE FROM `+quote(events)+` WHERE stream = 'c' AND seq = 1`); err != nil {
		t.Fatal(err)
	}
	read := func(streams ...replay.StreamKey) (got []string, total int) {
		t.Helper()
		g, err := replay.Global(replay.Log[int](log), streams...)
		if err != nil {
			t.Fatal(err)
		}
		// Small batches, so that reading goes on from a position learnt.
		total, err = replay.Replay(ctx, g, nil, g.Key(), 0, func(s int, ev replay.Event[int]) int {
			got = append(got, string(ev.Stream))
			return s + ev.Payload
		}, 0, replay.Options{BatchSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		stream, seq, err := g.Origin(ctx, 2)
		if err != nil || stream != replay.StreamKey(got[1]) || seq == 0 {
			t.Errorf("Origin(2) = %q %d, %v; want an event of %s", stream, seq, err, got[1])
		}
		return got, total
	}
	got, total := read()
	if want := []string{"b", "a", "b", "a", "a", "c"}; !slices.Equal(got, want) || total != 1+2+3+5+6+7 {
		t.Errorf("global order %v (total %d), want %v (total 24)", got, total, want)
	}
	got, total = read("a", "c")
	if want := []string{"a", "a", "a", "c"}; !slices.Equal(got, want) || total != 2+5+6+7 {
		t.Errorf("global order of a and c %v (total %d), want %v (total 20)", got, total, want)
	}
	// Positions alone are the ids the events have.
	for _, streams := range [][]replay.StreamKey{nil, {"a", "c"}} {
		for _, from := range []uint64{0, 3} {
			events, err := log.ReadGlobal(ctx, streams, from, 100)
			if err != nil {
				t.Fatal(err)
			}
			var want []uint64
			for _, ge := range events {
				want = append(want, ge.Position)
			}
			pos, err := log.GlobalPositions(ctx, streams, from, 100)
			if err != nil || !slices.Equal(pos, want) || len(pos) == 0 {
				t.Errorf("GlobalPositions(%q, %d) = %v, %v; want %v", streams, from, pos, err, want)
			}
		}
	}
}

func TestGlobalOrderOfATableWithoutID(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	events, _ := tables(t, p)
	if _, err := p.Exec(ctx, `ALTER TABLE `+quote(events)+` DROP COLUMN id`); err != nil {
		t.Fatal(err)
	}
	log, err := NewLog[int](p, events)
	if err != nil {
		t.Fatal(err)
	}
	_, err = log.ReadGlobal(ctx, nil, 0, 10)
	if !errors.Is(err, replay.ErrNoGlobalOrder) {
		t.Errorf("ReadGlobal of a table without id = %v, want ErrNoGlobalOrder", err)
	}
}
