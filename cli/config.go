package cli

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/kr/pretty"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

// An Option changes what Main knows about the program's types.
type Option[S, E any] func(*config[S, E])

// config is everything the commands need to know about S and E.
type config[S, E any] struct {
	name    string
	version string
	apply   replay.Apply[S, E]
	initial S
	// reducer, when set, lets --reduce choose the apply by name.
	reducer func(spec string) (replay.Apply[S, E], error)
	// parseInitial, when set, lets --initial give the initial state.
	parseInitial func(text string) (S, error)
	// decode and encode convert payloads to and from JSON Lines.
	decode func(jsonv.Payload) (E, error)
	encode func(E) (jsonv.Payload, error)
	// show renders a state for people; marshal for --json and bookmark
	// files, unmarshal back.
	show      func(S) string
	marshal   func(S) ([]byte, error)
	unmarshal func([]byte) (S, error)
	// doc lays a state out for the debugger's state pane.
	doc func(S) tui.Doc
	// exprState and exprEvent are what conditions see as state and event.
	exprState func(S) any
	exprEvent func(replay.Event[E]) (any, error)
	// jsonValues: conditions run over jsonv values (member access is
	// rewritten to reach into persistent objects).
	jsonValues bool
	// diff lists what changed between two states.
	diff  func(a, b S) []change
	clone func(S) S
	// summary is a one-line description of an event, its type.
	summary func(E) string
	// accumulate, when set, may give a faster way than apply to fold a
	// whole stream into its final state (nil when the reducer has none).
	accumulate func(reducer string, initial S) accumulator[S, E]
}

// accumulator folds events into a state only it sees until State.
type accumulator[S, E any] interface {
	Add(replay.Event[E]) error
	State() S
}

// change is one difference between two states, rendered.
type change struct {
	Path string `json:"path"`
	Kind string `json:"kind"` // added, removed, changed
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
}

// WithName sets the program's name (default "replaytui").
func WithName[S, E any](name string) Option[S, E] {
	return func(c *config[S, E]) { c.name = name }
}

// WithVersion sets what --version prints.
func WithVersion[S, E any](version string) Option[S, E] {
	return func(c *config[S, E]) { c.version = version }
}

// WithClone gives a deep copy of a state, which protects the debugger's
// checkpoints from an apply that mutates the state it is given (see
// replay.TimelineOptions.Clone).
func WithClone[S, E any](clone func(S) S) Option[S, E] {
	return func(c *config[S, E]) { c.clone = clone }
}

// defaults fills in what a typed program gets without options: payloads
// are JSON decoded into E with encoding/json (the line's extra fields,
// such as "type", first, then the payload), states are shown with
// kr/pretty and compared by reflection.
func defaults[S, E any](apply replay.Apply[S, E], initial S) *config[S, E] {
	return &config[S, E]{
		name:    "replaytui",
		version: "dev",
		apply:   apply,
		initial: initial,
		decode: func(p jsonv.Payload) (E, error) {
			var e E
			if len(p.Fields) > 0 {
				// The line's own fields first (a struct field tagged
				// json:"type" gets the event's type), then the payload.
				// E need not be an object: then only the payload counts.
				m := make(map[string]json.RawMessage, len(p.Fields))
				for _, f := range p.Fields {
					m[f.Name] = f.Value
				}
				fields, _ := json.Marshal(m)
				_ = json.Unmarshal(fields, &e)
			}
			if len(p.Value) == 0 {
				return e, nil
			}
			if err := json.Unmarshal(p.Value, &e); err != nil {
				return e, fmt.Errorf("payload %.60s does not decode into %T: %w", p.Value, e, err)
			}
			return e, nil
		},
		encode: func(e E) (jsonv.Payload, error) {
			raw, err := json.Marshal(e)
			return jsonv.Payload{Value: raw}, err
		},
		show:    func(s S) string { return pretty.Sprintf("%# v", s) },
		summary: summarize[E],
		marshal: func(s S) ([]byte, error) { return json.Marshal(s) },
		unmarshal: func(b []byte) (S, error) {
			var s S
			err := json.Unmarshal(b, &s)
			return s, err
		},
		doc:       func(s S) tui.Doc { return tui.PrettyDoc(s) },
		exprState: func(s S) any { return s },
		exprEvent: func(ev replay.Event[E]) (any, error) { return ev, nil },
		diff: func(a, b S) []change {
			var out []change
			for _, d := range replay.Compare(a, b) {
				out = append(out, change{Path: d.Path, Kind: d.Kind(), Old: d.A, New: d.B})
			}
			return out
		},
	}
}

// summarize describes a typed event in a line: its Type or Kind field
// when it has one (as most event structs do), else its fields.
func summarize[E any](e E) string {
	v := reflect.ValueOf(e)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		for _, name := range []string{"Type", "Kind", "Name", "Event"} {
			if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.String && f.CanInterface() {
				return f.String()
			}
		}
	}
	s := fmt.Sprintf("%+v", e)
	if len(s) > 60 {
		s = s[:59] + "…"
	}
	return s
}

// JSON is the configuration of the replaytui binary: JSON events and
// states, the apply chosen with --reduce among the built-in reducers
// (merge by default), states shown as indented JSON.
func JSON() Option[any, jsonv.Payload] {
	return func(c *config[any, jsonv.Payload]) {
		c.reducer = reduce.Parse
		c.parseInitial = func(text string) (any, error) {
			v, err := jsonv.Decode([]byte(text))
			if err != nil {
				return nil, fmt.Errorf("--initial is not JSON: %w", err)
			}
			return v, nil
		}
		c.decode = func(p jsonv.Payload) (jsonv.Payload, error) { return p, nil }
		c.encode = func(p jsonv.Payload) (jsonv.Payload, error) { return p, nil }
		c.show = func(s any) string { return string(jsonv.Append(nil, s, "  ")) }
		c.marshal = func(s any) ([]byte, error) { return jsonv.Marshal(s), nil }
		c.unmarshal = func(b []byte) (any, error) { return jsonv.Decode(b) }
		c.doc = tui.JSONDoc
		c.exprState = func(s any) any { return s }
		c.exprEvent = func(ev replay.Event[jsonv.Payload]) (any, error) { return reduce.EventValue(ev) }
		c.jsonValues = true
		c.summary = jsonv.Payload.Type
		c.accumulate = func(spec string, initial any) accumulator[any, jsonv.Payload] {
			if acc := reduce.Accumulate(spec, initial); acc != nil {
				return acc
			}
			return nil
		}
		c.diff = func(a, b any) []change {
			var out []change
			for _, ch := range jsonv.Diff(a, b) {
				out = append(out, change{Path: ch.Path.String(), Kind: ch.Kind.String(), Old: jsonValue(ch.Old, ch.Kind != jsonv.Added), New: jsonValue(ch.New, ch.Kind != jsonv.Removed)})
			}
			return out
		}
	}
}

// jsonValue makes a jsonv value printable by encoding/json, or nil when
// it is absent.
func jsonValue(v any, present bool) any {
	if !present {
		return nil
	}
	return json.RawMessage(jsonv.Marshal(v))
}
