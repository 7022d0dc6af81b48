package reduce

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// Ownership of containers, for the native evaluator's updates in place.
//
// A container (an object or an array's backing store) may be changed in
// place only when nothing else can see it. The fold keeps the set of
// containers it owns exclusively: those it made itself (a copy of a
// container on an update's path, an object or array a program built, the
// result of +) and that, since, were referenced from one place only.
// Everything else (payloads, values read from the state and stored a
// second time, values gojq built) is shared and treated as immutable: an
// update copies a shared container on its path, shallowly, and the copy
// is owned from then on. So an update costs its path, and storing a value
// costs nothing, whatever its size.
//
// The rules that keep the set true:
//   - a value stored a second time (into an object, an array, a variable,
//     or a place of the state) while its first place keeps it, leaves
//     the set: so does every child of a container that is copied, as the
//     copy and the original both hold them;
//   - a container is changed in place only when it is in the set and was
//     reached through containers that are (an owned child of a shared
//     container can be seen through that container's other places).
//
// The set holds its containers (its keys are pointers), so a container
// that was dropped stays in it, and alive, until compact rebuilds the set
// from the state.
type jqOwned map[unsafe.Pointer]struct{}

// containerID is the identity of a container: its map, or its array's
// backing store; nil for anything else, and for an array with no store
// (nothing can be changed in place in it).
func containerID(v any) unsafe.Pointer {
	switch t := v.(type) {
	case map[string]any:
		return *(*unsafe.Pointer)(unsafe.Pointer(&t))
	case []any:
		if cap(t) > 0 {
			return unsafe.Pointer(unsafe.SliceData(t))
		}
	}
	return nil
}

// own records v, a container the fold just made, as owned.
func (e *jqEnv) own(v any) {
	if id := containerID(v); id != nil {
		if e.owned == nil {
			e.owned = jqOwned{}
		}
		e.owned[id] = struct{}{}
	}
}

// share records that v may be seen from more than one place.
func (e *jqEnv) share(v any) {
	if len(e.owned) == 0 {
		return
	}
	if id := containerID(v); id != nil {
		delete(e.owned, id)
	}
}

// shareChildren shares every child of c, a container that was copied.
func (e *jqEnv) shareChildren(c any) {
	if len(e.owned) == 0 {
		return
	}
	switch t := c.(type) {
	case map[string]any:
		for _, v := range t {
			e.share(v)
		}
	case []any:
		for _, v := range t {
			e.share(v)
		}
	}
}

// replaced drops old, a value an update replaced with v, from the set
// unless v is old changed in place: nothing holds it any more, and the
// set would keep it alive until compact. (Taking a container out of the
// set is always safe: at worst it is copied once more.)
func (e *jqEnv) replaced(old, v any) {
	if len(e.owned) == 0 {
		return
	}
	if id := containerID(old); id != nil && id != containerID(v) {
		delete(e.owned, id)
	}
}

// owns says whether v may be changed in place by whoever holds it as
// its only holder.
func (e *jqEnv) owns(v any) bool {
	id := containerID(v)
	if id == nil {
		return false
	}
	_, ok := e.owned[id]
	return ok
}

// exclusive says whether v may be changed in place: its holder gave it
// up (owned) and nothing else can see it.
func (e *jqEnv) exclusive(v any, owned bool) bool { return owned && e.owns(v) }

// stored is v as it goes into a new place: shared unless its holder gave
// it up.
func (e *jqEnv) stored(v any, owned bool) any {
	if !owned {
		e.share(v)
	}
	return v
}

// shareTree shares every container in v, a value gojq built (l * r, l -
// r): it may hold the fold's containers at any depth, under containers of
// its own, so none of v's can be taken as changed through one place only.
func (e *jqEnv) shareTree(v any) {
	if len(e.owned) > 0 {
		eachContainer(v, e.share)
	}
}

// givenUp says whether out, what an update or del made of in, is given
// up: a container it made is; in itself, returned unchanged (a member
// that was not there, a //= that kept its value), only if in was.
func givenUp(in, out any, owned bool) bool {
	if id := containerID(out); id != nil && id == containerID(in) {
		return owned
	}
	return true
}

// cloneMap is an owned copy of m.
func (e *jqEnv) cloneMap(m map[string]any) map[string]any {
	c := maps.Clone(m)
	if c == nil {
		c = map[string]any{}
	}
	e.shareChildren(c)
	e.own(c)
	return c
}

// cloneArray is an owned copy of a.
func (e *jqEnv) cloneArray(a []any) []any {
	c := slices.Clone(a)
	e.shareChildren(c)
	e.own(c)
	return c
}

// ownTree records every container of v, which nothing else holds, as
// owned.
func (e *jqEnv) ownTree(v any) { eachContainer(v, e.own) }

// eachContainer calls f with v and every container under it.
func eachContainer(v any, f func(any)) {
	switch t := v.(type) {
	case map[string]any:
		f(t)
		for _, c := range t {
			eachContainer(c, f)
		}
	case []any:
		f(t)
		for _, c := range t {
			eachContainer(c, f)
		}
	}
}

// compact drops from the set the containers the state no longer holds,
// once the set has grown by more than the last rebuild walked: the walk
// costs each container the fold made a constant, over time.
func (e *jqEnv) compact(state any, owned bool) {
	if len(e.owned) <= e.compactAt {
		return
	}
	old := e.owned
	e.owned = jqOwned{}
	walked := 0
	var walk func(v any)
	walk = func(v any) {
		id := containerID(v)
		if id == nil {
			return
		}
		if _, ok := old[id]; !ok {
			return
		}
		e.owned[id] = struct{}{}
		switch t := v.(type) {
		case map[string]any:
			walked += len(t)
			for _, c := range t {
				walk(c)
			}
		case []any:
			walked += len(t)
			for _, c := range t {
				walk(c)
			}
		}
	}
	if owned {
		walk(state)
	}
	e.compactAt = len(e.owned) + walked + 1024
}

// bigValue is the size from which the evaluator checks the guard's
// budgets before it builds a value, and its context while it builds
// it: a native apply runs long or takes much memory only there (it
// cannot loop), and the context is checked again after the apply.
const bigValue = 1 << 20

// startGuard takes the context one apply runs under from g (nil: none).
func (e *jqEnv) startGuard(g *Guard) (done func()) {
	e.guard, e.ctx, e.deadline = g, nil, time.Time{}
	if g == nil {
		return func() {}
	}
	ctx, done := g.begin()
	e.ctx = ctx
	if g.time > 0 {
		e.deadline = time.Now().Add(g.time)
	}
	return done
}

// check fails when the apply's context ended (a budget, Interrupt,
// Ctrl-C) or its time ran out; it reads the clock itself, as the
// watchdog may not have looked yet.
func (e *jqEnv) check() error {
	if e.ctx == nil {
		return nil
	}
	if err := failure(e.ctx); err != nil {
		return fmt.Errorf("the program %w", err)
	}
	if !e.deadline.IsZero() && time.Now().After(e.deadline) {
		return fmt.Errorf("the program %w of %s per event (--apply-timeout)", ErrTimeBudget, e.guard.time)
	}
	return nil
}

// checkSize is check before a value of about size bytes is built, when
// it is large; it fails at once if that value alone passes the memory
// budget (the watchdog would see it only once it is built).
func (e *jqEnv) checkSize(size uint64) error {
	if e.ctx == nil || size < bigValue {
		return nil
	}
	if m := e.guard.memory; m > 0 && size > m {
		return fmt.Errorf("the program %w: a value of %s, more than %s per event (--apply-memory)", ErrMemoryBudget, bytesText(size), bytesText(m))
	}
	return e.check()
}

// repeat is s repeated n times as gojq repeats it, built in pieces
// under the guard; ok is false when gojq should compute it (unguarded,
// small results, and the ones it refuses or makes null).
func (e *jqEnv) repeat(s string, n float64) (v any, ok bool, err error) {
	if e.ctx == nil || !(n >= 1) || s == "" {
		return nil, false, nil
	}
	c := int(min(n, math.MaxInt32))
	size := uint64(len(s)) * uint64(c)
	if size < bigValue || size >= math.MaxInt32 {
		return nil, false, nil
	}
	if err := e.checkSize(size); err != nil {
		return nil, true, err
	}
	// Pieces of about bigValue bytes, and a builder that grows as they
	// come: an apply stopped half-way has not taken the whole size.
	per := max(bigValue/len(s), 1)
	piece := strings.Repeat(s, per)
	var b strings.Builder
	for i := 0; i < c; i += per {
		if err := e.check(); err != nil {
			return nil, true, err
		}
		if c-i < per {
			piece = piece[:(c-i)*len(s)]
		}
		b.WriteString(piece)
	}
	return b.String(), true, nil
}
