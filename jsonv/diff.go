package jsonv

import "slices"

// ChangeKind says how a value changed between two states.
type ChangeKind int

const (
	Changed ChangeKind = iota
	Added
	Removed
)

func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	}
	return "changed"
}

// Change is one difference between two values: at Path, Old became New.
// Old is nil for Added, New is nil for Removed.
type Change struct {
	Path     Path
	Kind     ChangeKind
	Old, New any
}

// Diff lists what changed from a to b, leaves first in path order: a
// member added or removed is one change, not one per value inside it.
// Subtrees that two versions of a state share are skipped without being
// walked, so diffing consecutive states costs about the size of the change.
func Diff(a, b any) []Change {
	var out []Change
	diff(&out, nil, FromPlain(a), FromPlain(b))
	return out
}

func diff(out *[]Change, path Path, a, b any) {
	if same(a, b) {
		return
	}
	switch x := a.(type) {
	case *Object:
		if y, ok := b.(*Object); ok {
			diffNodes(out, path, x, y)
			return
		}
	case []any:
		if y, ok := b.([]any); ok {
			for i := range min(len(x), len(y)) {
				if !same(x[i], y[i]) {
					diff(out, path.Child(i), x[i], y[i])
				}
			}
			for i := len(y); i < len(x); i++ {
				*out = append(*out, Change{Path: path.Child(i), Kind: Removed, Old: x[i]})
			}
			for i := len(x); i < len(y); i++ {
				*out = append(*out, Change{Path: path.Child(i), Kind: Added, New: y[i]})
			}
			return
		}
	}
	if !Equal(a, b) {
		*out = append(*out, Change{Path: path, Kind: Changed, Old: a, New: b})
	}
}

// diffNodes compares two object subtrees. Where both are inner nodes with
// the same separators, as after an update of one member, it pairs their
// children and skips the ones they share.
func diffNodes(out *[]Change, path Path, x, y *Object) {
	if x == y {
		return
	}
	if x != nil && y != nil && !x.isLeaf() && !y.isLeaf() && slices.Equal(x.keys, y.keys) {
		for i := range x.kids {
			diffNodes(out, path, x.kids[i], y.kids[i])
		}
		return
	}
	ka, va := entries(x)
	kb, vb := entries(y)
	i, j := 0, 0
	for i < len(ka) || j < len(kb) {
		switch {
		case j == len(kb) || i < len(ka) && ka[i] < kb[j]:
			*out = append(*out, Change{Path: path.Child(ka[i]), Kind: Removed, Old: va[i]})
			i++
		case i == len(ka) || kb[j] < ka[i]:
			*out = append(*out, Change{Path: path.Child(kb[j]), Kind: Added, New: vb[j]})
			j++
		default:
			if !same(va[i], vb[j]) {
				diff(out, path.Child(ka[i]), va[i], vb[j])
			}
			i++
			j++
		}
	}
}

func entries(n *Object) ([]string, []any) {
	if n == nil {
		return nil, nil
	}
	if n.isLeaf() {
		return n.keys, n.vals
	}
	keys, vals := make([]string, 0, n.size), make([]any, 0, n.size)
	n.walk(func(k string, v any) bool {
		keys, vals = append(keys, k), append(vals, v)
		return true
	})
	return keys, vals
}
