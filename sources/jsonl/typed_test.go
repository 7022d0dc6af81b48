package jsonl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// A typed program's events, as a user would write them.
type txn struct {
	Type   string `json:"type"`
	Tx     string `json:"tx"`
	Amount int    `json:"amount"`
}

type balance struct{ Cents, Count int }

func applyTxn(s balance, ev replay.Event[txn]) balance {
	switch ev.Payload.Type {
	case "deposit":
		return balance{s.Cents + ev.Payload.Amount, s.Count + 1}
	case "withdrawal":
		return balance{s.Cents - ev.Payload.Amount, s.Count + 1}
	}
	panic(fmt.Errorf("unknown type %q", ev.Payload.Type))
}

func TestTypedLogConformance(t *testing.T) {
	replaytest.TestLog(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		l, err := jsonl.Create(filepath.Join(t.TempDir(), "log.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		typed := jsonl.NewTyped(l, jsonl.Codec[replaytest.Payload]{})
		t.Cleanup(func() { typed.Close() })
		return typed
	})
}

func TestTypedGlobalReaderConformance(t *testing.T) {
	replaytest.TestGlobalReader(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		l, err := jsonl.Create(filepath.Join(t.TempDir(), "log.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		typed := jsonl.NewTyped(l, jsonl.Codec[replaytest.Payload]{})
		t.Cleanup(func() { typed.Close() })
		return typed
	})
}

func TestOpenAsDecodesLineMembersThenThePayload(t *testing.T) {
	path := write(t, "bank.jsonl", strings.Join([]string{
		`{"stream":"a","type":"deposit","payload":{"tx":"t1","amount":50}}`,
		`{"stream":"a","type":"deposit","tx":"line","payload":{"tx":"t2","amount":20}}`,
		`{"stream":"a","payload":{"type":"withdrawal","tx":"t3","amount":30}}`,
		``,
	}, "\n"))
	log, err := jsonl.OpenAs[txn]([]string{path}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	ctx := context.Background()
	events, err := log.Read(ctx, "a", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(events[0].Payload, events[1].Payload, events[2].Payload)
	if want := "{deposit t1 50} {deposit t2 20} {withdrawal t3 30}"; got != want {
		t.Errorf("decoded %s, want %s (the payload's members override the line's)", got, want)
	}
	state, err := replay.Replay(ctx, log, nil, "a", 0, applyTxn, balance{}, replay.Options{})
	if err != nil || state != (balance{40, 3}) {
		t.Fatalf("Replay = %+v, %v; want {40 3}", state, err)
	}
	if last, err := log.LastSeq(ctx, "a"); err != nil || last != 3 {
		t.Errorf("LastSeq = %d, %v", last, err)
	}
}

func TestOpenAsNamesFileLineAndColumnOfAValueThatDoesNotDecode(t *testing.T) {
	lines := []string{
		`{"stream":"a","type":"deposit","payload":{"tx":"t1","amount":50}}`,
		`{"stream":"a","type":"deposit","payload":{"tx":"t2","amount":"ten"}}`,
		`{"stream":"a","type":7,"payload":{"tx":"t3","amount":1}}`,
	}
	path := write(t, "bad.jsonl", strings.Join(lines, "\n")+"\n")
	log, err := jsonl.OpenAs[txn]([]string{path}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	ctx := context.Background()
	for _, c := range []struct {
		seq  replay.Seq
		line int
		at   string // the text the column points at
		msg  string
	}{
		{2, 2, `"ten"`, "payload.amount: does not decode into jsonl_test.txn: cannot unmarshal string into Go struct field txn.amount of type int"},
		{3, 3, `7`, "type: does not decode into jsonl_test.txn"},
	} {
		_, err := log.Read(ctx, "a", c.seq, 1)
		var le *jsonl.LineError
		if !errors.As(err, &le) {
			t.Fatalf("seq %d: err = %v, want a *jsonl.LineError", c.seq, err)
		}
		if le.File != path || le.Line != c.line || !strings.HasPrefix(lines[c.line-1][le.Column-1:], c.at) {
			t.Errorf("seq %d: error at %s:%d:%d, want line %d at %s", c.seq, le.File, le.Line, le.Column, c.line, c.at)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("seq %d: %q does not say %q", c.seq, err, c.msg)
		}
		var de *jsonl.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("seq %d: %v does not unwrap to a *DecodeError", c.seq, err)
		}
	}
	// Replay stops at the event, with its position.
	_, err = replay.Replay(ctx, log, nil, "a", 0, applyTxn, balance{}, replay.Options{})
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl:2:") {
		t.Errorf("Replay over a bad event: %v; want its position", err)
	}
}

// shape is a tagged union: the line's "kind" says which Go type the
// payload is, the job of a custom decoder.
type shape interface{ area() float64 }
type square struct{ Side float64 }
type circle struct{ R float64 }

func (s square) area() float64 { return s.Side * s.Side }
func (c circle) area() float64 { return 3 * c.R * c.R }

func decodeShape(p jsonv.Payload) (shape, error) {
	kind, _ := p.Field("kind")
	switch string(kind) {
	case `"square"`:
		var s square
		return s, json.Unmarshal(p.Value, &s)
	case `"circle"`:
		var c circle
		return c, json.Unmarshal(p.Value, &c)
	}
	return nil, &jsonl.DecodeError{Member: "kind", Err: fmt.Errorf("unknown kind %s", kind)}
}

func TestNewTypedTakesACustomDecoder(t *testing.T) {
	path := write(t, "shapes.jsonl", `{"kind":"square","payload":{"Side":2}}
{"kind":"circle","payload":{"R":1}}
{"kind":"hexagon","payload":{}}
`)
	l, err := jsonl.Open([]string{path}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := jsonl.NewTyped(l, jsonl.Codec[shape]{Decode: decodeShape})
	defer log.Close()
	total := func(s float64, ev replay.Event[shape]) float64 { return s + ev.Payload.area() }
	state, err := replay.Replay(context.Background(), log, nil, "", 2, total, 0, replay.Options{})
	if err != nil || state != 7 {
		t.Fatalf("Replay to seq 2 = %v, %v; want 7", state, err)
	}
	_, err = replay.Replay(context.Background(), log, nil, "", 3, total, 0, replay.Options{})
	if err == nil || !strings.Contains(err.Error(), "shapes.jsonl:3:9: kind: unknown kind \"hexagon\"") {
		t.Fatalf("Replay to seq 3: %v; want the position of the unknown kind", err)
	}
}
