package replay

import (
	"cmp"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// leaf is one scalar inside a value, at a path such as
// `state.Accounts["bob"].Balance`.
type leaf struct{ path, value string }

// flatten lists the scalars of v in a deterministic order (struct fields in
// declaration order, map entries sorted by key). Unexported fields are
// included: a reducer that hides state in them is still checked.
func flatten(v any) []leaf {
	f := flattener{onPath: make(map[uintptr]bool)}
	f.walk("state", reflect.ValueOf(v))
	return f.leaves
}

type flattener struct {
	leaves []leaf
	onPath map[uintptr]bool // pointers being walked, to stop on cycles
}

var (
	timeType         = reflect.TypeFor[time.Time]()
	memberListerType = reflect.TypeFor[MemberLister]()
)

// MemberLister is a state type that says what its members are, for
// CheckPurity and Compare, which otherwise walk its fields: a persistent
// map whose fields are tree nodes and bookkeeping implements it, so that
// two equal maps built differently compare equal, and a difference is
// named by key. Members yields the members in a fixed order.
type MemberLister interface {
	Members() iter.Seq2[string, any]
}

func (f *flattener) add(path, value string) {
	f.leaves = append(f.leaves, leaf{path, value})
}

func (f *flattener) walk(path string, v reflect.Value) {
	if !v.IsValid() {
		f.add(path, "nil")
		return
	}
	if v.Type() == timeType && v.CanInterface() {
		f.add(path, v.Interface().(time.Time).Format(time.RFC3339Nano))
		return
	}
	if v.CanInterface() && v.Type().Implements(memberListerType) {
		if v.Kind() == reflect.Pointer && v.IsNil() && v.Type().Elem().Kind() != reflect.Struct {
			f.add(path, "nil")
			return
		}
		n := len(f.leaves)
		for k, m := range v.Interface().(MemberLister).Members() {
			f.walk(path+"["+strconv.Quote(k)+"]", reflect.ValueOf(m))
		}
		if len(f.leaves) == n {
			f.add(path, "{}")
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			f.add(path, "nil")
			return
		}
		p := v.Pointer()
		if f.onPath[p] {
			f.add(path, "<cycle>")
			return
		}
		f.onPath[p] = true
		f.walk(path, v.Elem())
		delete(f.onPath, p)
	case reflect.Interface:
		f.walk(path, v.Elem())
	case reflect.Struct:
		t := v.Type()
		if t.NumField() == 0 {
			f.add(path, "{}")
		}
		for i := range t.NumField() {
			f.walk(path+"."+t.Field(i).Name, v.Field(i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			f.add(path, "{}")
			return
		}
		type entry struct {
			key string
			val reflect.Value
		}
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, entry{scalar(it.Key()), it.Value()})
		}
		slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
		for _, e := range entries {
			f.walk(path+"["+e.key+"]", e.val)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			f.add(path, strconv.Quote(string(v.Bytes())))
			return
		}
		if v.Len() == 0 {
			f.add(path, "[]")
			return
		}
		for i := range v.Len() {
			f.walk(path+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		// Identity, not contents: a fresh closure is a different value.
		if v.IsNil() {
			f.add(path, "nil")
		} else {
			f.add(path, fmt.Sprintf("%s@%#x", v.Kind(), v.Pointer()))
		}
	default:
		f.add(path, scalar(v))
	}
}

// scalar renders a basic value, strings quoted. It works on values read
// from unexported fields, which cannot be turned back into an interface.
func scalar(v reflect.Value) string {
	if v.Kind() == reflect.String {
		return strconv.Quote(v.String())
	}
	return fmt.Sprint(v)
}

// Difference is one place where two values differ: the value at Path is
// A in the first and B in the second, rendered as text ("<absent>" when it
// does not exist on that side).
type Difference struct{ Path, A, B string }

// Kind says what the difference is: "added" (absent from the first
// value), "removed" (absent from the second) or "changed".
func (d Difference) Kind() string {
	switch {
	case d.A == "<absent>":
		return "added"
	case d.B == "<absent>":
		return "removed"
	}
	return "changed"
}

// Compare lists where a and b differ, walking both with reflection:
// struct fields (unexported ones too), map entries by key, slice
// elements, through pointers. Paths start at "state", as in
// `state.Accounts["bob"].Balance`. It is what CheckPurity reports with,
// offered for tools that show how two states of any type differ.
func Compare(a, b any) []Difference {
	fa, fb := flatten(a), flatten(b)
	if slices.Equal(fa, fb) {
		return nil
	}
	inA := make(map[string]string, len(fa))
	for _, l := range fa {
		inA[l.path] = l.value
	}
	inB := make(map[string]string, len(fb))
	for _, l := range fb {
		inB[l.path] = l.value
	}
	// An empty map, slice or struct is one leaf; filled, it is its
	// elements. Going from one to the other is what the elements say: the
	// empty container itself was not removed or added.
	parentsA, parentsB := parents(fa), parents(fb)
	var out []Difference
	for _, l := range fa {
		bv, ok := inB[l.path]
		switch {
		case !ok && isEmpty(l.value) && parentsB[l.path]:
		case !ok:
			out = append(out, Difference{l.path, l.value, "<absent>"})
		case bv != l.value:
			out = append(out, Difference{l.path, l.value, bv})
		}
	}
	for _, l := range fb {
		if _, ok := inA[l.path]; !ok && !(isEmpty(l.value) && parentsA[l.path]) {
			out = append(out, Difference{l.path, "<absent>", l.value})
		}
	}
	return out
}

// isEmpty reports a leaf that stands for an empty or nil container.
func isEmpty(value string) bool { return value == "{}" || value == "[]" || value == "nil" }

// parents returns every path that has leaves below it: the prefixes of
// the leaves' paths that end before a . or a [.
func parents(leaves []leaf) map[string]bool {
	out := make(map[string]bool)
	for _, l := range leaves {
		inQuotes := false
		for i := 1; i < len(l.path); i++ {
			switch c := l.path[i]; {
			case c == '"' && l.path[i-1] != '\\':
				inQuotes = !inQuotes
			case !inQuotes && (c == '.' || c == '['):
				out[l.path[:i]] = true
			}
		}
	}
	return out
}

type difference struct{ path, a, b string }

// firstDifference compares two flattenings and returns the first path,
// in the order of a then b, whose value differs or exists on one side only.
func firstDifference(a, b []leaf) (difference, bool) {
	if slices.Equal(a, b) {
		return difference{}, false
	}
	inB := make(map[string]string, len(b))
	for _, l := range b {
		inB[l.path] = l.value
	}
	inA := make(map[string]bool, len(a))
	for _, l := range a {
		inA[l.path] = true
		bv, ok := inB[l.path]
		if !ok {
			return difference{l.path, l.value, "<absent>"}, true
		}
		if bv != l.value {
			return difference{l.path, l.value, bv}, true
		}
	}
	for _, l := range b {
		if !inA[l.path] {
			return difference{l.path, "<absent>", l.value}, true
		}
	}
	// Same leaves in another order cannot happen with a deterministic
	// walk; report the first position that differs rather than nothing.
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return difference{a[i].path, a[i].value, b[i].value}, true
		}
	}
	return difference{"state", fmt.Sprint(len(a), " values"), fmt.Sprint(len(b), " values")}, true
}
