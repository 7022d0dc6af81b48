package cli

import (
	"context"
	"os"
	"path/filepath"
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
