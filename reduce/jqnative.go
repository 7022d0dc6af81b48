package reduce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itchyny/gojq"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// The native evaluator runs the jq programs reducers are usually made of
// as Go closures instead of on gojq's interpreter, and updates a state
// that only the fold holds in place, as jq 1.7 does, so that a program
// building a large state costs O(path) per event instead of a copy of
// each object on its path.
//
// The subset, decided when the program is compiled (anything else runs on
// gojq): `.`, `.a`, `."a"`, `.[e]` and chains of them,
// `$event` and its members, literals (null, booleans, numbers, strings
// without interpolation), `|`, `+ - * / %`, unary `-`, `== != < <= > >=`,
// `and`, `or`, `//`, `if … elif … else … end`, objects and arrays built
// from single-output parts (`[a, b]` too), `=`, `|=`, `+=`, `-=`, `*=`,
// `/=`, `%=`, `//=` on paths, `del(path)`, `e as $name | body`, and the
// builtins not, length, type, tostring, tonumber, keys and has(k). Every expression of the
// subset produces exactly one value or an error, and none loops, so an
// apply takes long or much memory only where it builds a large value
// (repeats a string, joins large values): the Guard is checked there, and
// after the apply (jqown.go).
//
// Values are gojq's: nil, bool, int, float64, *big.Int, json.Number,
// string, []any, map[string]any. Each operation computes the common cases
// itself (float64 and int without overflow, strings, objects, arrays,
// null) and hands every other one, errors included, to gojq through a
// small precompiled program (jqDelegate), so results and failures are
// gojq's.
//
// Ownership: an expression is told whether its caller gives its input
// up — will not look at it again — and says whether it gives its output
// up: a value read from the state or from $event is not given up (its
// place keeps it), a value the expression built is. A container given up
// may be changed in place when the fold owns it (jqown.go): an update
// changes in place the owned containers on its path and copies the
// shared ones, shallowly; a value stored is never copied.

// nativeJQ is a program compiled for the native evaluator.
type nativeJQ struct {
	eval jqEval
	// vars is how many variables the program binds.
	vars int
	// wholePayload says whether the program reads payloads whole
	// ($event, $event.payload) rather than members by name: only then
	// is decoding them ahead worth it.
	wholePayload bool
}

// jqEval evaluates an expression over in; owned says whether in may be
// changed in place, outOwned whether the result may be.
type jqEval func(in any, owned bool, e *jqEnv) (out any, outOwned bool, err error)

// jqEnv is one event as the program sees it, decoded once, and what
// the fold keeps from one event to the next: the containers it owns and
// the guard of the apply.
type jqEnv struct {
	ev      *replay.Event[jsonv.Payload]
	payload any
	decoded bool // payload holds the decoded payload
	event   map[string]any
	vars    []any // the values of the program's variables, by slot

	owned     jqOwned // see jqown.go
	compactAt int     // the size of owned that makes Add compact it

	guard    *Guard
	ctx      context.Context // the apply's, under guard; nil without
	deadline time.Time       // when the time budget runs out; zero without
}

// begin prepares e for ev, failing where EventValue fails, as gojq's path
// fails before running the program. A payload no reader decoded ahead is
// only checked: the program may read just a member or two of it.
func (e *jqEnv) begin(ev *replay.Event[jsonv.Payload]) error {
	e.ev, e.payload, e.decoded, e.event = ev, nil, false, nil
	if v := ev.Payload.Value; ev.Payload.Predecoded() || len(v) == 0 {
		if _, err := e.wholePayload(); err != nil {
			return err
		}
	} else if ev.Payload.IsChecked() {
		return nil // its reader checked it all
	} else if end, err := jsonscan.Skip(v, 0); err != nil || jsonscan.SkipSpace(v, end) != len(v) {
		_, err := e.wholePayload()
		return err
	}
	for _, f := range ev.Payload.Fields {
		end, err := jsonscan.Skip(f.Value, 0)
		if err != nil || jsonscan.SkipSpace(f.Value, end) != len(f.Value) {
			_, err := EventValue(*ev) // for its message
			if err == nil {
				err = fmt.Errorf("field %q is not JSON", f.Name)
			}
			return err
		}
	}
	return nil
}

// wholePayload is $event.payload.
func (e *jqEnv) wholePayload() (any, error) {
	if !e.decoded {
		p, err := e.ev.Payload.Decode()
		if err != nil {
			return nil, fmt.Errorf("the payload is not JSON: %w", err)
		}
		e.payload, e.decoded = p, true
	}
	return e.payload, nil
}

// payloadMember is $event.payload.name, read from the payload's text
// when it was not decoded: one member decoded instead of the payload.
func (e *jqEnv) payloadMember(name string) (any, error) {
	raw := e.ev.Payload.Value
	if e.decoded || len(raw) == 0 || raw[jsonscan.SkipSpace(raw, 0)] != '{' {
		p, err := e.wholePayload()
		if err != nil {
			return nil, err
		}
		return jqIndex(p, name)
	}
	var found []byte // the last member of that name, as decoding keeps it
	_, err := jsonscan.MembersRaw(raw, 0, func(key, value []byte) error {
		if string(key) == name || (slices.Contains(key, '\\') && unquoted(key) == name) {
			found = value
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("the payload is not JSON: %w", err)
	}
	if found == nil {
		return nil, nil
	}
	return jsonscan.Decode(found)
}

func unquoted(rawKey []byte) string {
	s, err := jsonscan.Unquote([]byte(`"` + string(rawKey) + `"`))
	if err != nil {
		return ""
	}
	return s
}

// member is $event.name.
func (e *jqEnv) member(name string) (any, error) {
	switch name {
	case "payload":
		return e.wholePayload()
	case "stream":
		return string(e.ev.Stream), nil
	case "seq":
		return float64(e.ev.Seq), nil
	case "time":
		if e.ev.Time.IsZero() {
			return nil, nil
		}
		return e.ev.Time.Format(time.RFC3339Nano), nil
	}
	var raw []byte
	for _, f := range e.ev.Payload.Fields { // the last of a name, as in EventValue
		if f.Name == name {
			raw = f.Value
		}
	}
	if raw == nil {
		return nil, nil
	}
	return jsonscan.Decode(raw)
}

// whole is $event itself.
func (e *jqEnv) whole() (map[string]any, error) {
	if e.event == nil {
		v, err := EventValue(*e.ev)
		if err != nil {
			return nil, err
		}
		e.event = v
	}
	return e.event, nil
}

// run applies the program to state for ev; the error is the one runJQ
// would report.
func (n *nativeJQ) run(state any, owned bool, ev *replay.Event[jsonv.Payload], e *jqEnv) (any, bool, error) {
	if err := e.begin(ev); err != nil {
		return nil, false, err
	}
	if cap(e.vars) < n.vars {
		e.vars = make([]any, n.vars)
	}
	e.vars = e.vars[:n.vars]
	out, outOwned, err := n.eval(state, owned, e)
	clear(e.vars)
	e.ev, e.payload, e.event = nil, nil, nil // nothing of this event stays reachable
	if e.ctx != nil {
		if ferr := failure(e.ctx); ferr != nil {
			err = fmt.Errorf("the program %w", ferr)
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("jq: %w", err)
	}
	return out, outOwned, nil
}

// errNotNative says a program is outside the subset.
var errNotNative = errors.New("outside the native subset")

// compileNative compiles q for the native evaluator, or reports that it
// is outside the subset.
func compileNative(q *gojq.Query) (*nativeJQ, bool) {
	c := &jqCompiler{}
	eval, err := c.query(q)
	if err != nil {
		return nil, false
	}
	return &nativeJQ{eval: eval, wholePayload: c.wholePayload, vars: c.slots}, true
}

type jqCompiler struct {
	wholePayload bool
	scope        []jqVar // the variables in scope, innermost last
	slots        int     // how many variables the program binds
}

// jqVar is a variable bound with `as`, and its slot in jqEnv.vars.
type jqVar struct {
	name string
	slot int
}

// lookup returns the slot of the variable name, innermost first.
func (c *jqCompiler) lookup(name string) (int, bool) {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if c.scope[i].name == name {
			return c.scope[i].slot, true
		}
	}
	return 0, false
}

// bind compiles `value as $name | body`. A container the variable holds
// that its place holds too is shared, so that the body cannot change
// what the variable sees.
func (c *jqCompiler) bind(value *gojq.Query, name string, body *gojq.Query) (jqEval, error) {
	v, err := c.query(value)
	if err != nil {
		return nil, err
	}
	slot := c.slots
	c.slots++
	c.scope = append(c.scope, jqVar{name, slot})
	b, err := c.query(body)
	c.scope = c.scope[:len(c.scope)-1]
	if err != nil {
		return nil, err
	}
	return func(in any, owned bool, e *jqEnv) (any, bool, error) {
		x, xOwned, err := v(in, false, e)
		if err != nil {
			return nil, false, err
		}
		e.vars[slot] = e.stored(x, xOwned)
		return b(in, owned, e)
	}, nil
}

func (c *jqCompiler) query(q *gojq.Query) (jqEval, error) {
	if q == nil || q.Meta != nil || len(q.Imports) > 0 || len(q.FuncDefs) > 0 {
		return nil, errNotNative
	}
	if len(q.Patterns) > 0 {
		if len(q.Patterns) > 1 || q.Op != gojq.OpPipe || q.Patterns[0].Name == "" {
			return nil, errNotNative // ?// alternatives, destructuring
		}
		return c.bind(q.Left, q.Patterns[0].Name, q.Right)
	}
	if q.Term != nil {
		return c.term(q.Term)
	}
	switch q.Op {
	case gojq.OpAssign, gojq.OpModify, gojq.OpUpdateAdd, gojq.OpUpdateSub, gojq.OpUpdateMul,
		gojq.OpUpdateDiv, gojq.OpUpdateMod, gojq.OpUpdateAlt:
		return c.update(q.Op, q.Left, q.Right)
	case gojq.OpComma:
		return nil, errNotNative
	}
	l, err := c.query(q.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.query(q.Right)
	if err != nil {
		return nil, err
	}
	switch op := q.Op; op {
	case gojq.OpPipe:
		return func(in any, owned bool, e *jqEnv) (any, bool, error) {
			v, vOwned, err := l(in, owned, e)
			if err != nil {
				return nil, false, err
			}
			return r(v, vOwned, e)
		}, nil
	case gojq.OpAdd, gojq.OpSub, gojq.OpMul, gojq.OpDiv, gojq.OpMod:
		if op == gojq.OpAdd && isIdentity(q.Left) {
			// . + x: the input, when given up, takes x in place (. cannot
			// fail, so which side runs first does not show).
			return func(in any, owned bool, e *jqEnv) (any, bool, error) {
				b, bOwned, err := r(in, false, e)
				if err != nil {
					return nil, false, err
				}
				return e.arith(op, in, owned, b, bOwned)
			}, nil
		}
		return func(in any, _ bool, e *jqEnv) (any, bool, error) {
			a, aOwned, err := l(in, false, e)
			if err != nil {
				return nil, false, err
			}
			b, bOwned, err := r(in, false, e)
			if err != nil {
				return nil, false, err
			}
			return e.arith(op, a, aOwned, b, bOwned)
		}, nil
	case gojq.OpEq, gojq.OpNe, gojq.OpLt, gojq.OpLe, gojq.OpGt, gojq.OpGe:
		return func(in any, _ bool, e *jqEnv) (any, bool, error) {
			a, _, err := l(in, false, e)
			if err != nil {
				return nil, false, err
			}
			b, _, err := r(in, false, e)
			if err != nil {
				return nil, false, err
			}
			return compareOp(op, gojq.Compare(a, b)), true, nil
		}, nil
	case gojq.OpAnd, gojq.OpOr:
		return func(in any, _ bool, e *jqEnv) (any, bool, error) {
			a, _, err := l(in, false, e)
			if err != nil {
				return nil, false, err
			}
			if truthy(a) == (op == gojq.OpOr) {
				return op == gojq.OpOr, true, nil
			}
			b, _, err := r(in, false, e)
			if err != nil {
				return nil, false, err
			}
			return truthy(b), true, nil
		}, nil
	case gojq.OpAlt:
		return func(in any, owned bool, e *jqEnv) (any, bool, error) {
			// The left side runs on a view: if it falls through, the
			// right side must see the input unchanged.
			a, aOwned, err := l(in, false, e)
			if err != nil {
				return nil, false, err
			}
			if truthy(a) {
				return a, aOwned, nil
			}
			return r(in, owned, e)
		}, nil
	}
	return nil, errNotNative
}

func compareOp(op gojq.Operator, c int) bool {
	switch op {
	case gojq.OpEq:
		return c == 0
	case gojq.OpNe:
		return c != 0
	case gojq.OpLt:
		return c < 0
	case gojq.OpLe:
		return c <= 0
	case gojq.OpGt:
		return c > 0
	}
	return c >= 0
}

func truthy(v any) bool { return v != nil && v != false }

// scalar says v holds no container, so whoever has it owns it.
func scalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

func (c *jqCompiler) term(t *gojq.Term) (jqEval, error) {
	if path, ok, err := c.pathOf(t); ok || err != nil {
		if err != nil {
			return nil, err
		}
		if len(path) == 0 { // ., which hands its input on as it is
			return func(in any, owned bool, _ *jqEnv) (any, bool, error) { return in, owned, nil }, nil
		}
		return func(in any, _ bool, e *jqEnv) (any, bool, error) {
			var buf [4]any
			keys, err := path.keys(in, e, buf[:0])
			if err != nil {
				return nil, false, err
			}
			v := in
			for _, k := range keys {
				if v, err = jqIndex(v, k); err != nil {
					return nil, false, err
				}
			}
			return v, scalar(v), nil
		}, nil
	}
	if len(t.SuffixList) == 0 {
		return c.base(t)
	}
	keys, err := c.suffixKeys(t.SuffixList)
	if err != nil {
		return nil, err
	}
	if _, shadowed := c.lookup("$event"); t.Type == gojq.TermTypeFunc && t.Func.Name == "$event" && !shadowed {
		return c.eventPath(keys), nil
	}
	base, err := c.base(t)
	if err != nil {
		return nil, err
	}
	return func(in any, _ bool, e *jqEnv) (any, bool, error) {
		v, _, err := base(in, false, e)
		if err != nil {
			return nil, false, err
		}
		if v, err = indexAll(v, keys, in, e); err != nil {
			return nil, false, err
		}
		return v, scalar(v), nil
	}, nil
}

// eventPath reads $event.name… without building $event, for the members
// gojq's path would take from it.
func (c *jqCompiler) eventPath(keys []jqKey) jqEval {
	first, rest := keys[0], keys[1:]
	name, isName := first.constant.(string)
	isName = isName && first.eval == nil
	var member string
	if isName && name == "payload" && len(rest) > 0 {
		member, _ = rest[0].constant.(string)
		if rest[0].eval == nil && member != "" {
			rest = rest[1:]
		}
	}
	if !isName || name == "payload" && member == "" {
		c.wholePayload = true
	}
	return func(in any, _ bool, e *jqEnv) (any, bool, error) {
		var v any
		var err error
		if member != "" {
			v, err = e.payloadMember(member)
		} else if isName {
			v, err = e.member(name)
		} else {
			var key any
			if key, err = first.evalKey(in, e); err == nil {
				var whole map[string]any
				if whole, err = e.whole(); err == nil {
					v, err = jqIndex(whole, key)
				}
			}
		}
		if err == nil {
			v, err = indexAll(v, rest, in, e)
		}
		if err != nil {
			return nil, false, err
		}
		return v, scalar(v), nil
	}
}

// indexAll is v.[k1].[k2]…, each key evaluated against in.
func indexAll(v any, keys []jqKey, in any, e *jqEnv) (any, error) {
	for _, k := range keys {
		key, err := k.evalKey(in, e)
		if err != nil {
			return nil, err
		}
		if v, err = jqIndex(v, key); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// base compiles a term without its suffixes.
func (c *jqCompiler) base(t *gojq.Term) (jqEval, error) {
	switch t.Type {
	case gojq.TermTypeIdentity:
		return func(in any, owned bool, _ *jqEnv) (any, bool, error) { return in, owned, nil }, nil
	case gojq.TermTypeNull:
		return constant(nil), nil
	case gojq.TermTypeTrue:
		return constant(true), nil
	case gojq.TermTypeFalse:
		return constant(false), nil
	case gojq.TermTypeNumber:
		return constant(parseNumberLiteral(t.Number)), nil
	case gojq.TermTypeString:
		if t.Str == nil || t.Str.Queries != nil {
			return nil, errNotNative
		}
		return constant(t.Str.Str), nil
	case gojq.TermTypeQuery:
		return c.query(t.Query)
	case gojq.TermTypeIf:
		return c.ifThen(t.If)
	case gojq.TermTypeObject:
		return c.object(t.Object)
	case gojq.TermTypeArray:
		return c.array(t.Array)
	case gojq.TermTypeUnary:
		if t.Unary.Op != gojq.OpSub {
			return nil, errNotNative
		}
		arg, err := c.term(t.Unary.Term)
		if err != nil {
			return nil, err
		}
		return func(in any, _ bool, e *jqEnv) (any, bool, error) {
			v, _, err := arg(in, false, e)
			if err != nil {
				return nil, false, err
			}
			v, err = negate(v)
			return v, scalar(v), err
		}, nil
	case gojq.TermTypeFunc:
		return c.function(t.Func)
	}
	return nil, errNotNative
}

func constant(v any) jqEval {
	return func(any, bool, *jqEnv) (any, bool, error) { return v, true, nil }
}

// parseNumberLiteral reads a number literal as gojq does: an int when it
// is one, else a float64, a *big.Int for longer integers, ±Inf beyond.
func parseNumberLiteral(s string) any {
	n := json.Number(s)
	if i, err := n.Int64(); err == nil && math.MinInt <= i && i <= math.MaxInt {
		return int(i)
	}
	if strings.ContainsAny(s, ".eE") {
		if f, err := n.Float64(); err == nil {
			return f
		}
	}
	if bi, ok := new(big.Int).SetString(s, 10); ok {
		return bi
	}
	if strings.HasPrefix(s, "-") {
		return math.Inf(-1)
	}
	return math.Inf(1)
}

func (c *jqCompiler) ifThen(f *gojq.If) (jqEval, error) {
	cond, err := c.query(f.Cond)
	if err != nil {
		return nil, err
	}
	then, err := c.query(f.Then)
	if err != nil {
		return nil, err
	}
	var otherwise jqEval
	switch {
	case len(f.Elif) > 0:
		otherwise, err = c.ifThen(&gojq.If{Cond: f.Elif[0].Cond, Then: f.Elif[0].Then, Elif: f.Elif[1:], Else: f.Else})
	case f.Else != nil:
		otherwise, err = c.query(f.Else)
	default:
		otherwise = func(in any, owned bool, _ *jqEnv) (any, bool, error) { return in, owned, nil }
	}
	if err != nil {
		return nil, err
	}
	return func(in any, owned bool, e *jqEnv) (any, bool, error) {
		v, _, err := cond(in, false, e)
		if err != nil {
			return nil, false, err
		}
		if truthy(v) {
			return then(in, owned, e)
		}
		return otherwise(in, owned, e)
	}, nil
}

func (c *jqCompiler) object(o *gojq.Object) (jqEval, error) {
	type part struct {
		key      string
		keyQuery jqEval
		val      jqEval
	}
	parts := make([]part, len(o.KeyVals))
	for i, kv := range o.KeyVals {
		p := &parts[i]
		switch {
		case kv.KeyQuery != nil:
			q, err := c.query(kv.KeyQuery)
			if err != nil {
				return nil, err
			}
			p.keyQuery = q
		case kv.KeyString != nil && kv.KeyString.Queries == nil:
			p.key = kv.KeyString.Str
		case kv.Key != "" && !strings.HasPrefix(kv.Key, "$") && !strings.HasPrefix(kv.Key, "@"):
			p.key = kv.Key
		default:
			return nil, errNotNative
		}
		if kv.Val == nil {
			if p.keyQuery != nil {
				return nil, errNotNative
			}
			name := p.key
			p.val = func(in any, _ bool, _ *jqEnv) (any, bool, error) {
				v, err := jqIndex(in, name)
				return v, scalar(v), err
			}
			continue
		}
		v, err := c.query(kv.Val)
		if err != nil {
			return nil, err
		}
		p.val = v
	}
	return func(in any, _ bool, e *jqEnv) (any, bool, error) {
		m := make(map[string]any, len(parts))
		for _, p := range parts {
			key := p.key
			if p.keyQuery != nil {
				k, _, err := p.keyQuery(in, false, e)
				if err != nil {
					return nil, false, err
				}
				s, ok := k.(string)
				if !ok {
					_, err := objectKeyDelegate.run(nil, k)
					return nil, false, err
				}
				key = s
			}
			v, vOwned, err := p.val(in, false, e)
			if err != nil {
				return nil, false, err
			}
			m[key] = e.stored(v, vOwned)
		}
		e.own(m)
		return m, true, nil
	}, nil
}

func (c *jqCompiler) array(a *gojq.Array) (jqEval, error) {
	var elems []jqEval
	var add func(q *gojq.Query) error
	add = func(q *gojq.Query) error {
		if q.Term == nil && q.Op == gojq.OpComma && len(q.Patterns) == 0 && len(q.FuncDefs) == 0 {
			if err := add(q.Left); err != nil {
				return err
			}
			return add(q.Right)
		}
		e, err := c.query(q)
		if err != nil {
			return err
		}
		elems = append(elems, e)
		return nil
	}
	if a.Query != nil {
		if err := add(a.Query); err != nil {
			return nil, err
		}
	}
	return func(in any, _ bool, e *jqEnv) (any, bool, error) {
		out := make([]any, len(elems))
		for i, el := range elems {
			v, vOwned, err := el(in, false, e)
			if err != nil {
				return nil, false, err
			}
			out[i] = e.stored(v, vOwned)
		}
		e.own(out)
		return out, true, nil
	}, nil
}

func (c *jqCompiler) function(f *gojq.Func) (jqEval, error) {
	if slot, ok := c.lookup(f.Name); ok && len(f.Args) == 0 {
		return func(_ any, _ bool, e *jqEnv) (any, bool, error) {
			v := e.vars[slot]
			return v, scalar(v), nil
		}, nil
	}
	if f.Name == "$event" {
		c.wholePayload = true
		return func(_ any, _ bool, e *jqEnv) (any, bool, error) {
			v, err := e.whole()
			return v, false, err
		}, nil
	}
	switch len(f.Args) {
	case 0:
		fn, ok := builtins[f.Name]
		if !ok {
			return nil, errNotNative
		}
		return func(in any, _ bool, _ *jqEnv) (any, bool, error) {
			v, err := fn(in)
			return v, scalar(v), err
		}, nil
	case 1:
		switch f.Name {
		case "has":
			arg, err := c.query(f.Args[0])
			if err != nil {
				return nil, err
			}
			return func(in any, _ bool, e *jqEnv) (any, bool, error) {
				k, _, err := arg(in, false, e)
				if err != nil {
					return nil, false, err
				}
				if m, ok := in.(map[string]any); ok {
					if s, ok := k.(string); ok {
						_, has := m[s]
						return has, true, nil
					}
				}
				v, err := hasDelegate.run(in, k)
				return v, true, err
			}, nil
		case "del":
			return c.del(f.Args[0])
		}
	}
	return nil, errNotNative
}

// builtins are the argument-less functions of the subset.
var builtins = map[string]func(any) (any, error){
	"not": func(v any) (any, error) { return !truthy(v), nil },
	"type": func(v any) (any, error) {
		switch v.(type) {
		case nil, bool, int, float64, *big.Int, string, []any, map[string]any:
			return gojq.TypeOf(v), nil
		}
		return typeDelegate.run(v)
	},
	"length": func(v any) (any, error) {
		switch t := v.(type) {
		case nil:
			return 0, nil
		case string:
			return utf8.RuneCountInString(t), nil
		case []any:
			return len(t), nil
		case map[string]any:
			return len(t), nil
		case float64:
			return math.Abs(t), nil
		}
		return lengthDelegate.run(v)
	},
	"tostring": func(v any) (any, error) {
		if s, ok := v.(string); ok {
			return s, nil
		}
		text, err := gojq.Marshal(v) // what gojq's tostring writes
		return string(text), err
	},
	"tonumber": func(v any) (any, error) {
		switch v.(type) {
		case int, float64:
			return v, nil
		}
		return tonumberDelegate.run(v)
	},
	"keys": func(v any) (any, error) {
		m, ok := v.(map[string]any)
		if !ok {
			return keysDelegate.run(v)
		}
		names := slices.Sorted(maps.Keys(m))
		out := make([]any, len(names))
		for i, n := range names {
			out[i] = n
		}
		return out, nil
	},
}

// jqKey is one step of a path: a constant name, or an expression
// evaluated over the path's input.
type jqKey struct {
	constant any
	eval     jqEval
}

func (k jqKey) evalKey(in any, e *jqEnv) (any, error) {
	if k.eval == nil {
		return k.constant, nil
	}
	v, _, err := k.eval(in, false, e)
	return v, err
}

// jqPath is a path expression of the subset: . followed by names and
// [e] indexes.
type jqPath []jqKey

// keys evaluates the path's keys over in, appended to buf (a caller's
// array on its stack, for the usual short path).
func (p jqPath) keys(in any, e *jqEnv, buf []any) ([]any, error) {
	for _, k := range p {
		v, err := k.evalKey(in, e)
		if err != nil {
			return nil, err
		}
		buf = append(buf, v)
	}
	return buf, nil
}

func (c *jqCompiler) indexKey(ix *gojq.Index) (jqKey, error) {
	switch {
	case ix.IsSlice || ix.End != nil:
		return jqKey{}, errNotNative
	case ix.Name != "":
		return jqKey{constant: ix.Name}, nil
	case ix.Str != nil:
		if ix.Str.Queries != nil {
			return jqKey{}, errNotNative
		}
		return jqKey{constant: ix.Str.Str}, nil
	case ix.Start != nil:
		if t := ix.Start.Term; t != nil && constantWithSuffixes(t) {
			return jqKey{}, errNotNative // gojq takes the constant and drops the suffixes
		}
		q, err := c.query(ix.Start)
		if err != nil {
			return jqKey{}, err
		}
		return jqKey{eval: q}, nil
	}
	return jqKey{}, errNotNative
}

// constantWithSuffixes says t is a literal number or string (or a
// negated number) followed by suffixes, as in .[0[0]]: gojq reads such
// an index as the literal alone.
func constantWithSuffixes(t *gojq.Term) bool {
	switch t.Type {
	case gojq.TermTypeNumber, gojq.TermTypeString:
		return len(t.SuffixList) > 0
	case gojq.TermTypeUnary:
		return len(t.SuffixList) > 0 || constantWithSuffixes(t.Unary.Term)
	}
	return false
}

func (c *jqCompiler) suffixKeys(suffixes []*gojq.Suffix) ([]jqKey, error) {
	keys := make([]jqKey, 0, len(suffixes))
	for _, s := range suffixes {
		if s.Index == nil || s.Iter || s.Optional {
			return nil, errNotNative
		}
		k, err := c.indexKey(s.Index)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// pathOf compiles t as a path when it is one (. or an index, and index
// suffixes); ok is false when t is another kind of term.
func (c *jqCompiler) pathOf(t *gojq.Term) (jqPath, bool, error) {
	var path jqPath
	switch t.Type {
	case gojq.TermTypeIdentity:
	case gojq.TermTypeIndex:
		k, err := c.indexKey(t.Index)
		if err != nil {
			return nil, true, err
		}
		path = append(path, k)
	case gojq.TermTypeQuery:
		if len(t.SuffixList) == 0 && t.Query.Term != nil && len(t.Query.FuncDefs) == 0 {
			return c.pathOf(t.Query.Term)
		}
		return nil, false, nil
	default:
		return nil, false, nil
	}
	keys, err := c.suffixKeys(t.SuffixList)
	if err != nil {
		return nil, true, err
	}
	return append(path, keys...), true, nil
}

// pathQuery compiles q, the left side of an update or del's argument, as
// a path.
func (c *jqCompiler) pathQuery(q *gojq.Query) (jqPath, error) {
	if q.Term == nil || q.Meta != nil || len(q.FuncDefs) > 0 || len(q.Patterns) > 0 {
		return nil, errNotNative
	}
	path, ok, err := c.pathOf(q.Term)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotNative
	}
	return path, nil
}

// update compiles `lhs op rhs`. As in jq, rhs is evaluated over the
// input before the update (for |=, over the value at the path).
func (c *jqCompiler) update(op gojq.Operator, lhs, rhs *gojq.Query) (jqEval, error) {
	path, err := c.pathQuery(lhs)
	if err != nil {
		return nil, err
	}
	r, err := c.query(rhs)
	if err != nil {
		return nil, err
	}
	arithOp := map[gojq.Operator]gojq.Operator{
		gojq.OpUpdateAdd: gojq.OpAdd, gojq.OpUpdateSub: gojq.OpSub, gojq.OpUpdateMul: gojq.OpMul,
		gojq.OpUpdateDiv: gojq.OpDiv, gojq.OpUpdateMod: gojq.OpMod,
	}[op]
	return func(in any, owned bool, e *jqEnv) (any, bool, error) {
		var f func(old any, owned bool) (any, error)
		if op == gojq.OpModify {
			f = func(old any, owned bool) (any, error) {
				v, vOwned, err := r(old, owned, e)
				if err != nil {
					return nil, err
				}
				return e.stored(v, vOwned), nil
			}
		} else {
			x, xOwned, err := r(in, false, e)
			if err != nil {
				return nil, false, err
			}
			// Shared before the path is walked: x may be on it (.a.x = .a).
			x = e.stored(x, xOwned)
			switch op {
			case gojq.OpAssign:
				f = func(any, bool) (any, error) { return x, nil }
			case gojq.OpUpdateAlt:
				f = func(old any, _ bool) (any, error) {
					if truthy(old) {
						return old, nil
					}
					return x, nil
				}
			default:
				f = func(old any, owned bool) (any, error) {
					v, vOwned, err := e.arith(arithOp, old, owned, x, xOwned)
					if err != nil {
						return nil, err
					}
					return e.stored(v, vOwned), nil
				}
			}
		}
		var buf [4]any
		keys, err := path.keys(in, e, buf[:0])
		if err != nil {
			return nil, false, err
		}
		out, err := e.updatePath(in, e.exclusive(in, owned), keys, f)
		return out, givenUp(in, out, owned), err
	}, nil
}

// updatePath sets the value at keys to f(the value there), changing in
// place the containers on the path that are exclusive (mine), copying
// the others (as gojq copies them all). f is told whether the value it
// gets is exclusive, and returns a value stored as it must be.
func (e *jqEnv) updatePath(v any, mine bool, keys []any, f func(old any, owned bool) (any, error)) (any, error) {
	if len(keys) == 0 {
		return f(v, mine)
	}
	k, rest := keys[0], keys[1:]
	switch c := v.(type) {
	case map[string]any:
		if s, ok := k.(string); ok {
			old := c[s]
			child, err := e.updatePath(old, mine && e.owns(old), rest, f)
			if err != nil {
				return nil, err
			}
			if !mine {
				c = e.cloneMap(c)
			}
			e.replaced(old, child)
			c[s] = child
			return c, nil
		}
	case nil:
		if s, ok := k.(string); ok {
			child, err := e.updatePath(nil, false, rest, f)
			if err != nil {
				return nil, err
			}
			m := map[string]any{s: child}
			e.own(m)
			return m, nil
		}
	case []any:
		if i, ok := arrayIndex(k); ok && 0 <= i && i < len(c) {
			child, err := e.updatePath(c[i], mine && e.owns(c[i]), rest, f)
			if err != nil {
				return nil, err
			}
			if !mine {
				c = e.cloneArray(c)
			}
			e.replaced(c[i], child)
			c[i] = child
			return c, nil
		}
	}
	// Anything else (a negative or fractional index, one past the end, a
	// type error) is gojq's: the value there, then the rest of the path
	// natively, then setpath, whose result shares v's other children.
	old, err := jqIndex(v, k)
	if err != nil {
		return nil, err
	}
	child, err := e.updatePath(old, mine && e.owns(old), rest, f)
	if err != nil {
		return nil, err
	}
	out, err := setpathDelegate.run(v, []any{k}, child)
	if err != nil {
		return nil, err
	}
	if !mine {
		e.shareChildren(v)
	}
	return out, nil
}

func (c *jqCompiler) del(arg *gojq.Query) (jqEval, error) {
	path, err := c.pathQuery(arg)
	if err != nil {
		return nil, err
	}
	return func(in any, owned bool, e *jqEnv) (any, bool, error) {
		var buf [4]any
		keys, err := path.keys(in, e, buf[:0])
		if err != nil {
			return nil, false, err
		}
		out, err := e.deletePath(in, e.exclusive(in, owned), keys)
		return out, givenUp(in, out, owned), err
	}, nil
}

// deletePath removes the value at keys, changing in place the
// containers on the path that are exclusive (mine). Where the path ends
// early (a missing member, null), the rest of it must still index null,
// as it must for gojq's path(f) that del runs first.
func (e *jqEnv) deletePath(v any, mine bool, keys []any) (any, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if c, ok := v.(map[string]any); ok {
		if s, ok := keys[0].(string); ok {
			child, has := c[s]
			switch {
			case !has:
				return c, checkPath(nil, keys[1:])
			case len(keys) == 1:
				if !mine {
					c = e.cloneMap(c)
				}
				e.replaced(child, nil)
				delete(c, s)
				return c, nil
			case child != nil:
				next, err := e.deletePath(child, mine && e.owns(child), keys[1:])
				if err != nil {
					return nil, err
				}
				if !mine {
					c = e.cloneMap(c)
				}
				c[s] = next
				return c, nil
			}
		}
	}
	if err := checkPath(v, keys); err != nil {
		return nil, err
	}
	out, err := delpathsDelegate.run(v, []any{slices.Clone(keys)})
	if err != nil {
		return nil, err
	}
	if !mine {
		e.shareChildren(v) // out shares them
	}
	return out, nil
}

// isIdentity says q is `.`.
func isIdentity(q *gojq.Query) bool {
	return q.Term != nil && q.Term.Type == gojq.TermTypeIdentity && len(q.Term.SuffixList) == 0 &&
		q.Meta == nil && len(q.FuncDefs) == 0 && len(q.Patterns) == 0
}
