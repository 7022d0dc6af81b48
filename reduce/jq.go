package reduce

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itchyny/gojq"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// JQ compiles a jq program into a reducer. The program sees the state as
// its input (.) and the event as $event — an object with stream, seq, time
// (RFC 3339, or null), payload and every extra top-level field of the
// event's line — and must produce exactly one value, the new state:
//
//	jq:.balance += $event.payload.amount
//
// Numbers that float64 cannot hold exactly (12345678901234567890123,
// 1e400) reach the program as they are written, and a value it only
// passes on keeps them exact. Arithmetic is jq's: integers of any size
// are exact (gojq computes them as big integers), every other number is
// computed in float64, so 0.1000000000000000000001 + 0 is 0.1 and a
// result beyond float64's range becomes ±1.7976931348623157e+308, as in
// jq 1.7.
//
// A program made only of the common parts of jq (paths, $event,
// arithmetic, comparisons, if, object and array construction, updates of
// paths, del and a few builtins: see jqnative.go) runs on a native
// evaluator that computes what gojq computes, failures included, several
// times faster; any other program runs on gojq.
//
// The program runs unbounded; see JQGuarded.
func JQ(program string) (Func, error) { return JQGuarded(program, nil) }

// JQGuarded is JQ with each apply bounded by g (nil: unbounded).
func JQGuarded(program string, g *Guard) (Func, error) {
	code, native, err := compileJQ(program)
	if err != nil {
		return nil, err
	}
	if native != nil {
		return func(state any, ev replay.Event[jsonv.Payload]) any {
			var e jqEnv
			defer e.startGuard(g)()
			// ToPlain copies, but the copy's containers are not recorded
			// as owned: an update copies its path, as on gojq.
			out, _, err := native.run(jsonv.ToPlain(state), true, &ev, &e)
			return jsonv.FromPlain(must(out, err))
		}, nil
	}
	return func(state any, ev replay.Event[jsonv.Payload]) any {
		// gojq takes plain maps; it never modifies its input.
		return jsonv.FromPlain(must(runJQ(code, g, jsonv.ToPlain(state), ev)))
	}, nil
}

// compileJQ compiles program for gojq and, when it is inside the native
// evaluator's subset, for that evaluator too (else native is nil).
func compileJQ(program string) (code *gojq.Code, native *nativeJQ, err error) {
	query, err := gojq.Parse(program)
	if err != nil {
		var pe *gojq.ParseError
		if errors.As(err, &pe) {
			return nil, nil, fmt.Errorf("jq program: %v at column %d:\n  %s\n  %s^", err, pe.Offset+1, program, strings.Repeat(" ", max(pe.Offset-len(pe.Token), 0)))
		}
		return nil, nil, fmt.Errorf("jq program: %w", err)
	}
	code, err = gojq.Compile(query, gojq.WithVariables([]string{"$event"}))
	if err != nil {
		return nil, nil, fmt.Errorf("jq program: %w", err)
	}
	native, _ = compileNative(query)
	return code, native, nil
}

// runJQ runs code over state, a plain value, and returns the one plain
// value it produces.
func runJQ(code *gojq.Code, g *Guard, state any, ev replay.Event[jsonv.Payload]) (any, error) {
	event, err := EventValue(ev)
	if err != nil {
		return nil, err
	}
	ctx, done := context.Background(), func() {}
	if g != nil {
		ctx, done = g.begin()
	}
	defer done()
	results := code.RunWithContext(ctx, state, event)
	var out []any
	for {
		v, ok := results.Next()
		if !ok {
			break
		}
		if err, ok := v.(error); ok {
			if ferr := failure(ctx); ferr != nil {
				return nil, fmt.Errorf("jq: the program %w", ferr)
			}
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break
			}
			return nil, fmt.Errorf("jq: %w", err)
		}
		if out = append(out, v); len(out) > 1 {
			return nil, errors.New("jq: the program produced more than one value; a reducer must produce exactly one state")
		}
	}
	if len(out) == 0 {
		return nil, errors.New("jq: the program produced no value; a reducer must produce exactly one state (use . to keep it)")
	}
	return out[0], nil
}

// jqAccumulator folds with a jq program as jq folds: the state stays a
// plain value from one event to the next (gojq never modifies its
// input), instead of being converted to plain maps for every event and
// back to persistent objects after it, each a walk of the whole state.
//
// A program inside the native evaluator's subset runs on it, under the
// same guard, and updates in place the containers of the state that the
// accumulator owns (jqown.go): all of them at the start (ToPlain copies
// the initial state), none once State handed the state out; an update
// copies the shared containers on its path, which are owned from then on.
type jqAccumulator struct {
	code   *gojq.Code
	native *nativeJQ
	guard  *Guard
	state  any // plain
	owned  bool
	env    jqEnv
}

func (a *jqAccumulator) Add(ev replay.Event[jsonv.Payload]) error {
	if a.native != nil {
		done := a.env.startGuard(a.guard)
		next, owned, err := a.native.run(a.state, a.owned, &ev, &a.env)
		done()
		if err != nil {
			return err
		}
		a.state, a.owned = next, owned
		a.env.compact(a.state, a.owned)
		return nil
	}
	next, err := runJQ(a.code, a.guard, a.state, ev)
	if err != nil {
		return err
	}
	a.state = next
	return nil
}

// State returns the state; FromPlain may share arrays with the
// accumulator's, so the accumulator stops owning any of it.
func (a *jqAccumulator) State() any {
	a.owned, a.env.owned, a.env.compactAt = false, nil, 0
	return jsonv.FromPlain(a.state)
}

// DecodedPayloads says the program reads payloads decoded: readers can
// decode them ahead (jsonv.Payload.Predecode), on other cores. A native
// program that reads only members of the payload by name decodes those
// from the text instead.
func (a *jqAccumulator) DecodedPayloads() bool { return a.native == nil || a.native.wholePayload }

// EventValue is an event as jq programs and conditions see it: a plain
// object with stream, seq, time (RFC 3339 or null), payload, and every
// extra field of its line by name.
func EventValue(ev replay.Event[jsonv.Payload]) (map[string]any, error) {
	payload, err := ev.Payload.Decode()
	if err != nil {
		return nil, fmt.Errorf("the payload is not JSON: %w", err)
	}
	m := make(map[string]any, 4+len(ev.Payload.Fields))
	for _, f := range ev.Payload.Fields {
		v, err := jsonscan.Decode(f.Value)
		if err != nil {
			return nil, fmt.Errorf("field %q is not JSON: %w", f.Name, err)
		}
		m[f.Name] = v
	}
	m["stream"] = string(ev.Stream)
	m["seq"] = float64(ev.Seq)
	m["time"] = nil
	if !ev.Time.IsZero() {
		m["time"] = ev.Time.Format(time.RFC3339Nano)
	}
	m["payload"] = payload
	return m, nil
}
