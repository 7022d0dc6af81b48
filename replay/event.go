package replay

import "time"

// Seq is the position of an event in its stream. Seqs start at 1 and grow
// by one per event; 0 means "before the stream began".
type Seq uint64

// StreamKey names a stream: one aggregate, account, match or case whose
// events are ordered by Seq.
type StreamKey string

// Event is one state-changing fact recorded in a stream.
type Event[E any] struct {
	Stream  StreamKey
	Seq     Seq
	Time    time.Time // zero when the source does not record one
	Payload E
}

// Checkpoint is the state of a stream after the event at Seq was applied.
type Checkpoint[S any] struct {
	Stream StreamKey
	Seq    Seq
	State  S
}

// Apply folds one event into a state and returns the new state.
//
// It must be pure: the same state and event always give the same result,
// and the state it is given is never modified. A reducer that writes into a
// map or slice of the state it received changes every checkpoint that
// shares that map; [CheckPurity] finds such reducers.
//
// An apply signals failure by panicking: [Replay], [Timeline], [Fold] and
// [CheckPurity] recover the panic and stop at that event with an
// [*ApplyError] naming the stream and seq. Panicking with an error value
// (panic(fmt.Errorf("withdraw %d: %w", amount, ErrOverdraft))) keeps that
// error reachable through errors.Is and errors.As on what they return.
type Apply[S, E any] func(state S, ev Event[E]) S

// Accumulator folds events into a state that nobody else sees until State
// returns it, which lets it update that state in place: folding many
// events this way allocates only what they add, where an Apply, which must
// leave the state it is given as it was, copies what it changes at every
// event. It never changes the state it started from, nor a state State
// returned. Add fails (returns an error, or panics) as Apply would.
type Accumulator[S, E any] interface {
	Add(ev Event[E]) error
	State() S
}
