package reduce

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"unsafe"

	"github.com/itchyny/gojq"
)

// jq's operations on values for the native evaluator: indexing, paths'
// checks, arithmetic and +, computed here where they are common and handed
// to gojq (jqDelegate) for every other case, so that results and failures
// are gojq's.

// checkPath fails where reading the path keys from v fails.
func checkPath(v any, keys []any) error {
	for _, k := range keys {
		var err error
		if v, err = jqIndex(v, k); err != nil {
			return err
		}
	}
	return nil
}

// arrayIndex is k as an index when it is an integer.
func arrayIndex(k any) (int, bool) {
	switch t := k.(type) {
	case int:
		return t, true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return int(t), true
		}
	}
	return 0, false
}

// jqIndex is v[k] as gojq reads it.
func jqIndex(v, k any) (any, error) {
	switch c := v.(type) {
	case map[string]any:
		if s, ok := k.(string); ok {
			return c[s], nil
		}
	case nil:
		switch k.(type) {
		case string, int, float64:
			return nil, nil
		}
	case []any:
		if i, ok := arrayIndex(k); ok {
			if i < 0 {
				i += len(c)
			}
			if 0 <= i && i < len(c) {
				return c[i], nil
			}
			return nil, nil
		}
	}
	return indexDelegate.run(v, k)
}

// arith computes l op r as gojq does.
func arith(op gojq.Operator, l, r any) (any, error) {
	switch a := l.(type) {
	case float64:
		switch b := r.(type) {
		case float64:
			if v, ok := floatOp(op, a, b); ok {
				return v, nil
			}
		case int:
			if v, ok := floatOp(op, a, float64(b)); ok {
				return v, nil
			}
		}
	case int:
		switch b := r.(type) {
		case int:
			if v, ok := intOp(op, a, b); ok {
				return v, nil
			}
		case float64:
			if v, ok := floatOp(op, float64(a), b); ok {
				return v, nil
			}
		}
	case string:
		if b, ok := r.(string); ok && op == gojq.OpAdd {
			return a + b, nil
		}
	case nil:
		if op == gojq.OpAdd {
			switch r.(type) {
			case nil, bool, int, float64, string, []any, map[string]any:
				return r, nil
			}
		}
	case []any:
		if b, ok := r.([]any); ok && op == gojq.OpAdd {
			switch {
			case len(a) == 0:
				return b, nil
			case len(b) == 0:
				return a, nil
			}
			return append(slices.Clip(a), b...), nil
		}
	case map[string]any:
		if b, ok := r.(map[string]any); ok && op == gojq.OpAdd {
			switch {
			case len(a) == 0:
				return b, nil
			case len(b) == 0:
				return a, nil
			}
			m := make(map[string]any, len(a)+len(b))
			maps.Copy(m, a)
			maps.Copy(m, b)
			return m, nil
		}
	}
	return arithDelegates[op].run(nil, l, r)
}

// arith is l op r, told whether each side is given up, and says whether
// its result is; it is arith under the apply's guard.
func (e *jqEnv) arith(op gojq.Operator, l any, lOwned bool, r any, rOwned bool) (any, bool, error) {
	switch op {
	case gojq.OpAdd:
		return e.add(l, lOwned, r, rOwned)
	case gojq.OpMul:
		s, count := l, r
		if _, ok := s.(string); !ok {
			s, count = r, l
		}
		if s, ok := s.(string); ok {
			var n float64
			switch t := count.(type) {
			case int:
				n = float64(t)
			case float64:
				n = t
			}
			if v, ok, err := e.repeat(s, n); ok {
				return v, true, err
			}
		}
	}
	v, err := arith(op, l, r)
	if err == nil && !scalar(l) && !scalar(r) { // deep merges, array differences
		e.shareTree(v)
		err = e.check()
	}
	return v, scalar(v), err
}

// add is l + r. An array or object l that is exclusive takes r in
// place (as jq 1.7 does when it holds the only reference), so that
// .events += [$event.payload] costs the new element, not the array; the
// result of joining two containers is owned either way.
func (e *jqEnv) add(l any, lOwned bool, r any, rOwned bool) (any, bool, error) {
	rMine := e.exclusive(r, rOwned)
	lMine := e.exclusive(l, lOwned)
	switch a := l.(type) {
	case []any:
		b, ok := r.([]any)
		if !ok {
			break
		}
		switch {
		case len(b) == 0:
			return l, lOwned, nil
		case len(a) == 0:
			return r, rOwned, nil
		}
		if err := e.checkSize(uint64(len(a)+len(b)) * 16); err != nil {
			return nil, false, err
		}
		var out []any
		if lMine {
			out = append(a, b...)
			if unsafe.SliceData(out) != unsafe.SliceData(a) {
				e.share(a) // dropped
				e.own(out)
			}
		} else {
			out = append(slices.Clip(a), b...)
			e.shareChildren(a)
			e.own(out)
		}
		e.consume(b, rMine)
		return out, true, nil
	case map[string]any:
		b, ok := r.(map[string]any)
		if !ok {
			break
		}
		switch {
		case len(b) == 0:
			return l, lOwned, nil
		case len(a) == 0:
			return r, rOwned, nil
		}
		if err := e.checkSize(uint64(len(a)+len(b)) * 48); err != nil {
			return nil, false, err
		}
		out := a
		if !lMine {
			out = make(map[string]any, len(a)+len(b))
			maps.Copy(out, a)
			e.shareChildren(a)
			e.own(out)
		}
		maps.Copy(out, b)
		e.consume(b, rMine)
		return out, true, nil
	case string:
		if b, ok := r.(string); ok {
			if err := e.checkSize(uint64(len(a) + len(b))); err != nil {
				return nil, false, err
			}
		}
	}
	v, err := arith(gojq.OpAdd, l, r)
	return v, scalar(v), err
}

// consume records that the children of c, joined into another container,
// have a new place: they move when c was exclusive (and c goes), else
// they are shared.
func (e *jqEnv) consume(c any, mine bool) {
	if mine {
		e.share(c)
	} else {
		e.shareChildren(c)
	}
}

func floatOp(op gojq.Operator, a, b float64) (float64, bool) {
	switch op {
	case gojq.OpAdd:
		return a + b, true
	case gojq.OpSub:
		return a - b, true
	case gojq.OpMul:
		return a * b, true
	case gojq.OpDiv:
		if b != 0 {
			return a / b, true
		}
	}
	return 0, false
}

// intOp computes ints as gojq does, leaving to it what overflows or
// fails.
func intOp(op gojq.Operator, a, b int) (any, bool) {
	switch op {
	case gojq.OpAdd:
		if v := a + b; (v >= a) == (b >= 0) {
			return v, true
		}
	case gojq.OpSub:
		if v := a - b; (v <= a) == (b >= 0) {
			return v, true
		}
	case gojq.OpMul:
		if b != -1 {
			if v := a * b; b == 0 || v/b == a {
				return v, true
			}
		}
	case gojq.OpDiv:
		if b != 0 && b != -1 {
			if a%b == 0 {
				return a / b, true
			}
			return float64(a) / float64(b), true
		}
	case gojq.OpMod:
		if b != 0 && b != -1 {
			return a % b, true
		}
	}
	return nil, false
}

func negate(v any) (any, error) {
	switch t := v.(type) {
	case float64:
		return -t, nil
	case int:
		if t != math.MinInt {
			return -t, nil
		}
	}
	return negateDelegate.run(nil, v)
}

// jqDelegate is one operation left to gojq: a program over its input and
// the variables $a, $b.
type jqDelegate struct {
	text string
	once sync.Once
	code *gojq.Code
}

func delegate(text string) *jqDelegate { return &jqDelegate{text: text} }

func (d *jqDelegate) run(in any, vars ...any) (any, error) {
	d.once.Do(func() {
		q, err := gojq.Parse(d.text)
		if err == nil {
			d.code, err = gojq.Compile(q, gojq.WithVariables([]string{"$a", "$b"}))
		}
		if err != nil {
			panic(fmt.Sprintf("reduce: jq delegate %q: %v", d.text, err))
		}
	})
	args := []any{nil, nil}
	copy(args, vars)
	v, ok := d.code.Run(in, args...).Next()
	if !ok {
		return nil, fmt.Errorf("%s produced no value", d.text)
	}
	if err, ok := v.(error); ok {
		return nil, err
	}
	return v, nil
}

var (
	indexDelegate     = delegate(".[$a]")
	setpathDelegate   = delegate("setpath($a; $b)")
	delpathsDelegate  = delegate("delpaths($a)")
	hasDelegate       = delegate("has($a)")
	objectKeyDelegate = delegate("{($a): null}")
	negateDelegate    = delegate("-$a")
	typeDelegate      = delegate("type")
	lengthDelegate    = delegate("length")
	tonumberDelegate  = delegate("tonumber")
	keysDelegate      = delegate("keys")
	arithDelegates    = map[gojq.Operator]*jqDelegate{
		gojq.OpAdd: delegate("$a + $b"),
		gojq.OpSub: delegate("$a - $b"),
		gojq.OpMul: delegate("$a * $b"),
		gojq.OpDiv: delegate("$a / $b"),
		gojq.OpMod: delegate("$a % $b"),
	}
)
