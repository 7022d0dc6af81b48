package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

func TestAppendBatch(t *testing.T) {
	p := pool(t)
	events, _ := tables(t, p)
	log, err := NewLog[jsonv.Payload](p, events)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	batch := func(from replay.Seq, n int) []replay.Event[jsonv.Payload] {
		var out []replay.Event[jsonv.Payload]
		for i := range n {
			seq := from + replay.Seq(i)
			if from == 0 {
				seq = 0
			}
			v, _ := json.Marshal(map[string]any{"n": i, "s": "\u00e9"})
			out = append(out, replay.Event[jsonv.Payload]{Stream: "a", Seq: seq, Payload: jsonv.Payload{Value: v}})
		}
		return out
	}
	if err := log.AppendBatch(ctx, batch(1, 3)); err != nil {
		t.Fatal(err)
	}
	if err := log.AppendBatch(ctx, batch(0, 2)); err != nil { // assigned: 4, 5
		t.Fatal(err)
	}
	// Not the next seq, or taken already: nothing is appended.
	for _, from := range []replay.Seq{5, 7, 1} {
		if err := log.AppendBatch(ctx, batch(from, 2)); !errors.Is(err, replay.ErrSeqMismatch) {
			t.Errorf("batch from seq %d: got %v, want ErrSeqMismatch", from, err)
		}
	}
	gapped := batch(6, 2)
	gapped[1].Seq = 8
	if err := log.AppendBatch(ctx, gapped); err == nil {
		t.Error("a batch with a gap was appended")
	}
	gapped = batch(0, 2)
	gapped[1].Seq = 7
	if err := log.AppendBatch(ctx, gapped); err == nil {
		t.Error("a batch with a gap was appended")
	}
	var got []replay.Event[jsonv.Payload]
	// Several streams in one batch, one of them new.
	mixed := append(batch(6, 2), replay.Event[jsonv.Payload]{Stream: "b", Seq: 1, Payload: jsonv.Payload{Value: json.RawMessage(`1`)}})
	mixed = append(mixed, batch(8, 1)...)
	if err := log.AppendBatch(ctx, mixed); err != nil {
		t.Fatal(err)
	}
	// One stream of the batch not at its next seq: nothing of it goes.
	wrong := append(batch(9, 1), replay.Event[jsonv.Payload]{Stream: "b", Seq: 3, Payload: jsonv.Payload{Value: json.RawMessage(`1`)}})
	if err := log.AppendBatch(ctx, wrong); !errors.Is(err, replay.ErrSeqMismatch) {
		t.Errorf("stream b at seq 3: got %v, want ErrSeqMismatch", err)
	}
	if last, _ := log.LastSeq(ctx, "b"); last != 1 {
		t.Errorf("stream b ends at seq %d, want 1", last)
	}
	got, err = log.Read(ctx, "a", 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Fatalf("read %d events, want 8", len(got))
	}
	for i, ev := range got {
		if ev.Seq != replay.Seq(i+1) {
			t.Errorf("event %d has seq %d", i, ev.Seq)
		}
	}
	if string(got[4].Payload.Value) != `{"n": 1, "s": "é"}` {
		t.Errorf("seq 5 payload %s", got[4].Payload.Value)
	}
}
