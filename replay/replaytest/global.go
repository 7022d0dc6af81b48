package replaytest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// TestGlobalReader runs the conformance suite of the replay.GlobalReader
// capability. newLog must return a new, empty log each time it is called,
// which is a replay.GlobalReader[Payload] whose global order is the order
// of Append (as it is for a file, a table and a MemoryLog).
func TestGlobalReader(t *testing.T, newLog func(t *testing.T) replay.Log[Payload]) {
	ctx := context.Background()
	open := func(t *testing.T) (replay.Log[Payload], replay.GlobalReader[Payload]) {
		t.Helper()
		log := newLog(t)
		gr, ok := log.(replay.GlobalReader[Payload])
		if !ok {
			t.Fatalf("a %T is not a replay.GlobalReader", log)
		}
		return log, gr
	}
	// interleave appends to a, b, a, c, b; payload i is {"i":i}.
	interleave := func(t *testing.T, log replay.Log[Payload]) {
		t.Helper()
		for i, s := range []replay.StreamKey{"a", "b", "a", "c", "b"} {
			appendOK(t, log, replay.Event[Payload]{Stream: s, Payload: payload(`{"i":%d}`, i+1)})
		}
	}
	type row struct {
		Stream replay.StreamKey
		Seq    replay.Seq
		I      int
	}
	rows := func(t *testing.T, read []replay.GlobalEvent[Payload]) ([]row, []uint64) {
		t.Helper()
		var out []row
		var at []uint64
		for i, ge := range read {
			if i > 0 && ge.Position <= read[i-1].Position {
				t.Fatalf("positions go %d then %d: they must grow", read[i-1].Position, ge.Position)
			}
			var p struct{ I int }
			if err := json.Unmarshal(ge.Event.Payload, &p); err != nil {
				t.Fatal(err)
			}
			out = append(out, row{ge.Event.Stream, ge.Event.Seq, p.I})
			at = append(at, ge.Position)
		}
		return out, at
	}
	readOK := func(t *testing.T, gr replay.GlobalReader[Payload], streams []replay.StreamKey, from uint64, limit int) []replay.GlobalEvent[Payload] {
		t.Helper()
		read, err := gr.ReadGlobal(ctx, streams, from, limit)
		if err != nil {
			t.Fatalf("ReadGlobal(%v, from %d, limit %d): %v", streams, from, limit, err)
		}
		return read
	}

	t.Run("EmptyLog", func(t *testing.T) {
		_, gr := open(t)
		if read := readOK(t, gr, nil, 0, 10); len(read) != 0 {
			t.Fatalf("an empty log's global order has %d events", len(read))
		}
	})

	t.Run("AppendOrder", func(t *testing.T) {
		log, gr := open(t)
		interleave(t, log)
		got, at := rows(t, readOK(t, gr, nil, 0, 100))
		want := []row{{"a", 1, 1}, {"b", 1, 2}, {"a", 2, 3}, {"c", 1, 4}, {"b", 2, 5}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("global order %v, want %v", got, want)
		}
		if at[0] == 0 {
			t.Error("a position is 0; they start above")
		}
		// From a position on, and in pieces.
		got, _ = rows(t, readOK(t, gr, nil, at[2], 2))
		if !reflect.DeepEqual(got, want[2:4]) {
			t.Errorf("from position %d, limit 2: %v, want %v", at[2], got, want[2:4])
		}
		if read := readOK(t, gr, nil, at[4]+1, 10); len(read) != 0 {
			t.Errorf("past the end: %d events", len(read))
		}
		// Events appended later come after.
		appendOK(t, log, replay.Event[Payload]{Stream: "a", Payload: payload(`{"i":6}`)})
		got, later := rows(t, readOK(t, gr, nil, at[4]+1, 10))
		if !reflect.DeepEqual(got, []row{{"a", 3, 6}}) || later[0] <= at[4] {
			t.Errorf("after one more append: %v at %v", got, later)
		}
	})

	t.Run("ChosenStreams", func(t *testing.T) {
		log, gr := open(t)
		interleave(t, log)
		_, all := rows(t, readOK(t, gr, nil, 0, 100))
		got, at := rows(t, readOK(t, gr, []replay.StreamKey{"c", "a", "nosuch"}, 0, 100))
		want := []row{{"a", 1, 1}, {"a", 2, 3}, {"c", 1, 4}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("global order of c and a %v, want %v", got, want)
		}
		if wantAt := []uint64{all[0], all[2], all[3]}; !reflect.DeepEqual(at, wantAt) {
			t.Errorf("positions of c and a's events %v, want theirs in the whole order %v", at, wantAt)
		}
		if read := readOK(t, gr, []replay.StreamKey{"nosuch"}, 0, 10); len(read) != 0 {
			t.Errorf("a stream that does not exist has %d events", len(read))
		}
	})

	t.Run("RefusesBadArguments", func(t *testing.T) {
		log, gr := open(t)
		interleave(t, log)
		if _, err := gr.ReadGlobal(ctx, nil, 0, 0); err == nil {
			t.Error("ReadGlobal with limit 0 did not fail")
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := gr.ReadGlobal(cancelled, nil, 0, 10); !errors.Is(err, context.Canceled) {
			t.Errorf("ReadGlobal with a cancelled context = %v, want context.Canceled", err)
		}
	})

	t.Run("ThroughGlobal", func(t *testing.T) {
		log, _ := open(t)
		interleave(t, log)
		g, err := replay.Global(log, "b", "c")
		if err != nil {
			t.Fatal(err)
		}
		events, err := g.Read(ctx, g.Key(), 2, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || events[0].Seq != 2 || events[0].Stream != "c" || events[1].Stream != "b" {
			t.Errorf("the global order of b and c from seq 2: %+v", events)
		}
	})
}
