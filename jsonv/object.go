package jsonv

import (
	"iter"
	"slices"
	"strings"
	"sync/atomic"
)

// nodeSize is the most entries a node holds. Small objects, which most
// JSON objects are, fit in one leaf.
const nodeSize = 16

// Object is an immutable JSON object with its members sorted by name: a
// persistent B+tree. Set and Delete return a new Object that shares every
// node off the changed path with the old one, so an update costs
// O(log n) however large the object is, and two versions of a state cost
// little more memory than one. The nil *Object is the empty object.
//
// An Object is also a node of its own tree: a leaf holds members (keys,
// vals), an inner node holds subtrees (keys are their first names, kids).
// A path copy allocates one struct and one slice per level.
type Object struct {
	size int       // members in this subtree
	keys []string  // leaf: member names; inner: the first name under each kid
	vals []any     // leaf only
	kids []*Object // inner only
	ed   editor    // see editor
	// sharedKeys: keys belongs to another node too (a copy that changed
	// only values or kids made this one), so an editor must copy it
	// before changing it in place.
	sharedKeys bool
}

// editor marks the nodes one batch of updates (one merge patch) has
// created. Such a node is seen by nobody else yet, so the rest of the
// batch may change it in place instead of copying it again: a patch of k
// members copies the path to each once, not k times. Once the batch ends
// its editor is never used again and the nodes are as immutable as any
// other. An editor is a number, not a pointer, so that taking one costs
// no allocation; 0 is no editor.
type editor uint64

var editors atomic.Uint64

func newEditor() editor { return editor(editors.Add(1)) }

func (o *Object) isLeaf() bool { return o.kids == nil }

func (o *Object) first() string { return o.keys[0] }

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
	n := o
	for !n.isLeaf() {
		n = n.kids[childFor(n.keys, key)]
	}
	i, found := slices.BinarySearch(n.keys, key)
	if !found {
		return nil, false
	}
	return n.vals[i], true
}

// childFor returns the index of the child whose range holds key.
func childFor(keys []string, key string) int {
	i, found := slices.BinarySearch(keys, key)
	if found {
		return i
	}
	return max(i-1, 0)
}

// own returns n if ed may change it in place, else a copy that ed owns.
// The copy shares keys with n until ed changes them.
func (n *Object) own(ed editor) *Object {
	if ed != 0 && n.ed == ed {
		return n
	}
	c := &Object{size: n.size, keys: n.keys, ed: ed, sharedKeys: true}
	if n.isLeaf() {
		c.vals = slices.Clone(n.vals)
	} else {
		c.kids = slices.Clone(n.kids)
	}
	return c
}

// ownKeys makes n's keys its own, before they change in place.
func (n *Object) ownKeys() {
	if n.sharedKeys {
		n.keys, n.sharedKeys = slices.Clone(n.keys), false
	}
}

// Set returns o with member key set to value.
func (o *Object) Set(key string, value any) *Object { return o.setIn(0, key, value) }

// setIn is Set within a batch of updates by ed (0: none).
func (o *Object) setIn(ed editor, key string, value any) *Object {
	if o == nil {
		return &Object{size: 1, keys: []string{key}, vals: []any{value}, ed: ed}
	}
	n, right := set(ed, o, key, value)
	if right == nil {
		return n
	}
	return &Object{size: n.size + right.size, keys: []string{n.first(), right.first()}, kids: []*Object{n, right}, ed: ed}
}

// updateIn sets member key to change(its old value, or nil), walking the
// tree once; an error from change leaves o as it was.
func (o *Object) updateIn(ed editor, key string, change func(old any) (any, error)) (*Object, error) {
	if o == nil {
		v, err := change(nil)
		if err != nil {
			return o, err
		}
		return o.setIn(ed, key, v), nil
	}
	var err error
	n, right := update(ed, o, key, func(old any) any {
		var v any
		v, err = change(old)
		return v
	})
	if err != nil {
		return o, err
	}
	if right == nil {
		return n, nil
	}
	return &Object{size: n.size + right.size, keys: []string{n.first(), right.first()}, kids: []*Object{n, right}, ed: ed}, nil
}

// set returns n with key set (n itself when ed owns it, else a copy) and
// the new right sibling if it had to split.
func set(ed editor, n *Object, key string, value any) (*Object, *Object) {
	return update(ed, n, key, func(any) any { return value })
}

// update is set with the value computed from the old one.
func update(ed editor, n *Object, key string, change func(old any) any) (*Object, *Object) {
	if n.isLeaf() {
		i, found := slices.BinarySearch(n.keys, key)
		var old any
		if found {
			old = n.vals[i]
		}
		value := change(old)
		c := n.own(ed)
		if found {
			c.vals[i] = value
			return c, nil
		}
		c.ownKeys()
		c.keys, c.vals = slices.Insert(c.keys, i, key), slices.Insert(c.vals, i, value)
		c.size++
		return c.split()
	}
	i := childFor(n.keys, key)
	before := n.kids[i].size // update may change the kid in place
	kid, right := update(ed, n.kids[i], key, change)
	c := n.own(ed)
	c.size += kid.size - before
	if right != nil {
		c.size += right.size
	}
	c.kids[i] = kid
	if kid.first() != c.keys[i] || right != nil {
		c.ownKeys()
		c.keys[i] = kid.first()
	}
	if right == nil {
		return c, nil
	}
	c.keys, c.kids = slices.Insert(c.keys, i+1, right.first()), slices.Insert(c.kids, i+1, right)
	return c.split()
}

// split halves a node that outgrew nodeSize (n is owned by the caller).
func (n *Object) split() (*Object, *Object) {
	if len(n.keys) <= nodeSize {
		return n, nil
	}
	h := len(n.keys) / 2
	right := &Object{keys: slices.Clone(n.keys[h:]), ed: n.ed}
	n.keys = n.keys[:h:h]
	if n.isLeaf() {
		right.vals = slices.Clone(n.vals[h:])
		clear(n.vals[h:])
		n.vals = n.vals[:h:h]
		right.size, n.size = len(right.vals), len(n.vals)
	} else {
		right.kids = slices.Clone(n.kids[h:])
		clear(n.kids[h:])
		n.kids = n.kids[:h:h]
		right.size, n.size = sizeOf(right.kids), sizeOf(n.kids)
	}
	return n, right
}

func sizeOf(kids []*Object) int {
	total := 0
	for _, k := range kids {
		total += k.size
	}
	return total
}

// Delete returns o without member key.
func (o *Object) Delete(key string) *Object { return o.deleteIn(0, key) }

// deleteIn is Delete within a batch of updates by ed (0: none).
func (o *Object) deleteIn(ed editor, key string) *Object {
	if o == nil {
		return nil
	}
	n, removed := del(ed, o, key)
	if !removed {
		return o
	}
	for n != nil && !n.isLeaf() && len(n.kids) == 1 {
		n = n.kids[0]
	}
	return n
}

// del returns n without key (nil when it became empty) and whether key
// was there. Nodes may become underfull; lookups stay O(height) and the
// height never grows on deletes, so they are not merged.
func del(ed editor, n *Object, key string) (*Object, bool) {
	if n.isLeaf() {
		i, found := slices.BinarySearch(n.keys, key)
		if !found {
			return n, false
		}
		if len(n.keys) == 1 {
			return nil, true
		}
		c := n.own(ed)
		c.ownKeys()
		c.keys, c.vals = slices.Delete(c.keys, i, i+1), slices.Delete(c.vals, i, i+1)
		c.size--
		return c, true
	}
	i := childFor(n.keys, key)
	kid, removed := del(ed, n.kids[i], key)
	if !removed {
		return n, false
	}
	c := n.own(ed)
	c.size--
	if kid == nil {
		c.ownKeys()
		c.keys, c.kids = slices.Delete(c.keys, i, i+1), slices.Delete(c.kids, i, i+1)
		if len(c.kids) == 0 {
			return nil, true
		}
		return c, true
	}
	c.kids[i] = kid
	if kid.first() != c.keys[i] {
		c.ownKeys()
		c.keys[i] = kid.first()
	}
	return c, true
}

// All yields the members in key order.
func (o *Object) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if o != nil {
			o.walk(yield)
		}
	}
}

func (n *Object) walk(yield func(string, any) bool) bool {
	if n.isLeaf() {
		for i, k := range n.keys {
			if !yield(k, n.vals[i]) {
				return false
			}
		}
		return true
	}
	for _, kid := range n.kids {
		if !kid.walk(yield) {
			return false
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
	var level []*Object
	for lo := 0; lo < len(sk); lo += nodeSize {
		hi := min(lo+nodeSize, len(sk))
		level = append(level, &Object{size: hi - lo, keys: sk[lo:hi:hi], vals: sv[lo:hi:hi]})
	}
	for len(level) > 1 {
		var up []*Object
		for lo := 0; lo < len(level); lo += nodeSize {
			hi := min(lo+nodeSize, len(level))
			kids := level[lo:hi:hi]
			keys := make([]string, len(kids))
			for i, k := range kids {
				keys[i] = k.first()
			}
			up = append(up, &Object{size: sizeOf(kids), keys: keys, kids: kids})
		}
		level = up
	}
	return level[0]
}

// Members yields the members in key order; it is All, under the name
// replay.MemberLister looks for, so that purity checks compare Objects by
// their members rather than their tree nodes.
func (o *Object) Members() iter.Seq2[string, any] { return o.All() }
