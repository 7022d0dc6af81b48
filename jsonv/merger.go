package jsonv

import (
	"encoding/json"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/replaytui/replaytui/internal/jsonscan"
)

// Merger folds merge patches into a state that it owns: nobody sees the
// states between two patches, so it keeps what they change in Go maps,
// found straight from the text of the member names, and builds the
// persistent Object only when State asks for it. A patch then costs a
// map look-up a member, however large the state, where MergePatch walks
// the tree. The state it starts from, and every state State returned, is
// never changed: the maps hold changes on top of them.
type Merger struct {
	// state is the state: a value of this package's form, or a *draft
	// of the changes patches made to it since State last built it.
	state any
	dec   jsonscan.Decoder
	// spare is the draft State last built, emptied: the next patches
	// fill it again without growing a new map.
	spare *draft
	// The changes of the patch being merged, to take back: a number
	// changed in place needs less to say so, and it is the common change.
	undo       []undo
	undoFloats []floatChange
}

// draft is an object a Merger is changing: the members of base, with
// the changes in vals in their place. base itself is never changed.
type draft struct {
	base *Object
	// slots maps a changed member's name to its index in names and
	// vals, once there are more than smallDraft: a few are found faster
	// by comparing their names, and most nested objects have few.
	slots map[string]int
	names []string
	vals  []any // each a value of this package's form, a *draft, a *float or removed{}

	backslash bool // a name in slots has a backslash (see find)
}

// removed is the change that deletes a member.
type removed struct{}

// escapedString is a string member of a draft as its patch wrote it,
// quotes and escapes included: most strings a fold sets are replaced by
// a later patch before any state shows them, and copying the text as it
// is costs less than decoding it. State decodes the ones it keeps.
type escapedString string

// float is a number member of a draft: the next patch that sets the
// member changes it in place rather than boxing a new float64 in an any,
// which, a member a patch, is most of what a fold would allocate. Only
// its draft refers to it; State boxes it once.
type float struct{ f float64 }

// undo takes back one change, when a later part of the same patch turns
// out not to be JSON: a Merge that fails leaves the state as it was.
type undo struct {
	d     *draft
	slot  int
	old   any  // the slot's value before the change
	added bool // the change added the slot
}

type floatChange struct {
	f   *float
	was float64
}

// NewMerger returns a Merger starting from state.
func NewMerger(state any) *Merger {
	return &Merger{state: state}
}

const smallDraft = 8

// Merge applies a merge patch given as JSON text.
func (m *Merger) Merge(patch []byte) error {
	i := jsonscan.SkipSpace(patch, 0)
	if i >= len(patch) || patch[i] != '{' {
		v, end, err := m.dec.ValueAt(patch, i)
		if err == nil && jsonscan.SkipSpace(patch, end) != len(patch) {
			_, err = jsonscan.Decode(patch) // for its error message
		}
		if err != nil {
			return err
		}
		m.state = FromPlain(v)
		return nil
	}
	before := m.state
	m.undo, m.undoFloats = m.undo[:0], m.undoFloats[:0]
	end, err := m.mergeText(m.root(), patch, i)
	if err == nil && jsonscan.SkipSpace(patch, end) != len(patch) {
		_, err = jsonscan.Decode(patch) // for its error message
	}
	if err != nil {
		m.takeBack()
		m.state = before
		return err
	}
	return nil
}

// MergePayload applies the payload of an event as a merge patch, from
// its decoded value when a reader decoded it ahead (Predecode).
func (m *Merger) MergePayload(p Payload) error {
	switch pr := p.prepared; {
	case pr != nil && pr.err != nil:
		return pr.err
	case pr != nil:
		m.mergeValue(pr.value)
	case len(p.Value) == 0:
		m.state = nil
	default:
		return m.Merge(p.Value)
	}
	return nil
}

// State returns the state so far. It is the caller's to keep: later
// patches change a draft on top of it, never it.
func (m *Merger) State() any {
	if d, ok := m.state.(*draft); ok {
		m.state = d.object(newEditor())
		clear(d.slots)
		clear(d.vals)
		d.names, d.vals, d.backslash = d.names[:0], d.vals[:0], false
		m.spare = d
	}
	return m.state
}

// root returns the draft an object patch merges into: the state's, made
// on first need; one of {} when the state is not an object.
func (m *Merger) root() *draft {
	if d, ok := m.state.(*draft); ok {
		return d
	}
	obj, _ := FromPlain(m.state).(*Object)
	d := m.spare
	if d == nil {
		d = new(draft)
	}
	d.base, m.spare, m.state = obj, nil, d
	return d
}

// mergeText merges the object patch at patch[i] into d and returns the
// offset after it.
func (m *Merger) mergeText(d *draft, patch []byte, i int) (int, error) {
	return jsonscan.MembersFunc(patch, i, func(rawName []byte, start int) (int, error) {
		slot, name, err := m.find(d, rawName)
		if err != nil {
			return start, err
		}
		if start < len(patch) {
			switch patch[start] {
			case 'n': // null deletes
				end, err := jsonscan.Skip(patch, start)
				if err == nil {
					m.set(d, slot, name, removed{})
				}
				return end, err
			case '{':
				return m.mergeText(m.child(d, slot, name), patch, start)
			case '"':
				end, escaped, err := jsonscan.StringAt(patch, start)
				switch {
				case err != nil:
				case escaped: // decoded by State, if no later patch replaces it
					m.set(d, slot, name, escapedString(patch[start:end]))
				default:
					m.set(d, slot, name, string(patch[start+1:end-1]))
				}
				return end, err
			case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
				f, exact, end, err := jsonscan.NumberAt(patch, start)
				switch {
				case err != nil:
				case exact:
					m.setFloat(d, slot, name, f)
				default: // beyond float64: kept as written
					m.set(d, slot, name, json.Number(patch[start:end]))
				}
				return end, err
			}
		}
		v, end, err := m.dec.ValueAt(patch, start)
		if err == nil {
			m.set(d, slot, name, FromPlain(v))
		}
		return end, err
	})
}

// find returns the slot of d's member whose name is rawName (its text
// between the quotes), or -1 and the name decoded when d has none.
func (m *Merger) find(d *draft, rawName []byte) (int, string, error) {
	// A name's text is the name unless it has escapes, and those have a
	// backslash: while no name of d has one, a name found by its text,
	// without allocating, is the one meant.
	if !d.backslash {
		if i := d.slotOfText(rawName); i >= 0 {
			return i, "", nil
		}
	}
	name, err := m.dec.Key(rawName)
	if err != nil {
		return -1, "", err
	}
	return d.slotOf(name), name, nil
}

// slotOfText returns the slot of the member whose name is text, or -1;
// it allocates nothing.
func (d *draft) slotOfText(text []byte) int {
	if d.slots == nil {
		for i, name := range d.names {
			if name == string(text) {
				return i
			}
		}
		return -1
	}
	if i, ok := d.slots[string(text)]; ok {
		return i
	}
	return -1
}

// slotOf returns the slot of the member called name, or -1.
func (d *draft) slotOf(name string) int {
	if d.slots == nil {
		return slices.Index(d.names, name)
	}
	if i, ok := d.slots[name]; ok {
		return i
	}
	return -1
}

// mergeValue merges an already decoded patch.
func (m *Merger) mergeValue(patch any) {
	m.undo, m.undoFloats = m.undo[:0], m.undoFloats[:0]
	switch p := patch.(type) {
	case map[string]any:
		m.mergeMembers(m.root(), maps.All(p))
	case *Object:
		m.mergeMembers(m.root(), p.All())
	default:
		m.state = FromPlain(patch)
	}
}

func (m *Merger) mergeMembers(d *draft, members iter.Seq2[string, any]) {
	for name, v := range members {
		slot := d.slotOf(name)
		switch v := v.(type) {
		case nil:
			m.set(d, slot, name, removed{})
		case map[string]any:
			m.mergeMembers(m.child(d, slot, name), maps.All(v))
		case *Object:
			m.mergeMembers(m.child(d, slot, name), v.All())
		default:
			m.set(d, slot, name, FromPlain(v))
		}
	}
}

// set changes d's member at slot to v; slot -1 adds the member name.
func (m *Merger) set(d *draft, slot int, name string, v any) {
	if slot < 0 {
		m.undo = append(m.undo, undo{d: d, slot: len(d.vals), added: true})
		d.backslash = d.backslash || strings.IndexByte(name, '\\') >= 0
		d.names, d.vals = append(d.names, name), append(d.vals, v)
		switch {
		case d.slots != nil:
			d.slots[name] = len(d.names) - 1
		case len(d.names) > smallDraft:
			d.slots = make(map[string]int, 2*len(d.names))
			for i, name := range d.names {
				d.slots[name] = i
			}
		}
		return
	}
	m.undo = append(m.undo, undo{d: d, slot: slot, old: d.vals[slot]})
	d.vals[slot] = v
}

// setFloat changes d's member at slot to the number f, in place when it
// is a number already.
func (m *Merger) setFloat(d *draft, slot int, name string, f float64) {
	if slot >= 0 {
		if n, ok := d.vals[slot].(*float); ok {
			m.undoFloats = append(m.undoFloats, floatChange{n, n.f})
			n.f = f
			return
		}
	}
	m.set(d, slot, name, &float{f})
}

// child returns the draft of d's member at slot (-1: the member name,
// not changed yet) for an object patch to merge into: the member's own
// when it is an object, else one of {}, as RFC 7386 merges into a
// non-object.
func (m *Merger) child(d *draft, slot int, name string) *draft {
	var old any
	if slot >= 0 {
		old = d.vals[slot]
	} else {
		old, _ = d.base.Get(name)
	}
	if c, ok := old.(*draft); ok {
		return c
	}
	obj, _ := old.(*Object)
	c := &draft{base: obj}
	m.set(d, slot, name, c)
	return c
}

// takeBack undoes the changes of the patch being merged, last first.
// Numbers and slots are taken back apart: a number's change is to what
// is in a *float, a slot's to which value is in the slot.
func (m *Merger) takeBack() {
	for _, c := range slices.Backward(m.undoFloats) {
		c.f.f = c.was
	}
	for _, u := range slices.Backward(m.undo) {
		d := u.d
		if u.added {
			if d.slots != nil {
				delete(d.slots, d.names[u.slot])
			}
			d.vals[u.slot] = nil
			d.names, d.vals = d.names[:u.slot], d.vals[:u.slot]
			continue
		}
		d.vals[u.slot] = u.old
	}
	m.undo, m.undoFloats = m.undo[:0], m.undoFloats[:0]
}

// object builds the Object d stands for. ed copies each node of base
// that the changes reach once.
func (d *draft) object(ed editor) *Object {
	if d.base == nil {
		names, vals := make([]string, 0, len(d.names)), make([]any, 0, len(d.vals))
		for i, v := range d.vals {
			if _, gone := v.(removed); !gone {
				names, vals = append(names, d.names[i]), append(vals, built(ed, v))
			}
		}
		return ObjectOf(names, vals)
	}
	obj := d.base
	for i, v := range d.vals {
		if _, gone := v.(removed); gone {
			obj = obj.deleteIn(ed, d.names[i])
		} else {
			obj = obj.setIn(ed, d.names[i], built(ed, v))
		}
	}
	return obj
}

// built is a draft's value as a value of this package's form.
func built(ed editor, v any) any {
	switch v := v.(type) {
	case *draft:
		return v.object(ed)
	case *float:
		return v.f
	case escapedString:
		s, err := jsonscan.Unquote([]byte(v))
		if err != nil { // validated when the patch was merged
			panic(err)
		}
		return s
	}
	return v
}
