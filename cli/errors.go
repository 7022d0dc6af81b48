package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// Exit codes, as documented in --help and the README.
const (
	exitOK       = 0
	exitNotFound = 1 // nothing matched, a check failed, no such stream or seq
	exitUsage    = 2 // bad flags, arguments, expressions or reducers
	exitBadInput = 3 // a log that cannot be read or folded
	// exitInterrupted: Ctrl-C, as a shell reports a process ended by
	// SIGINT (128 + 2).
	exitInterrupted = 130
)

// exitError carries the exit code of an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &exitError{exitNotFound, fmt.Errorf(format, args...)}
}

// silentFailure ends a command with exit status 1 after it has printed
// its own report (find with no match, verify with problems).
type silentFailure struct{}

func (silentFailure) Error() string { return "" }

// exitCode classifies an error for the shell.
func exitCode(err error) int {
	var ee *exitError
	var le *jsonl.LineError
	var ae *replay.ApplyError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, silentFailure{}):
		return exitNotFound
	case errors.As(err, &le), errors.As(err, &ae):
		return exitBadInput
	case errors.Is(err, replay.ErrPastEnd), errors.Is(err, replay.ErrEmptyStream):
		return exitNotFound
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return exitBadInput
	}
	return exitBadInput
}
