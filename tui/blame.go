package tui

import (
	"context"
	"strings"

	"github.com/replaytui/replaytui/replay"
)

// BlameEntry is one event that changed a value: at Seq, Old became New.
type BlameEntry struct {
	Seq      replay.Seq
	Event    replay.Event[any] // its stream, seq and time; Payload unset
	Summary  string
	Kind     string // added, removed, changed
	Old, New string
	Path     string // the path that changed: the value's, or one above or below it
}

// Touches reports whether a change at changed affects the value at path:
// the same path, a path inside it, or one of its ancestors (a whole object
// replaced). Paths are written as .a.b[2]; a leading "state" is ignored,
// as typed states are compared from "state".
func Touches(changed, path string) bool {
	changed, path = strings.TrimPrefix(changed, "state"), strings.TrimPrefix(path, "state")
	if path == "" || path == "." {
		return true
	}
	if changed == path {
		return true
	}
	under := func(a, b string) bool { // a is inside b
		return strings.HasPrefix(a, b) && (a[len(b)] == '.' || a[len(b)] == '[')
	}
	return len(changed) > len(path) && under(changed, path) || len(path) > len(changed) && under(path, changed)
}

// Blame folds a stream up to until (0: its end) and lists every event
// that changed the value at path, oldest first: the last one is the event
// that made the value what it is at until. progress, when not nil, gets
// the seq reached now and then.
func Blame[S, E any](ctx context.Context, cfg Config[S, E], stream replay.StreamKey, path string, until replay.Seq, progress func(replay.Seq)) ([]BlameEntry, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	var out []BlameEntry
	prev := cfg.Initial
	for step, err := range replay.Fold(ctx, cfg.Log, stream, cfg.Apply, cfg.Initial) {
		if err != nil {
			return out, err
		}
		for _, ch := range cfg.Diff(prev, step.State) {
			if Touches(ch.Path, path) {
				ev := step.Event
				out = append(out, BlameEntry{
					Seq: ev.Seq, Event: replay.Event[any]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time},
					Summary: cfg.Summary(ev), Kind: ch.Kind, Old: ch.Old, New: ch.New, Path: ch.Path,
				})
			}
		}
		prev = step.State
		if progress != nil && step.Event.Seq%4096 == 0 {
			progress(step.Event.Seq)
		}
		if until != 0 && step.Event.Seq >= until {
			break
		}
	}
	return out, nil
}
