package replay

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Errors surfaced by Log implementations. Every backend wraps these (with
// %w) so that callers can test for them with errors.Is whatever the Log or
// Snapshotter is.
var (
	// ErrSeqMismatch: an Append carried a seq that is not the next one of
	// its stream (a gap, a duplicate, or a writer that lost a race), or a
	// log handed back events out of order.
	ErrSeqMismatch = errors.New("replay: seq does not match next expected")

	// ErrEmptyStream: the stream has no events and no checkpoint.
	ErrEmptyStream = errors.New("replay: stream has no events")
)

// Errors of the additions to the seed's API.
var (
	// ErrPastEnd: a replay or seek asked for a seq after the last event of
	// the stream. Replay never answers such a request with the final state,
	// because a caller asking for seq 900 of an 800-event stream usually
	// has the wrong stream or a truncated log, and should be told.
	ErrPastEnd = errors.New("replay: seq past the end of the stream")
)

// ApplyError reports an apply that panicked at one event. The fold stops
// there; the state before that event is intact.
//
// An apply signals failure by panicking; when it panics with an error,
// ApplyError unwraps to that error, so errors.Is and errors.As see it.
type ApplyError struct {
	Stream StreamKey
	Seq    Seq
	// Panic is the value apply panicked with.
	Panic any
	// Stack is the goroutine stack at the panic, for bug reports; nil when
	// apply panicked with an error that is not a runtime error (a failure
	// it signalled on purpose).
	Stack []byte
	// Err is the panic value when it is an error, else the panic value
	// formatted as one.
	Err error
	// Event is the Event[E] that apply failed on, for a message that
	// shows it.
	Event any
}

// newApplyError makes the error for a recovered panic value r at ev of
// stream (which is ev's own, except in a GlobalLog's global order, whose
// events keep theirs).
func newApplyError[E any](stream StreamKey, ev Event[E], r any) *ApplyError {
	e := &ApplyError{Stream: stream, Seq: ev.Seq, Panic: r, Event: ev}
	err, isErr := r.(error)
	var rt runtime.Error
	switch {
	case isErr && !errors.As(err, &rt):
		e.Err = err
	case isErr:
		e.Err, e.Stack = err, debug.Stack()
	default:
		e.Err, e.Stack = fmt.Errorf("panic: %v", r), debug.Stack()
	}
	return e
}

// Failed reports whether apply panicked with an error of its own on
// purpose, rather than crashing (a runtime error, or a value that is not
// an error).
func (e *ApplyError) Failed() bool { return e.Stack == nil }

func (e *ApplyError) Error() string {
	if e.Failed() {
		return fmt.Sprintf("apply failed at stream %s seq %d: %v", StreamName(e.Stream), e.Seq, e.Err)
	}
	return fmt.Sprintf("apply panicked at stream %s seq %d: %v", StreamName(e.Stream), e.Seq, e.Panic)
}

func (e *ApplyError) Unwrap() error { return e.Err }
