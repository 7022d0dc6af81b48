// Command replay is replaytui for the match example's Go types: the
// whole command line and debugger, for logs written by
// `go run ./examples/match -dump FILE` or by a failing test.
package main

import (
	"github.com/replaytui/replaytui/cli"
	"github.com/replaytui/replaytui/examples/match/game"
)

func main() { cli.Main(game.Apply, game.State{}, cli.WithClone(game.Clone), cli.WithName("match")) }
