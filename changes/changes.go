// Package changes is what an event changed in a state, as the command
// line and the debugger show it: one Change type for every kind of state
// (JSON values, Go values), one way to write it, and the questions asked
// of a stream's history with it ("which events touched this value?").
package changes

import (
	"context"
	"strings"
	"time"

	"github.com/replaytui/replaytui/replay"
)

// Kinds of change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Change is one difference between two states: the value at Path was Old
// and is New. Old and New are rendered (JSON text for JSON states, Go
// syntax for Go values); Old is "" when Kind is Added, New when Removed.
type Change struct {
	Path string `json:"path"`
	Kind string `json:"kind"` // Added, Removed or Changed
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// Sign is the one-character mark of a change's kind: + added, - removed,
// ~ changed.
func (c Change) Sign() string {
	switch c.Kind {
	case Added:
		return "+"
	case Removed:
		return "-"
	}
	return "~"
}

// Values is the change's values as a line shows them: the new value, the
// old one, or "old → new".
func (c Change) Values() string {
	switch c.Kind {
	case Added:
		return c.New
	case Removed:
		return c.Old
	}
	return c.Old + " → " + c.New
}

// Effect is what the change did to the value: "+ new", "- old" or
// "old → new".
func (c Change) Effect() string {
	switch c.Kind {
	case Added:
		return "+ " + c.New
	case Removed:
		return "- " + c.Old
	}
	return c.Old + " → " + c.New
}

// String is the change on one line: "~ .balance  80 → -120".
func (c Change) String() string { return c.Sign() + " " + c.Path + "  " + c.Values() }

// FromDifferences converts what replay.Compare finds.
func FromDifferences(ds []replay.Difference) []Change {
	out := make([]Change, 0, len(ds))
	for _, d := range ds {
		c := Change{Path: d.Path, Kind: d.Kind(), Old: d.A, New: d.B}
		switch c.Kind {
		case Added:
			c.Old = ""
		case Removed:
			c.New = ""
		}
		out = append(out, c)
	}
	return out
}

// Touches reports whether a change at changed affects the value at path:
// the same path, a path inside it, or one of its ancestors (a whole object
// replaced). Paths are written as .a.b[2] or ["k"]; a leading "state" is
// ignored, as Go states are compared from "state".
func Touches(changed, path string) bool {
	changed, path = strings.TrimPrefix(changed, "state"), strings.TrimPrefix(path, "state")
	if path == "" || path == "." || changed == path {
		return true
	}
	under := func(a, b string) bool { // a is inside b
		return strings.HasPrefix(a, b) && (a[len(b)] == '.' || a[len(b)] == '[')
	}
	return len(changed) > len(path) && under(changed, path) || len(path) > len(changed) && under(path, changed)
}

// BlameEntry is one event that changed a value.
type BlameEntry struct {
	Seq     replay.Seq
	Time    time.Time // the event's; zero when it has none
	Summary string
	Change  // what it did: its Path may be the value's, or one above or below it
}

// History is what Blame needs of a stream's events and states.
type History[S, E any] struct {
	Log     replay.Log[E]
	Stream  replay.StreamKey
	Apply   replay.Apply[S, E]
	Initial S
	// Diff lists what changed between two states.
	Diff func(before, after S) []Change
	// Summary describes an event in a few words (its type); may be nil.
	Summary func(replay.Event[E]) string
}

// Blame folds the stream up to until (0: its end) and lists every event
// that changed the value at path, oldest first: the last one made the
// value what it is at until. progress, when not nil, gets the seq reached
// now and then.
func Blame[S, E any](ctx context.Context, h History[S, E], path string, until replay.Seq, progress func(replay.Seq)) ([]BlameEntry, error) {
	var out []BlameEntry
	prev := h.Initial
	for step, err := range replay.Fold(ctx, h.Log, h.Stream, h.Apply, h.Initial) {
		if err != nil {
			return out, err
		}
		ev := step.Event
		for _, ch := range h.Diff(prev, step.State) {
			if Touches(ch.Path, path) {
				e := BlameEntry{Seq: ev.Seq, Time: ev.Time, Change: ch}
				if h.Summary != nil {
					e.Summary = h.Summary(ev)
				}
				out = append(out, e)
			}
		}
		prev = step.State
		if progress != nil && ev.Seq%4096 == 0 {
			progress(ev.Seq)
		}
		if until != 0 && ev.Seq >= until {
			break
		}
	}
	return out, nil
}
