package jsonl_test

import (
	"context"
	"fmt"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// A program's own event type: the line's "type" and the payload's members
// decode into it (see DecodeJSON).
type ledgerEntry struct {
	Type   string `json:"type"`
	Tx     string `json:"tx"`
	Amount int    `json:"amount"`
}

func ExampleOpenAs() {
	log, err := jsonl.OpenAs[ledgerEntry]([]string{"../../testdata/bank.jsonl"}, jsonl.Options{})
	if err != nil {
		panic(err)
	}
	defer log.Close()

	balance := func(b int, ev replay.Event[ledgerEntry]) int {
		switch ev.Payload.Type {
		case "deposit", "transfer_in":
			return b + ev.Payload.Amount
		case "withdrawal", "transfer_out":
			return b - ev.Payload.Amount
		}
		return b
	}
	ctx := context.Background()
	for seq := replay.Seq(5); seq <= 7; seq++ {
		b, err := replay.Replay(ctx, log, nil, "acct-bob", seq, balance, 0, replay.Options{})
		events, _ := log.Read(ctx, "acct-bob", seq, 1)
		fmt.Println(seq, events[0].Payload.Type, events[0].Payload.Tx, b, err)
	}
	// Output:
	// 5 deposit tx-2004 280 <nil>
	// 6 withdrawal tx-2006 80 <nil>
	// 7 withdrawal tx-2006 -120 <nil>
}
