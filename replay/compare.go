package replay

import (
	"bytes"
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
func flatten(v any) []leaf { return flatOf(v).leaves() }

// flat is a flattening written as records, path NUL value NUL, into one
// buffer: CheckPurity compares these a few times per event, and building
// a string per path and value was most of its time. No path or value
// holds a NUL byte (strings are quoted).
type flat []byte

func flatOf(v any) flat {
	f := flattener{onPath: make(map[uintptr]bool), path: []byte("state")}
	f.walk(reflect.ValueOf(v))
	return f.out
}

// leaves splits the records.
func (fl flat) leaves() []leaf {
	var out []leaf
	for rest := []byte(fl); len(rest) > 0; {
		path, after, _ := bytes.Cut(rest, []byte{0})
		value, next, _ := bytes.Cut(after, []byte{0})
		out = append(out, leaf{string(path), string(value)})
		rest = next
	}
	return out
}

type flattener struct {
	path   []byte // of the value being walked; grows and shrinks as a stack
	out    flat
	onPath map[uintptr]bool // pointers being walked, to stop on cycles
	scalar []byte           // scratch for a map key
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

func (f *flattener) add(value string) {
	f.out = append(f.out, f.path...)
	f.out = append(f.out, 0)
	f.out = append(f.out, value...)
	f.out = append(f.out, 0)
}

// addQuoted adds a string value, quoted, without building it first.
func (f *flattener) addQuoted(value string) {
	f.out = append(f.out, f.path...)
	f.out = append(f.out, 0)
	f.out = appendQuote(f.out, value)
	f.out = append(f.out, 0)
}

// appendQuote is strconv.AppendQuote, with a short way for the plain
// ASCII most strings are: that function looks up every rune.
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// under walks v at the path plus the given segment, then takes the
// segment off again.
func (f *flattener) under(n int, v reflect.Value) {
	f.walk(v)
	f.path = f.path[:n]
}

func (f *flattener) walk(v reflect.Value) {
	if !v.IsValid() {
		f.add("nil")
		return
	}
	if v.Type() == timeType && v.CanInterface() {
		f.add(v.Interface().(time.Time).Format(time.RFC3339Nano))
		return
	}
	if v.CanInterface() && v.Type().Implements(memberListerType) {
		if v.Kind() == reflect.Pointer && v.IsNil() && v.Type().Elem().Kind() != reflect.Struct {
			f.add("nil")
			return
		}
		n, before := len(f.path), len(f.out)
		for k, m := range v.Interface().(MemberLister).Members() {
			f.path = append(f.path, '[')
			f.path = appendQuote(f.path, k)
			f.path = append(f.path, ']')
			f.under(n, reflect.ValueOf(m))
		}
		if len(f.out) == before {
			f.add("{}")
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			f.add("nil")
			return
		}
		p := v.Pointer()
		if f.onPath[p] {
			f.add("<cycle>")
			return
		}
		f.onPath[p] = true
		f.walk(v.Elem())
		delete(f.onPath, p)
	case reflect.Interface:
		f.walk(v.Elem())
	case reflect.Struct:
		t := v.Type()
		if t.NumField() == 0 {
			f.add("{}")
		}
		n := len(f.path)
		for i := range t.NumField() {
			f.path = append(f.path, '.')
			f.path = append(f.path, t.Field(i).Name...)
			f.under(n, v.Field(i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			f.add("{}")
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
		n := len(f.path)
		for _, e := range entries {
			f.path = append(f.path, '[')
			f.path = append(f.path, e.key...)
			f.path = append(f.path, ']')
			f.under(n, e.val)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			f.addQuoted(string(v.Bytes()))
			return
		}
		if v.Len() == 0 {
			f.add("[]")
			return
		}
		n := len(f.path)
		for i := range v.Len() {
			f.path = append(f.path, '[')
			f.path = strconv.AppendInt(f.path, int64(i), 10)
			f.path = append(f.path, ']')
			f.under(n, v.Index(i))
		}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		// Identity, not contents: a fresh closure is a different value.
		if v.IsNil() {
			f.add("nil")
		} else {
			f.add(fmt.Sprintf("%s@%#x", v.Kind(), v.Pointer()))
		}
	case reflect.String:
		f.addQuoted(v.String())
	default:
		f.add(scalar(v))
	}
}

// scalar renders a basic value, strings quoted. It works on values read
// from unexported fields, which cannot be turned back into an interface.
func scalar(v reflect.Value) string {
	switch {
	case v.Kind() == reflect.String:
		return strconv.Quote(v.String())
	case v.Type().NumMethod() > 0: // a String method, which fmt calls
	case v.CanInt():
		return strconv.FormatInt(v.Int(), 10)
	case v.Kind() == reflect.Bool:
		return strconv.FormatBool(v.Bool())
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
func firstDifference(fa, fb flat) (difference, bool) {
	if bytes.Equal(fa, fb) {
		return difference{}, false
	}
	a, b := fa.leaves(), fb.leaves()
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
