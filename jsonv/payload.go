package jsonv

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/replaytui/replaytui/internal/jsonscan"
)

// Payload is what an event of a JSON log carries: the "payload" member of
// its line, and every other top-level member that is not stream, seq or
// time (captured logs carry "type", ids, metadata…). It is the E of
// replay.Event[E] for the replaytui binary.
type Payload struct {
	// Value is the raw JSON text of the payload; null when absent.
	Value json.RawMessage
	// Fields holds the other top-level members of the line, raw, in line
	// order; nil when none. (A slice, not a map: most lines carry one or
	// two, and a map for each of a million events costs more than the
	// rest of reading them.)
	Fields []Field

	// prepared is what a reader worked out of Value ahead of time, on
	// another goroutine: its decoded value.
	prepared *prepared
	// checked: the reader that made the payload found Value and every
	// field's value each exactly one JSON value (see Checked).
	checked bool
}

// Checked returns p marked as holding valid JSON: Value and each field's
// value are each exactly one JSON value, no space around it, as the
// reader that made p vouches, having validated the line they came from.
// A reducer that would check them (set, jq) then does not again.
func (p Payload) Checked() Payload {
	p.checked = true
	return p
}

// IsChecked reports whether p is marked by Checked.
func (p Payload) IsChecked() bool { return p.checked }

// Field is one extra top-level member of an event's line.
type Field struct {
	Name  string
	Value json.RawMessage
}

// Field returns the raw value of the extra field name.
func (p Payload) Field(name string) (json.RawMessage, bool) {
	for _, f := range p.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

type prepared struct {
	value any
	err   error
}

// Decode returns the payload as plain Go JSON values (map[string]any,
// []any, float64, string, bool, nil).
func (p Payload) Decode() (any, error) {
	if p.prepared != nil {
		return p.prepared.value, p.prepared.err
	}
	if len(p.Value) == 0 {
		return nil, nil
	}
	return jsonscan.Decode(p.Value)
}

// MergeInto merges the payload into state as an RFC 7386 merge patch
// (see MergePatch), from its decoded value when a reader decoded it
// ahead, else straight from its text.
func (p Payload) MergeInto(state any) (any, error) {
	if pr := p.prepared; pr != nil {
		if pr.err != nil {
			return nil, pr.err
		}
		return MergePatch(state, pr.value), nil
	}
	if len(p.Value) == 0 {
		return nil, nil
	}
	return MergePatchJSON(state, p.Value)
}

// Predecode returns p with its value decoded and remembered, so that
// whoever calls Decode later, on another goroutine, gets it for free.
// Readers call it on a worker while the fold runs.
func (p Payload) Predecode() Payload {
	if p.prepared == nil && len(p.Value) > 0 {
		d := decoders.Get().(*jsonscan.Decoder)
		v, err := d.Decode(p.Value)
		decoders.Put(d)
		p.prepared = &prepared{value: v, err: err}
	}
	return p
}

// Predecoded reports whether a reader decoded p ahead (Predecode), so
// that Decode costs nothing.
func (p Payload) Predecoded() bool { return p.prepared != nil }

// Type returns the event's type, for summaries: the string "type" field
// of the line, or failing that the "type" member of an object payload.
func (p Payload) Type() string {
	if raw, ok := p.Field("type"); ok {
		if s, err := jsonscan.Unquote(raw); err == nil {
			return s
		}
	}
	if pr := p.prepared; pr != nil {
		if m, ok := pr.value.(map[string]any); ok {
			if s, ok := m["type"].(string); ok {
				return s
			}
		}
		return ""
	}
	// Scan for the member rather than decode the payload: a summary must
	// not cost a payload's worth of allocation.
	var typ string
	jsonscan.MembersRaw(p.Value, 0, func(key, value []byte) error {
		if string(key) == "type" && len(value) > 0 && value[0] == '"' {
			if s, err := jsonscan.Unquote(value); err == nil {
				typ = s
			}
		}
		return nil
	})
	return typ
}

// FieldNames returns the names of the extra fields, sorted.
func (p Payload) FieldNames() []string {
	names := make([]string, len(p.Fields))
	for i, f := range p.Fields {
		names[i] = f.Name
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Summary describes the event in a line for a list of events: its type,
// then the payload's short values by name, numbers first (amount=700
// san=Nf3), as many as fit in about 60 characters; ids, empty and long
// values, objects and arrays are left to the event itself.
func (p Payload) Summary() string {
	const most, longest = 60, 24
	var numbers, texts []string
	jsonscan.MembersRaw(p.Value, 0, func(key, value []byte) error {
		if string(key) == "type" || len(value) == 0 || value[0] == '{' || value[0] == '[' || len(value) > longest ||
			string(value) == `""` || isID(string(key)) {
			return nil // not telling: an id, an empty or long value
		}
		name, err := jsonscan.Unquote(append(append([]byte{'"'}, key...), '"'))
		if err != nil {
			return nil
		}
		if value[0] != '"' {
			numbers = append(numbers, name+"="+string(value))
			return nil
		}
		if text, err := jsonscan.Unquote(value); err == nil {
			texts = append(texts, name+"="+text)
		}
		return nil
	})
	var b strings.Builder
	b.WriteString(p.Type())
	for _, item := range append(numbers, texts...) {
		if b.Len()+2+len(item) > most {
			break
		}
		if b.Len() > 0 {
			b.WriteString("  ")
		}
		b.WriteString(item)
	}
	return b.String()
}

// SummaryOf describes the event by the values at fields, in their
// order: its type, then name=value for each field the payload has. A
// field names a payload member, a dotted path to a member inside one
// (tags.White), or an extra top-level field of the line (gseq). Values
// longer than 64 characters are cut. With a width > 0 the summary is
// made to fit it when it can: the longest values are cut further, and
// when the names leave too little room for the values, the values go
// without them (move  Nf3  rnbqk…).
func (p Payload) SummaryOf(fields []string, width int) string {
	var names []string
	var values [][]rune
	for _, f := range fields {
		raw, ok := p.lookup(f)
		if !ok {
			continue
		}
		text := string(raw)
		if raw[0] == '"' {
			if s, err := jsonscan.Unquote(raw); err == nil {
				text = s
			}
		}
		names, values = append(names, f), append(values, []rune(text))
	}
	// The names stay when they leave the values room, whatever the type:
	// so that the rows of a list, whose types differ, all have them or
	// none does.
	least := 8 // a value cut shorter says little
	if _, fits := longestThatFits("", names, values, width, least); !fits {
		names, least = nil, 4
	}
	typ := p.Type()
	most, _ := longestThatFits(typ, names, values, width, least)
	var b strings.Builder
	b.WriteString(typ)
	for i, v := range values {
		text := string(v)
		if len(v) > most {
			text = string(v[:most-1]) + "…"
		}
		if b.Len() > 0 {
			b.WriteString("  ")
		}
		if names != nil {
			b.WriteString(names[i] + "=")
		}
		b.WriteString(text)
	}
	return b.String()
}

// longestThatFits is the longest a value may be for the summary to fit
// in width (0: any), and whether it fits with values no shorter than
// least.
func longestThatFits(typ string, names []string, values [][]rune, width, least int) (int, bool) {
	const longest = 64
	fixed := len([]rune(typ)) // what is never cut: the type, the names
	for i := range values {
		fixed += 2
		if names != nil {
			fixed += len([]rune(names[i])) + 1
		}
	}
	for most := longest; most >= least; most-- {
		total := fixed
		for _, v := range values {
			total += min(len(v), most)
		}
		if width <= 0 || total <= width {
			return most, true
		}
	}
	return least, false
}

// errFound stops a scan of members at the one looked for.
var errFound = errors.New("found")

// lookup is the raw value at a dotted path: in the payload, or else an
// extra field of the line.
func (p Payload) lookup(path string) (json.RawMessage, bool) {
	steps := strings.Split(path, ".")
	value := []byte(p.Value)
	if raw, ok := p.Field(steps[0]); ok && !hasMember(value, steps[0]) {
		value, steps = raw, steps[1:]
	}
	for _, step := range steps {
		var next []byte
		jsonscan.MembersRaw(value, 0, func(key, v []byte) error {
			if string(key) == step {
				next = v
				return errFound
			}
			return nil
		})
		if next == nil {
			return nil, false
		}
		value = next
	}
	return value, len(value) > 0
}

func hasMember(value []byte, name string) bool {
	found := false
	jsonscan.MembersRaw(value, 0, func(key, _ []byte) error {
		if string(key) == name {
			found = true
			return errFound
		}
		return nil
	})
	return found
}

// isID reports a member that names an identifier, which says which event
// it is rather than what it did.
func isID(name string) bool {
	low := strings.ToLower(name)
	return low == "id" || strings.HasSuffix(low, "_id") || strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID")
}
