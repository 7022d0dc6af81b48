// Package reduce holds the built-in apply functions of the replaytui
// binary, for logs of JSON events: merge (RFC 7386 merge patch), patch
// (RFC 6902 JSON Patch), set (the payload is the new state) and jq (a jq
// program over the state and the event).
//
// States are jsonv values: objects are persistent, and every reducer
// copies only the path it changes, so a step costs O(depth) and keyframes
// of a large state share almost all their memory. No reducer modifies the
// state it is given. merge, patch and set carry every number exactly as
// the log wrote it, beyond float64 too (see jsonv); jq computes as jq
// does (see JQ).
package reduce

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Func is the apply of a JSON log. Like every replay.Apply, a reducer
// signals failure by panicking; the reducers here panic with an error
// (such as a jq runtime error or a failed patch test), which the fold
// reports as a *replay.ApplyError that unwraps to it.
type Func = replay.Apply[any, jsonv.Payload]

// must turns a reducer's error into the panic that signals it.
func must(state any, err error) any {
	if err != nil {
		panic(err)
	}
	return state
}

// Names lists the reducers Parse knows, for help texts.
const Names = "merge, patch, set, jq:PROGRAM or jq:@FILE"

// Parse returns the reducer a --reduce flag names; jq:@FILE reads the jq
// program from FILE. jq programs run unbounded; see ParseGuarded.
func Parse(spec string) (Func, error) {
	apply, _, err := ParseIdentified(spec)
	return apply, err
}

// ParseIdentified is Parse that also returns what identifies the reducer,
// for bookmarks, which are used only by the reducer that made them: the
// spec itself, except for jq:@FILE, which is identified by the program
// it read ("jq file sha256:…"), not by the file's name, so that an edited
// program is another reducer and a moved one is the same.
func ParseIdentified(spec string) (Func, string, error) { return ParseGuarded(spec, nil) }

// ParseGuarded is ParseIdentified with jq programs bounded by g (nil:
// unbounded).
func ParseGuarded(spec string, g *Guard) (Func, string, error) {
	switch {
	case spec == "merge":
		return Merge, spec, nil
	case spec == "patch":
		return Patch, spec, nil
	case spec == "set":
		return Set, spec, nil
	case strings.HasPrefix(spec, "jq:@"):
		name := strings.TrimPrefix(spec, "jq:@")
		program, err := os.ReadFile(name)
		if err != nil {
			return nil, "", fmt.Errorf("jq program file: %w", err)
		}
		apply, err := JQGuarded(string(program), g)
		sum := sha256.Sum256(program)
		return apply, "jq file sha256:" + hex.EncodeToString(sum[:]), err
	case strings.HasPrefix(spec, "jq:"):
		apply, err := JQGuarded(strings.TrimPrefix(spec, "jq:"), g)
		return apply, spec, err
	}
	return nil, "", fmt.Errorf("unknown reducer %q: want %s", spec, Names)
}

// Merge merges the payload into the state as an RFC 7386 merge patch.
func Merge(state any, ev replay.Event[jsonv.Payload]) any {
	next, err := ev.Payload.MergeInto(state)
	if err != nil {
		panic(fmt.Errorf("merge: the payload is not JSON: %w", err))
	}
	return next
}

// Set makes the payload the new state.
func Set(_ any, ev replay.Event[jsonv.Payload]) any {
	v, err := ev.Payload.Decode()
	if err != nil {
		panic(fmt.Errorf("set: the payload is not JSON: %w", err))
	}
	return jsonv.FromPlain(v)
}

// Accumulator folds a stream's events into a state nobody else sees
// until State is called, which lets it update the state in place. It is
// the fast way to compute one final state (replaytui state); Apply is the
// way when the states in between matter.
type Accumulator interface {
	Add(ev replay.Event[jsonv.Payload]) error
	State() any
}

// Accumulate returns an Accumulator for the reducer spec names, starting
// from initial, or nil when that reducer has none (then fold with its
// Apply). merge, set and jq have one; jq programs run unbounded (see
// AccumulateGuarded).
func Accumulate(spec string, initial any) Accumulator { return AccumulateGuarded(spec, initial, nil) }

// AccumulateGuarded is Accumulate with jq programs bounded by g (nil:
// unbounded). A spec Parse refuses has no accumulator.
func AccumulateGuarded(spec string, initial any, g *Guard) Accumulator {
	switch {
	case spec == "merge":
		return &merger{jsonv.NewMerger(initial)}
	case spec == "set":
		return &setter{state: initial}
	case strings.HasPrefix(spec, "jq:"):
		program := strings.TrimPrefix(spec, "jq:")
		if name, ok := strings.CutPrefix(program, "@"); ok {
			text, err := os.ReadFile(name)
			if err != nil {
				return nil
			}
			program = string(text)
		}
		code, native, err := compileJQ(program)
		if err != nil {
			return nil
		}
		a := &jqAccumulator{code: code, native: native, guard: g, state: jsonv.ToPlain(initial), owned: true}
		a.env.ownTree(a.state) // ToPlain's copy: nothing else holds it
		return a
	}
	return nil
}

// setter folds set: every state but the last is thrown away, so it keeps
// only the last payload, checked, and decodes it once, when asked.
type setter struct {
	state any // the state when no payload came since it was made
	last  jsonv.Payload
	has   bool
}

func (s *setter) Add(ev replay.Event[jsonv.Payload]) error {
	if v := ev.Payload.Value; len(v) > 0 && !ev.Payload.IsChecked() {
		end, err := jsonscan.Skip(v, 0)
		if err == nil && jsonscan.SkipSpace(v, end) != len(v) {
			_, err = jsonscan.Decode(v) // for its message
		}
		if err != nil {
			return fmt.Errorf("set: the payload is not JSON: %w", err)
		}
	}
	s.last, s.has = ev.Payload, true
	return nil
}

func (s *setter) State() any {
	if s.has {
		v, err := s.last.Decode()
		if err != nil { // checked by Add
			panic(err)
		}
		s.state, s.last, s.has = jsonv.FromPlain(v), jsonv.Payload{}, false
	}
	return s.state
}

type merger struct{ m *jsonv.Merger }

func (m *merger) Add(ev replay.Event[jsonv.Payload]) error {
	if err := m.m.MergePayload(ev.Payload); err != nil {
		return fmt.Errorf("merge: the payload is not JSON: %w", err)
	}
	return nil
}

func (m *merger) State() any { return m.m.State() }
