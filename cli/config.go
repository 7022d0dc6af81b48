package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/kr/pretty"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
	"github.com/replaytui/replaytui/tui"
)

// An Option changes what Main knows about the program: its name and
// version, how to copy a state, how a line becomes an event. Options that
// take a function over S or E infer their types from it, so none needs
// type arguments: cli.WithClone(game.Clone), cli.WithName("bank").
type Option struct {
	apply func(target any) error
}

// optionOf makes an Option that configures a config[S, E] of any E
// through the one-method interface set: it fails, saying what it wanted,
// when the program's types do not fit.
func optionOf[T any](what string, set func(T)) Option {
	return Option{apply: func(target any) error {
		t, ok := target.(T)
		if !ok {
			return fmt.Errorf("%s does not fit this program's state and event types (%s)", what, target)
		}
		set(t)
		return nil
	}}
}

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
	// codec converts payloads to and from JSON Lines.
	codec jsonl.Codec[E]
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
	// debugger runs the terminal debugger (tui.Run); tests put a
	// stand-in here.
	debugger func(context.Context, tui.Config[S, E]) error
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

// String names the configuration's types, for an option that does not
// fit them.
func (c *config[S, E]) String() string {
	return fmt.Sprintf("state %s, event %s", reflect.TypeFor[S](), reflect.TypeFor[E]())
}

func (c *config[S, E]) setName(name string)       { c.name = name }
func (c *config[S, E]) setVersion(version string) { c.version = version }
func (c *config[S, E]) setClone(clone func(S) S)  { c.clone = clone }
func (c *config[S, E]) setCodec(codec jsonl.Codec[E]) {
	if codec.Decode != nil {
		c.codec.Decode = codec.Decode
	}
	if codec.Encode != nil {
		c.codec.Encode = codec.Encode
	}
}

// WithName sets the program's name (default "replaytui"), used in help,
// messages and completion scripts.
func WithName(name string) Option {
	return optionOf("WithName", func(c interface{ setName(string) }) { c.setName(name) })
}

// WithVersion sets what --version prints.
func WithVersion(version string) Option {
	return optionOf("WithVersion", func(c interface{ setVersion(string) }) { c.setVersion(version) })
}

// WithClone gives a deep copy of a state, which protects the debugger's
// checkpoints from an apply that mutates the state it is given (see
// replay.TimelineOptions.Clone).
func WithClone[S any](clone func(S) S) Option {
	return optionOf("WithClone", func(c interface{ setClone(func(S) S) }) { c.setClone(clone) })
}

// WithCodec sets how a JSON Lines line becomes an E and back, for events
// that encoding/json cannot decode by the default rule
// (jsonl.DecodeJSON): a tagged union, a payload in another encoding.
func WithCodec[E any](codec jsonl.Codec[E]) Option {
	return optionOf("WithCodec", func(c interface{ setCodec(jsonl.Codec[E]) }) { c.setCodec(codec) })
}

// defaults fills in what a typed program gets without options: payloads
// are JSON decoded into E by jsonl.DecodeJSON (the line's extra fields,
// such as "type", first, then the payload), states are shown with
// kr/pretty and compared by reflection.
func defaults[S, E any](apply replay.Apply[S, E], initial S) *config[S, E] {
	return &config[S, E]{
		name:    "replaytui",
		version: "dev",
		apply:   apply,
		initial: initial,
		codec:   jsonl.Codec[E]{Decode: jsonl.DecodeJSON[E], Encode: jsonl.EncodeJSON[E]},
		show:    func(s S) string { return pretty.Sprintf("%# v", s) },
		summary: summarize[E],
		marshal: func(s S) ([]byte, error) { return json.Marshal(s) },
		unmarshal: func(b []byte) (S, error) {
			var s S
			err := json.Unmarshal(b, &s)
			return s, err
		},
		doc:       func(s S) tui.Doc { return tui.PrettyDoc(s) },
		debugger:  tui.Run[S, E],
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
func JSON() Option {
	return optionOf("JSON", func(c *config[any, jsonv.Payload]) {
		c.reducer = reduce.Parse
		c.parseInitial = func(text string) (any, error) {
			v, err := jsonv.Decode([]byte(text))
			if err != nil {
				return nil, fmt.Errorf("--initial is not JSON: %w", err)
			}
			return v, nil
		}
		c.codec = jsonl.Codec[jsonv.Payload]{
			Decode: func(p jsonv.Payload) (jsonv.Payload, error) { return p, nil },
			Encode: func(p jsonv.Payload) (jsonv.Payload, error) { return p, nil },
		}
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
	})
}

// jsonValue makes a jsonv value printable by encoding/json, or nil when
// it is absent.
func jsonValue(v any, present bool) any {
	if !present {
		return nil
	}
	return json.RawMessage(jsonv.Marshal(v))
}
