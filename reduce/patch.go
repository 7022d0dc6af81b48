package reduce

import (
	"fmt"
	"strings"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Patch applies the payload, an RFC 6902 JSON Patch (an array of
// operations; a single operation object is accepted too), to the state.
// The operations apply all or nothing: on an error (a failed "test", a
// path that does not exist) it panics with an error naming the operation,
// and the fold stops at this event with the state before it.
func Patch(state any, ev replay.Event[jsonv.Payload]) any {
	return must(patch(state, ev))
}

func patch(state any, ev replay.Event[jsonv.Payload]) (any, error) {
	payload, err := ev.Payload.Decode()
	if err != nil {
		return state, fmt.Errorf("patch: the payload is not JSON: %w", err)
	}
	ops, ok := payload.([]any)
	if !ok {
		obj, isObject := payload.(map[string]any)
		if _, hasOp := obj["op"]; !isObject || !hasOp {
			return state, fmt.Errorf(`patch: the payload is %s %s, not a JSON Patch (an array of operations such as [{"op":"add","path":"/a","value":1}])`, article(jsonv.TypeName(payload)), jsonv.TypeName(payload))
		}
		ops = []any{payload}
	}
	doc := jsonv.FromPlain(state)
	for i, raw := range ops {
		op, ok := raw.(map[string]any)
		if !ok {
			return state, fmt.Errorf("patch: operation %d is a %s; want an object", i, jsonv.TypeName(raw))
		}
		if doc, err = applyOp(doc, op); err != nil {
			return state, fmt.Errorf("patch: operation %d (%s): %w", i, describeOp(op), err)
		}
	}
	return doc, nil
}

// describeOp names an operation in an error: its op and paths as the
// payload has them.
func describeOp(op map[string]any) string {
	var parts []string
	switch name := op["op"].(type) {
	case string:
		parts = append(parts, name)
	case nil:
		if _, ok := op["op"]; ok {
			parts = append(parts, "null")
		}
	default:
		parts = append(parts, string(jsonv.Marshal(name)))
	}
	if from, ok := op["from"].(string); ok {
		parts = append(parts, "from "+from)
	}
	if path, ok := op["path"].(string); ok {
		parts = append(parts, path)
	}
	return strings.Join(parts, " ")
}

func pointerMember(op map[string]any, name string) (pointer, error) {
	s, ok := op[name].(string)
	if !ok {
		return nil, fmt.Errorf("%q must be a string", name)
	}
	return parsePointer(s)
}

func applyOp(doc any, op map[string]any) (any, error) {
	name, _ := op["op"].(string)
	path, err := pointerMember(op, "path")
	if err != nil {
		return nil, err
	}
	value, hasValue := op["value"]
	needValue := func() error {
		if !hasValue {
			return fmt.Errorf(`%q needs a "value"`, name)
		}
		return nil
	}
	switch name {
	case "add":
		if err := needValue(); err != nil {
			return nil, err
		}
		return modify(doc, path, editAdd, jsonv.FromPlain(value))
	case "remove":
		return modify(doc, path, editRemove, nil)
	case "replace":
		if err := needValue(); err != nil {
			return nil, err
		}
		return modify(doc, path, editReplace, jsonv.FromPlain(value))
	case "move", "copy":
		from, err := pointerMember(op, "from")
		if err != nil {
			return nil, err
		}
		v, err := get(doc, from)
		if err != nil {
			return nil, err
		}
		if name == "move" {
			if len(path) > len(from) && strings.HasPrefix(path.String(), from.String()+"/") {
				return nil, fmt.Errorf("cannot move %s into its own child %s", from, path)
			}
			if doc, err = modify(doc, from, editRemove, nil); err != nil {
				return nil, err
			}
		}
		return modify(doc, path, editAdd, v)
	case "test":
		if err := needValue(); err != nil {
			return nil, err
		}
		v, err := get(doc, path)
		if err != nil {
			return nil, err
		}
		if !jsonv.Equal(v, value) {
			return nil, fmt.Errorf("test failed: %s is %s, not %s", path, jsonv.Marshal(v), jsonv.Marshal(value))
		}
		return doc, nil
	}
	const want = "want add, remove, replace, move, copy or test"
	switch v, ok := op["op"]; {
	case !ok:
		return nil, fmt.Errorf(`"op" is missing; %s`, want)
	case name == "" && v != "":
		return nil, fmt.Errorf(`"op" is %s, not a string; %s`, jsonv.Marshal(v), want)
	}
	return nil, fmt.Errorf(`unknown "op" %q; %s`, name, want)
}

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}
