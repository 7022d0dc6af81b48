// Command match embeds the replaytui debugger in a program of its own: it
// simulates a game match into a replay.MemoryLog and opens the debugger
// on it, with its Go types, no file in between; or it opens a match
// captured as JSON Lines, decoded into the same Go types.
//
//	go run ./examples/match                 # the debugger on a simulated match
//	go run ./examples/match -dump m.jsonl   # or the match as JSON Lines
//	go run ./examples/match m.jsonl         # the debugger on a captured match
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/replaytui/replaytui/examples/match/game"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/tui"
)

func main() {
	events := flag.Int("events", 500, "how many events to simulate")
	dump := flag.String("dump", "", "write the match to this JSON Lines file instead")
	flag.Parse()

	ctx := context.Background()
	var log replay.Log[game.Event]
	if flag.NArg() > 0 {
		// A captured match: each line's payload decodes into a game.Event.
		captured, err := jsonl.OpenAs[game.Event](flag.Args(), jsonl.Options{})
		if err != nil {
			fail(err)
		}
		defer captured.Close()
		log = captured
	} else {
		simulated := replay.NewMemoryLog[game.Event]()
		for _, ev := range game.Simulate(1, *events) {
			if _, err := simulated.Append(ctx, ev); err != nil {
				fail(err)
			}
		}
		log = simulated
	}
	if *dump != "" {
		if err := jsonl.Dump(ctx, log, *dump); err != nil {
			fail(err)
		}
		fmt.Printf("wrote %s; open it with: go run ./examples/match %s\n", *dump, *dump)
		return
	}
	err := tui.Run(ctx, tui.Config[game.State, game.Event]{
		Log: log, Apply: game.Apply, Initial: game.State{}, Clone: game.Clone,
		Title:   "match",
		Summary: func(ev replay.Event[game.Event]) string { return ev.Payload.Kind + " " + ev.Payload.Player },
	})
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "match:", err)
	os.Exit(1)
}
