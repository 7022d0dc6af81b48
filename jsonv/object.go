package jsonv

import (
	"iter"
	"slices"
	"strings"
)

// nodeSize is the most entries a node holds. Small objects, which most
// JSON objects are, fit in one leaf.
const nodeSize = 32

// Object is an immutable JSON object with its members sorted by name: a
// persistent B+tree. Set and Delete return a new Object that shares every
// node off the changed path with the old one, so an update costs
// O(log n) however large the object is, and two versions of a state cost
// little more memory than one. The nil *Object is the empty object.
type Object struct {
	root node
	size int
}

// node is a *leaf or an *inner.
type node interface{ first() string }

type leaf struct {
	keys []string
	vals []any
}

type inner struct {
	keys []string // keys[i] is the first key under kids[i]
	kids []node
}

func (l *leaf) first() string  { return l.keys[0] }
func (n *inner) first() string { return n.keys[0] }

// Len returns the number of members.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return o.size
}

// Get returns the value of member key.
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	n := o.root
	for {
		switch t := n.(type) {
		case *inner:
			n = t.kids[childFor(t.keys, key)]
		case *leaf:
			i, found := slices.BinarySearch(t.keys, key)
			if !found {
				return nil, false
			}
			return t.vals[i], true
		}
	}
}

// childFor returns the index of the child whose range holds key.
func childFor(keys []string, key string) int {
	i, found := slices.BinarySearch(keys, key)
	if found {
		return i
	}
	return max(i-1, 0)
}

// Set returns o with member key set to value.
func (o *Object) Set(key string, value any) *Object {
	if o == nil {
		return &Object{root: &leaf{keys: []string{key}, vals: []any{value}}, size: 1}
	}
	n, right, added := set(o.root, key, value)
	if right != nil {
		n = &inner{keys: []string{n.first(), right.first()}, kids: []node{n, right}}
	}
	size := o.size
	if added {
		size++
	}
	return &Object{root: n, size: size}
}

// set returns the copy of n with key set, the new right sibling if the
// copy had to split, and whether key is new.
func set(n node, key string, value any) (node, node, bool) {
	switch t := n.(type) {
	case *leaf:
		i, found := slices.BinarySearch(t.keys, key)
		if found {
			vals := slices.Clone(t.vals)
			vals[i] = value
			return &leaf{keys: t.keys, vals: vals}, nil, false // keys unchanged: share them
		}
		l := &leaf{keys: slices.Insert(slices.Clip(t.keys), i, key), vals: slices.Insert(slices.Clip(t.vals), i, value)}
		if len(l.keys) <= nodeSize {
			return l, nil, true
		}
		h := len(l.keys) / 2
		return &leaf{keys: l.keys[:h:h], vals: l.vals[:h:h]}, &leaf{keys: l.keys[h:], vals: l.vals[h:]}, true
	case *inner:
		i := childFor(t.keys, key)
		kid, right, added := set(t.kids[i], key, value)
		keys, kids := slices.Clone(t.keys), slices.Clone(t.kids)
		keys[i], kids[i] = kid.first(), kid
		if right == nil {
			return &inner{keys: keys, kids: kids}, nil, added
		}
		keys, kids = slices.Insert(keys, i+1, right.first()), slices.Insert(kids, i+1, right)
		if len(kids) <= nodeSize {
			return &inner{keys: keys, kids: kids}, nil, added
		}
		h := len(kids) / 2
		return &inner{keys: keys[:h:h], kids: kids[:h:h]}, &inner{keys: keys[h:], kids: kids[h:]}, added
	}
	panic("jsonv: unknown node")
}

// Delete returns o without member key.
func (o *Object) Delete(key string) *Object {
	if o == nil {
		return nil
	}
	n, removed := del(o.root, key)
	if !removed {
		return o
	}
	if n == nil {
		return nil
	}
	for {
		in, ok := n.(*inner)
		if !ok || len(in.kids) > 1 {
			break
		}
		n = in.kids[0]
	}
	return &Object{root: n, size: o.size - 1}
}

// del returns the copy of n without key (nil when it became empty) and
// whether key was there. Nodes may become underfull; lookups stay
// O(height) and the height never grows on deletes, so they are not merged.
func del(n node, key string) (node, bool) {
	switch t := n.(type) {
	case *leaf:
		i, found := slices.BinarySearch(t.keys, key)
		if !found {
			return n, false
		}
		if len(t.keys) == 1 {
			return nil, true
		}
		return &leaf{keys: slices.Delete(slices.Clone(t.keys), i, i+1), vals: slices.Delete(slices.Clone(t.vals), i, i+1)}, true
	case *inner:
		i := childFor(t.keys, key)
		kid, removed := del(t.kids[i], key)
		if !removed {
			return n, false
		}
		keys, kids := slices.Clone(t.keys), slices.Clone(t.kids)
		if kid == nil {
			keys, kids = slices.Delete(keys, i, i+1), slices.Delete(kids, i, i+1)
			if len(kids) == 0 {
				return nil, true
			}
		} else {
			keys[i], kids[i] = kid.first(), kid
		}
		return &inner{keys: keys, kids: kids}, true
	}
	panic("jsonv: unknown node")
}

// All yields the members in key order.
func (o *Object) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if o != nil {
			walk(o.root, yield)
		}
	}
}

func walk(n node, yield func(string, any) bool) bool {
	switch t := n.(type) {
	case *leaf:
		for i, k := range t.keys {
			if !yield(k, t.vals[i]) {
				return false
			}
		}
	case *inner:
		for _, kid := range t.kids {
			if !walk(kid, yield) {
				return false
			}
		}
	}
	return true
}

// Keys returns the member names in order.
func (o *Object) Keys() []string {
	keys := make([]string, 0, o.Len())
	for k := range o.All() {
		keys = append(keys, k)
	}
	return keys
}

// ObjectOf builds an Object from members given in any order; a later
// duplicate name wins. It builds the tree bottom-up, in O(n log n).
func ObjectOf(keys []string, vals []any) *Object {
	if len(keys) == 0 {
		return nil
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	sk, sv := make([]string, 0, len(keys)), make([]any, 0, len(keys))
	for _, i := range idx {
		if n := len(sk); n > 0 && sk[n-1] == keys[i] {
			sv[n-1] = vals[i]
			continue
		}
		sk, sv = append(sk, keys[i]), append(sv, vals[i])
	}
	var level []node
	for lo := 0; lo < len(sk); lo += nodeSize {
		hi := min(lo+nodeSize, len(sk))
		level = append(level, &leaf{keys: sk[lo:hi:hi], vals: sv[lo:hi:hi]})
	}
	for len(level) > 1 {
		var up []node
		for lo := 0; lo < len(level); lo += nodeSize {
			hi := min(lo+nodeSize, len(level))
			kids := level[lo:hi:hi]
			keys := make([]string, len(kids))
			for i, k := range kids {
				keys[i] = k.first()
			}
			up = append(up, &inner{keys: keys, kids: kids})
		}
		level = up
	}
	return &Object{root: level[0], size: len(sk)}
}
