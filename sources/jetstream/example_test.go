package jetstream_test

import (
	"context"
	"fmt"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jetstream"
)

type deposit struct{ Amount int }

func balance(total int, ev replay.Event[deposit]) int { return total + ev.Payload.Amount }

// Events of account 42 go to the subject bank.42 of the stream BANK;
// checkpoints to the bucket bank-checkpoints. (Not run: it needs a
// server, e.g. nats-server -js.)
func Example() {
	ctx := context.Background()
	nc, js, err := jetstream.Connect(ctx, "nats://127.0.0.1:4222")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer nc.Close()
	if _, err := jetstream.CreateStream(ctx, js, "BANK", "bank"); err != nil {
		fmt.Println(err)
		return
	}
	log, _ := jetstream.NewLog[deposit](ctx, js, "BANK", "bank")
	kv, _ := jetstream.CreateBucket(ctx, js, "bank-checkpoints")
	snap, _ := jetstream.NewSnapshotter[int](js, kv, nil, nil)
	for _, amount := range []int{50, 25} {
		if _, err := log.Append(ctx, replay.Event[deposit]{Stream: "42", Payload: deposit{amount}}); err != nil {
			fmt.Println(err)
			return
		}
	}
	total, err := replay.Replay(ctx, replay.Log[deposit](log), snap, "42", 0, balance, 0, replay.Options{SnapshotEvery: 100})
	fmt.Println(total, err)
}
