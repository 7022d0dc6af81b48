package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/kr/pretty"

	"github.com/replaytui/replaytui/changes"
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
	// applyID identifies apply for bookmarks (WithApplyID); "" for the
	// default, see applyIdentity.
	applyID string
	// reducer, when set, lets --reduce choose the apply by name; it
	// returns what identifies the reducer too, and its jq programs run
	// bounded by the guard.
	reducer func(spec string, g *reduce.Guard) (replay.Apply[S, E], string, error)
	// against, when set, is the apply diverge compares apply with
	// (WithAgainst).
	against replay.Apply[S, E]
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
	diff  func(a, b S) []changes.Change
	clone func(S) S
	// summary is a one-line description of an event, its type.
	summary func(E) string
	// debugger runs the debugger (tui.Run; tests replace it).
	debugger func(context.Context, tui.Config[S, E]) error
	// accumulate, when set, may give a faster way than apply to fold a
	// whole stream into its final state (nil when the reducer has none).
	accumulate func(reducer string, g *reduce.Guard, initial S) replay.Accumulator[S, E]
	// tuneCollector: commands may change the collector's percentage for
	// their length (TuneCollector).
	tuneCollector bool
}

// String names the configuration's types, for an option that does not
// fit them.
func (c *config[S, E]) String() string {
	return fmt.Sprintf("state %s, event %s", reflect.TypeFor[S](), reflect.TypeFor[E]())
}

func (c *config[S, E]) setName(name string)                 { c.name = name }
func (c *config[S, E]) setVersion(version string)           { c.version = version }
func (c *config[S, E]) setApplyID(id string)                { c.applyID = id }
func (c *config[S, E]) setClone(clone func(S) S)            { c.clone = clone }
func (c *config[S, E]) setTuneCollector()                   { c.tuneCollector = true }
func (c *config[S, E]) setAgainst(apply replay.Apply[S, E]) { c.against = apply }
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

// TuneCollector lets commands tune the Go garbage collector for their
// length. A large fold (replaytui state) allocates briskly and keeps
// little: collecting half as often (as GOGC=200 would) saves about a
// tenth of its time for some memory. The debugger keeps its goal at least
// 384 MiB above its live heap, mostly keyframes, so that fewer frames are
// drawn while a collection marks them (collector.Room). The settings are
// the whole process's, so a program has them changed only if it gives
// this option (the replaytui binary does); and even then GOGC or
// GOMEMLIMIT in the environment, or a percentage the program set itself
// (debug.SetGCPercent), win.
func TuneCollector() Option {
	return optionOf("TuneCollector", func(c interface{ setTuneCollector() }) { c.setTuneCollector() })
}

// WithApplyID names the program's apply for bookmarks. A bookmark is a
// saved state, and it is used as a checkpoint only by a program whose
// apply has the same id (and whose initial state is the same): any
// other shows it as stale, never starts from it. So the id must change
// whenever what the apply computes changes: give a version of the apply,
// a hash of its source, a build's VCS revision.
//
// Without it, the id is the names of the state and event types and the
// program's version (WithVersion, default "dev"): two builds of one
// version trust each other's bookmarks even if their applies differ, so a
// program whose apply is still changing should set one. With --reduce
// (the replaytui binary), the reducer identifies the apply instead.
func WithApplyID(id string) Option {
	set := optionOf("WithApplyID", func(c interface{ setApplyID(string) }) { c.setApplyID(id) })
	return Option{apply: func(target any) error {
		if id == "" {
			return errors.New("WithApplyID: the id is empty")
		}
		return set.apply(target)
	}}
}

// applyIdentity is what identifies the apply given to Main (see
// WithApplyID).
func (c *config[S, E]) applyIdentity() string {
	if c.applyID != "" {
		return c.applyID
	}
	return fmt.Sprintf("Go apply of state %s and event %s, %s version %s", typeName[S](), typeName[E](), c.name, c.version)
}

// typeName names a type with its package's import path, which tells
// apart two packages of one name.
func typeName[T any]() string {
	t := reflect.TypeFor[T]()
	if t.Name() != "" && t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

// WithClone gives a deep copy of a state, which protects the debugger's
// checkpoints from an apply that mutates the state it is given (see
// replay.TimelineOptions.Clone).
func WithClone[S any](clone func(S) S) Option {
	return optionOf("WithClone", func(c interface{ setClone(func(S) S) }) { c.setClone(clone) })
}

// WithAgainst gives another version of the program's apply, such as the
// one in production before a change, for the diverge command to compare
// with the apply given to Main: every stream folded through both from the
// initial state, and the first seq where their states differ. The
// debugger then shows the two states side by side at every seq, and ]
// and [ go to where they start to differ.
//
//	cli.Main(bank.Apply, bank.State{}, cli.WithAgainst(bankv1.Apply))
func WithAgainst[S, E any](apply replay.Apply[S, E]) Option {
	set := optionOf("WithAgainst", func(c interface{ setAgainst(replay.Apply[S, E]) }) { c.setAgainst(apply) })
	return Option{apply: func(target any) error {
		if apply == nil {
			return errors.New("WithAgainst: the apply is nil")
		}
		return set.apply(target)
	}}
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
		name:     "replaytui",
		version:  "dev",
		apply:    apply,
		initial:  initial,
		debugger: tui.Run[S, E],
		codec:    jsonl.Codec[E]{Decode: jsonl.DecodeJSON[E], Encode: jsonl.EncodeJSON[E]},
		show:     func(s S) string { return pretty.Sprintf("%# v", s) },
		summary:  summarize[E],
		marshal:  func(s S) ([]byte, error) { return json.Marshal(s) },
		unmarshal: func(b []byte) (S, error) {
			var s S
			err := json.Unmarshal(b, &s)
			return s, err
		},
		doc:       func(s S) tui.Doc { return tui.PrettyDoc(s) },
		exprState: func(s S) any { return s },
		exprEvent: func(ev replay.Event[E]) (any, error) { return ev, nil },
		diff:      func(a, b S) []changes.Change { return changes.FromDifferences(replay.Compare(a, b)) },
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
		c.reducer = reduce.ParseGuarded
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
		c.accumulate = func(spec string, g *reduce.Guard, initial any) replay.Accumulator[any, jsonv.Payload] {
			if acc := reduce.AccumulateGuarded(spec, initial, g); acc != nil {
				return acc
			}
			return nil
		}
		c.diff = jsonChanges
	})
}

// jsonChanges lists what changed between two JSON states, values as
// JSON text.
func jsonChanges(a, b any) []changes.Change {
	var out []changes.Change
	for _, ch := range jsonv.Diff(a, b) {
		c := changes.Change{Path: ch.Path.String(), Kind: ch.Kind.String()}
		if ch.Kind != jsonv.Added {
			c.Old = string(jsonv.Marshal(ch.Old))
		}
		if ch.Kind != jsonv.Removed {
			c.New = string(jsonv.Marshal(ch.New))
		}
		out = append(out, c)
	}
	return out
}
