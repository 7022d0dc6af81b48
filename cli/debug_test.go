package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

func TestSummaryChoosesTheValuesRowsShow(t *testing.T) {
	log := filepath.Join(t.TempDir(), "chess.jsonl")
	lines := `{"stream":"s","seq":1,"type":"game_started","payload":{"fen":"start","tags":{"White":"Navara,D"}}}
{"stream":"s","seq":2,"type":"move","payload":{"fen_after":"rnbqkbnr/pppppppp/8/8/8/5N2/PPPPPPPP/RNBQKB1R b KQkq - 1 1","ply":1,"san":"Nf3"}}
`
	if err := os.WriteFile(log, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	rows := func(cfg tui.Config[any, jsonv.Payload]) []string {
		events, err := cfg.Log.Read(context.Background(), "s", 1, 10)
		if err != nil || len(events) != 2 {
			t.Fatalf("read %d events: %v", len(events), err)
		}
		var out []string
		for _, ev := range events {
			if len(cfg.SummaryFields) == 0 {
				out = append(out, cfg.Summary(ev))
				continue
			}
			out = append(out, cfg.SummaryOf(ev, cfg.SummaryFields, 0))
		}
		return out
	}
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		got := rows(cfg)
		if got[0] != "game_started  tags.White=Navara,D" || got[1] != "move  san=Nf3" {
			t.Errorf("--summary san,tags.White: rows %q", got)
		}
	}, "--summary", "san, tags.White", log)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if len(cfg.SummaryFields) != 0 || cfg.SummaryOf == nil {
			t.Errorf("without --summary: fields %q", cfg.SummaryFields)
		}
		if got := rows(cfg); got[1] != "move  ply=1  san=Nf3" {
			t.Errorf("without --summary: rows %q", got)
		}
		ev := replay.Event[jsonv.Payload]{Payload: jsonv.Payload{Value: []byte(`{"a":{"b":5}}`)}}
		if got := cfg.SummaryOf(ev, []string{"a.b"}, 0); got != "a.b=5" {
			t.Errorf("SummaryOf a.b = %q", got)
		}
	}, log)
}

func TestAgainstOpensTheDebuggerOnTwoReducers(t *testing.T) {
	bank := filepath.Join("..", "testdata", "bank.jsonl")
	// The state of acct-bob after seq 7 under each apply: the retried
	// withdrawal counts under bank.jq, not under bank-dedupe.jq.
	balance := func(cfg tui.Config[any, jsonv.Payload], apply replay.Apply[any, jsonv.Payload]) string {
		s, err := replay.Replay(context.Background(), cfg.Log, replay.NewMemorySnapshotter[any](), "acct-bob", 7, apply, cfg.Initial, replay.Options{})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := s.(*jsonv.Object).Get("balance")
		return string(jsonv.Marshal(v))
	}
	opened := false
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		opened = true
		if cfg.Against == nil || cfg.ApplyName != "reduce jq:@bank.jq" || cfg.AgainstName != "against jq:@bank-dedupe.jq" {
			t.Fatalf("--against: Against set %v, names %q and %q", cfg.Against != nil, cfg.ApplyName, cfg.AgainstName)
		}
		if a, b := balance(cfg, cfg.Apply), balance(cfg, cfg.Against); a != "-120" || b != "80" {
			t.Errorf("balance after seq 7: %s under --reduce, %s under --against; want -120 and 80", a, b)
		}
	}, "-r", "jq:@../testdata/bank.jq", "--against", "jq:@../testdata/bank-dedupe.jq", bank)
	if !opened {
		t.Fatal("the debugger did not open")
	}
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if cfg.Against != nil {
			t.Errorf("without --against the debugger has a second apply")
		}
	}, bank)

	_, errOut, code := run(t, "--against", "jq:.[", bank)
	if code != exitUsage || !strings.Contains(errOut, "--against: ") {
		t.Errorf("a bad --against: exit %d, %s", code, errOut)
	}

	// A program of its own with WithAgainst shows its two applies.
	type state struct{ Sum int }
	type event struct{ N int }
	v1 := func(s state, ev replay.Event[event]) state { return state{Sum: s.Sum + ev.Payload.N} }
	v2 := func(s state, ev replay.Event[event]) state { return state{Sum: s.Sum + 2*ev.Payload.N} }
	path := filepath.Join(t.TempDir(), "typed.jsonl")
	if err := os.WriteFile(path, []byte(`{"stream":"s","seq":1,"payload":{"N":3}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got tui.Config[state, event]
	headless := Option{apply: func(target any) error {
		target.(*config[state, event]).debugger = func(_ context.Context, cfg tui.Config[state, event]) error {
			got = cfg
			return nil
		}
		return nil
	}}
	var out, stderr bytes.Buffer
	if code := Run(context.Background(), []string{path}, &out, &stderr, v2, state{}, WithAgainst(v1), headless); code != 0 {
		t.Fatalf("WithAgainst: exit %d, %s", code, stderr.String())
	}
	if got.Against == nil || got.ApplyName != "apply" || got.AgainstName != "against" {
		t.Fatalf("WithAgainst: Against set %v, names %q and %q", got.Against != nil, got.ApplyName, got.AgainstName)
	}
	if s := got.Against(state{}, replay.Event[event]{Payload: event{N: 3}}); s.Sum != 3 {
		t.Errorf("the second apply is not WithAgainst's: %+v", s)
	}
	code = Run(context.Background(), []string{"--against", "set", path}, &out, &stderr, v2, state{}, WithAgainst(v1), headless)
	if code != exitUsage || !strings.Contains(stderr.String(), "--against takes a reducer") {
		t.Errorf("--against in a typed program: exit %d, %s", code, stderr.String())
	}
}
