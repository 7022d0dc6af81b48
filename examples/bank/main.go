// Command bank is replaytui for a bank ledger with typed Go events: the
// whole debugger, over the Go types of bank.go, in one call.
//
//	go run ./examples/bank state testdata/bank.jsonl -s acct-bob
package main

import "github.com/replaytui/replaytui/cli"

func main() { cli.Main(Apply, State{}, cli.WithName("bank")) }
