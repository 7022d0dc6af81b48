// Package game is a small game match: the typed events, state and pure
// apply of the match example.
package game

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"time"

	"github.com/replaytui/replaytui/replay"
)

// Event is one thing that happened in a match.
type Event struct {
	Kind   string // joined, moved, hit, healed, killed
	Player string
	X, Y   int
	Amount int
}

// Player is one player's state.
type Player struct {
	HP    int
	X, Y  int
	Kills int
	Alive bool
}

// State is a match.
type State struct {
	Players map[string]Player
	Score   map[string]int
}

// Apply folds one event into a match. It copies the maps it changes, so it
// never touches the state it was given (replaytui verify checks that).
func Apply(s State, ev replay.Event[Event]) State {
	e := ev.Payload
	next := State{Players: maps.Clone(s.Players), Score: maps.Clone(s.Score)}
	if next.Players == nil {
		next.Players, next.Score = map[string]Player{}, map[string]int{}
	}
	p, known := next.Players[e.Player]
	if !known && e.Kind != "joined" {
		panic(fmt.Errorf("%s %s before joining", e.Player, e.Kind))
	}
	switch e.Kind {
	case "joined":
		p = Player{HP: 100, X: e.X, Y: e.Y, Alive: true}
	case "moved":
		p.X, p.Y = e.X, e.Y
	case "hit":
		p.HP -= e.Amount
	case "healed":
		p.HP += e.Amount // the bug to find: nothing caps HP at 100
	case "killed":
		p.HP, p.Alive = 0, false
		next.Score[e.Player]--
	default:
		panic(fmt.Errorf("unknown event %q", e.Kind))
	}
	next.Players[e.Player] = p
	return next
}

// Clone copies a State, for the debugger's checkpoints.
func Clone(s State) State {
	return State{Players: maps.Clone(s.Players), Score: maps.Clone(s.Score)}
}

// Simulate plays a match of n events between a few players.
func Simulate(seed uint64, n int) []replay.Event[Event] {
	rng := rand.New(rand.NewPCG(seed, 7))
	names := []string{"ana", "bo", "cy", "di"}
	t0 := time.Date(2026, 6, 1, 20, 0, 0, 0, time.UTC)
	var events []replay.Event[Event]
	add := func(e Event) {
		events = append(events, replay.Event[Event]{Stream: "match-1", Time: t0.Add(time.Duration(len(events)) * 2 * time.Second), Payload: e})
	}
	for i, name := range names {
		add(Event{Kind: "joined", Player: name, X: i * 5, Y: i * 3})
	}
	for len(events) < n {
		name := names[rng.IntN(len(names))]
		switch r := rng.IntN(10); {
		case r < 5:
			add(Event{Kind: "moved", Player: name, X: rng.IntN(40), Y: rng.IntN(20)})
		case r < 8:
			add(Event{Kind: "hit", Player: name, Amount: 5 + rng.IntN(30)})
		default:
			add(Event{Kind: "healed", Player: name, Amount: 10 + rng.IntN(40)})
		}
	}
	return events
}
