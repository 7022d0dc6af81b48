package main

import (
	"fmt"

	"github.com/replaytui/replaytui/replay"
)

// Event is one entry of an account's ledger, as testdata/bank.jsonl
// holds them: the line's "type" and its payload's members.
type Event struct {
	Type   string `json:"type"`
	Tx     string `json:"tx"`
	Amount int    `json:"amount,omitempty"`
	Owner  string `json:"owner,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// State is an account.
type State struct {
	Owner   string
	Status  string
	Balance int
	LastTx  string
	Moves   int // deposits, withdrawals and transfers applied
}

// Apply folds one ledger entry into an account. It is pure: State holds
// no maps or slices, so the copy it receives is its own.
//
// It has the bug testdata/bank.jsonl exposes: a withdrawal that a client
// retried arrives twice with the same tx, and Apply takes it twice, so
// Bob's account goes overdrawn. replaytui finds where:
//
//	go run ./examples/bank find testdata/bank.jsonl -s acct-bob --where 'state.Balance < 0'
func Apply(s State, ev replay.Event[Event]) State {
	e := ev.Payload
	switch e.Type {
	case "opened":
		s.Owner, s.Status = e.Owner, "open"
	case "deposit", "transfer_in":
		s.Balance += e.Amount
		s.Moves++
	case "withdrawal", "transfer_out":
		s.Balance -= e.Amount
		s.Moves++
	case "closed":
		s.Status = "closed"
	default:
		panic(fmt.Errorf("unknown event type %q", e.Type))
	}
	s.LastTx = e.Tx
	return s
}
