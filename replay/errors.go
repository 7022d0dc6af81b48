package replay

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every backend wraps these (with %w) so that callers can
// test for them with errors.Is whatever the Log or Snapshotter is.
var (
	// ErrSeqMismatch: an Append carried a seq that is not the next one of
	// its stream (a gap, a duplicate, or a writer that lost a race), or a
	// log handed back events out of order.
	ErrSeqMismatch = errors.New("seq mismatch")

	// ErrEmptyStream: the stream has no events and no checkpoint.
	ErrEmptyStream = errors.New("empty stream")

	// ErrPastEnd: a replay or seek asked for a seq after the last event of
	// the stream. Replay never answers such a request with the final state,
	// because a caller asking for seq 900 of an 800-event stream usually
	// has the wrong stream or a truncated log, and should be told.
	ErrPastEnd = errors.New("seq past the end of the stream")
)

// ApplyError reports an apply that failed or panicked at one event. The
// fold stops there; the state before that event is intact.
type ApplyError struct {
	Stream StreamKey
	Seq    Seq
	// Panic is the value apply panicked with, or nil if it returned Err.
	Panic any
	// Stack is the goroutine stack at the panic, for bug reports.
	Stack []byte
	// Err is the error apply returned, or the panic value as an error.
	Err error
	// Event is the Event[E] that apply failed on, for a message that
	// shows it.
	Event any
}

func (e *ApplyError) Error() string {
	if e.Panic != nil {
		return fmt.Sprintf("apply panicked at stream %q seq %d: %v", e.Stream, e.Seq, e.Panic)
	}
	return fmt.Sprintf("apply failed at stream %q seq %d: %v", e.Stream, e.Seq, e.Err)
}

func (e *ApplyError) Unwrap() error { return e.Err }
