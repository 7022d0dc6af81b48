package replay

import (
	"reflect"
)

// approxSize estimates the bytes held by v: its own size plus what its
// pointers, maps, slices and strings reach. Memory reached twice within v
// is counted once, but memory shared between two states is counted in
// both, so for states with structural sharing it overestimates: a safe
// error for a memory budget.
func approxSize(v any) int64 {
	s := sizer{seen: make(map[uintptr]bool)}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return 0
	}
	return int64(rv.Type().Size()) + s.reached(rv)
}

type sizer struct{ seen map[uintptr]bool }

// first reports whether memory at p is met for the first time.
func (s *sizer) first(p uintptr) bool {
	if p == 0 || s.seen[p] {
		return false
	}
	s.seen[p] = true
	return true
}

// reached returns the bytes v refers to beyond its own inline size.
func (s *sizer) reached(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || !s.first(v.Pointer()) {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + s.reached(e)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		// Small scalars in interfaces are boxed; count the box.
		return int64(e.Type().Size()) + s.reached(e)
	case reflect.String:
		return int64(v.Len())
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += s.reached(v.Field(i))
		}
		return n
	case reflect.Array:
		var n int64
		for i := range v.Len() {
			n += s.reached(v.Index(i))
		}
		return n
	case reflect.Slice:
		if v.IsNil() || !s.first(v.Pointer()) {
			return 0
		}
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		if hasPointers(v.Type().Elem()) {
			for i := range v.Len() {
				n += s.reached(v.Index(i))
			}
		}
		return n
	case reflect.Map:
		if v.IsNil() || !s.first(v.Pointer()) {
			return 0
		}
		t := v.Type()
		// Entries plus roughly a third of slack and per-slot control
		// bytes, as Go's swiss tables keep them.
		entry := int64(t.Key().Size() + t.Elem().Size() + 1)
		n := int64(48) + int64(v.Len())*entry*4/3
		if hasPointers(t.Key()) || hasPointers(t.Elem()) {
			for it := v.MapRange(); it.Next(); {
				n += s.reached(it.Key()) + s.reached(it.Value())
			}
		}
		return n
	}
	return 0
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}
