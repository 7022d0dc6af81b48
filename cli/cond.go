package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// condition is a compiled expression over state and event, as find
// --where, watches and continue use.
type condition[S, E any] struct {
	source  string
	program *vm.Program
	cfg     *config[S, E]
	// machines holds *vm.VM: a VM keeps the state of one run, and the
	// debugger evaluates one condition on several goroutines at once (a
	// seek's watches beside a continue).
	machines sync.Pool
}

// compileCondition compiles src; with asBool the expression must be a
// condition. A syntax error is reported with its line and column and the
// source with a caret under the spot.
func compileCondition[S, E any](cfg *config[S, E], src string, asBool bool) (*condition[S, E], error) {
	// Typed programs get their expressions checked against S and E when
	// they compile: a misspelt field is caught before any event is read.
	var zero replay.Event[E]
	event, err := cfg.exprEvent(zero)
	if err != nil {
		event = map[string]any{}
	}
	opts := []expr.Option{expr.Env(map[string]any{"state": cfg.exprState(cfg.initial), "event": event})}
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	if cfg.jsonValues {
		opts = append(opts, expr.Function("get", getMember), expr.Patch(memberAccess{}))
	}
	program, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, usageError("%s", describeExprError(src, err))
	}
	c := &condition[S, E]{source: src, program: program, cfg: cfg}
	c.machines.New = func() any { return new(vm.VM) }
	return c, nil
}

// describeExprError renders an expr error as "column N: message" with
// the snippet.
func describeExprError(src string, err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		return fmt.Sprintf("expression %q: %s at line %d, column %d%s", src, fe.Message, fe.Line, fe.Column+1, strings.ReplaceAll(fe.Snippet, "\n", "\n  "))
	}
	return fmt.Sprintf("expression %q: %v", src, err)
}

// eval runs the expression on one state and event.
func (c *condition[S, E]) eval(state S, ev replay.Event[E]) (any, error) {
	event, err := c.cfg.exprEvent(ev)
	if err != nil {
		return nil, err
	}
	machine := c.machines.Get().(*vm.VM)
	out, err := machine.Run(c.program, map[string]any{"state": c.cfg.exprState(state), "event": event})
	c.machines.Put(machine)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("%s (column %d of %q)", fe.Message, fe.Column+1, c.source)
		}
		return nil, err
	}
	return out, nil
}

// holds evaluates a boolean condition.
func (c *condition[S, E]) holds(state S, ev replay.Event[E]) (bool, error) {
	out, err := c.eval(state, ev)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("%q gave %v, not true or false", c.source, out)
	}
	return b, nil
}

// memberAccess rewrites a.b and a["b"] into get(a, "b"), so expressions
// reach into jsonv's persistent objects, which expr cannot index itself.
type memberAccess struct{}

func (memberAccess) Visit(node *ast.Node) {
	if m, ok := (*node).(*ast.MemberNode); ok && !m.Method {
		ast.Patch(node, &ast.CallNode{
			Callee:    &ast.IdentifierNode{Value: "get"},
			Arguments: []ast.Node{m.Node, m.Property},
		})
	}
}

// getMember is get(container, key) for jsonv values and plain JSON. A
// missing member is nil, as expr does for maps.
func getMember(args ...any) (any, error) {
	switch o := args[0].(type) {
	case *jsonv.Object:
		if k, ok := args[1].(string); ok {
			v, _ := o.Get(k)
			return exprNumber(v), nil
		}
	case map[string]any:
		if k, ok := args[1].(string); ok {
			return exprNumber(o[k]), nil
		}
	case []any:
		if i, ok := toIndex(args[1]); ok {
			if i < 0 {
				i += len(o)
			}
			if i >= 0 && i < len(o) {
				return exprNumber(o[i]), nil
			}
			return nil, nil
		}
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("cannot look up %v in %s", args[1], jsonv.TypeName(args[0]))
}

// exprNumber gives expressions, which compute in float64, a number that
// float64 cannot hold exactly (a json.Number) as the nearest float64:
// 1e400 compares as +Inf, 12345678901234567890123 as 1.2345678901234568e22.
// The state itself keeps the exact number.
func exprNumber(v any) any {
	if n, ok := v.(json.Number); ok {
		f, _ := strconv.ParseFloat(string(n), 64) // ±Inf when out of range
		return f
	}
	return v
}

func toIndex(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}
