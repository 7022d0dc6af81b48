package jsonv

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/replaytui/replaytui/internal/jsonscan"
)

// patchNames are the member names random patches use: few, so that
// patches meet again what earlier ones set; some with a common prefix,
// one not ASCII, two whose text has a backslash, one of them the other's
// text, and members of the starting state's inner tree nodes.
var patchNames = []string{"a", "b", "k1", "k2", "nested", "é", "field-1", "field-10", "m05", "m33", `a\b`, `a\\b`}

// appendPatchName writes a member name, now and then with its first
// character escaped (\u0061 for a), which must find the same member.
func appendPatchName(b []byte, rng *rand.Rand) []byte {
	name := patchNames[rng.IntN(len(patchNames))]
	if rng.IntN(4) == 0 {
		r, size := utf8.DecodeRuneInString(name)
		return fmt.Appendf(b, `"\u%04x%s"`, r, name[size:])
	}
	return strconv.AppendQuote(b, name)
}

func appendPatchObject(b []byte, rng *rand.Rand, depth int) []byte {
	b = append(b, '{')
	for j := range rng.IntN(5) {
		if j > 0 {
			b = append(b, ", "[:1+rng.IntN(2)]...)
		}
		b = appendPatchName(b, rng)
		b = append(b, ':')
		b = appendPatchValue(b, rng, depth)
	}
	return append(b, '}')
}

func appendPatchValue(b []byte, rng *rand.Rand, depth int) []byte {
	pick := func(texts ...string) []byte { return append(b, texts[rng.IntN(len(texts))]...) }
	switch rng.IntN(10) {
	case 0, 1:
		return append(b, "null"...)
	case 2, 3:
		if depth < 3 {
			return appendPatchObject(b, rng, depth+1)
		}
		return append(b, "{}"...)
	case 4:
		return pick("0", "-0", "1.5", "12345678901234567890123", "1e400", "-1e-400", "0.1000000000000000000001", "1E2")
	case 5:
		return pick(`"x"`, `"tab\there"`, `""`, `"\u00e9"`)
	case 6:
		return pick(`[1,{"a":null,"b":{"c":2}},[]]`, `[]`, `[null,"s",{}]`)
	case 7:
		return pick("true", "false")
	}
	return strconv.AppendInt(b, int64(rng.IntN(1000)), 10)
}

// randomPatch is a merge patch: mostly an object, now and then a value
// that replaces the whole state.
func randomPatch(rng *rand.Rand) []byte {
	switch rng.IntN(60) {
	case 0:
		return []byte(`[1,{"a":null}]`)
	case 1:
		return []byte(` "a string" `)
	case 2:
		return []byte(`null`)
	}
	return appendPatchObject([]byte(" "[:rng.IntN(2)]), rng, 0)
}

func TestMergerMatchesMergePatchOnRandomPatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 14))
	plain, err := jsonscan.Decode([]byte(`{"a":{"b":1,"k1":[1]},"nested":{"nested":{"x":true}},"k2":5,"é":"e","field-1":{"big":1e400}}`))
	if err != nil {
		t.Fatal(err)
	}
	start := plain.(map[string]any)
	for i := range 40 { // enough members for inner nodes
		start[fmt.Sprintf("m%02d", i)] = map[string]any{"a": float64(i)}
	}
	initial := FromPlain(start)
	initialText := string(Marshal(initial))
	// A patch may name a member twice ("a" and "\u0061"): merged from its
	// text, both count, in order; decoded, the last wins. So each way of
	// merging has its own reference.
	fromText, fromDecoded := NewMerger(initial), NewMerger(initial)
	wantText, wantDecoded := initial, initial
	type taken struct {
		step  int
		state any
		text  string
	}
	var states []taken
	for step := range 5000 {
		patch := randomPatch(rng)
		decoded, err := jsonscan.Decode(patch)
		if err != nil {
			t.Fatalf("step %d: %s: %v", step, patch, err)
		}
		wantDecoded = MergePatch(wantDecoded, decoded)
		if wantText, err = MergePatchJSON(wantText, patch); err != nil {
			t.Fatalf("step %d: %s: %v", step, patch, err)
		}
		if err := fromText.Merge(patch); err != nil {
			t.Fatalf("step %d: Merge(%s): %v", step, patch, err)
		}
		if err := fromDecoded.MergePayload(Payload{Value: patch}.Predecode()); err != nil {
			t.Fatalf("step %d: MergePayload(%s), decoded: %v", step, patch, err)
		}
		if rng.IntN(7) > 0 && step < 4999 {
			continue
		}
		for _, c := range []struct {
			how  string
			m    *Merger
			want any
		}{{"from its text", fromText, wantText}, {"decoded", fromDecoded, wantDecoded}} {
			s := c.m.State()
			got, want := string(Marshal(s)), string(Marshal(c.want))
			if got != want {
				t.Fatalf("step %d, after %s (%s): the Merger has\n%s\nMergePatch has\n%s", step, patch, c.how, got, want)
			}
			states = append(states, taken{step, s, got})
		}
	}
	for _, s := range states {
		if got := string(Marshal(s.state)); got != s.text {
			t.Fatalf("the state State returned at step %d changed later:\n%s\nwas\n%s", s.step, got, s.text)
		}
	}
	if string(Marshal(initial)) != initialText {
		t.Fatal("the Merger changed the state it started from")
	}
}

func TestAMergeThatFailsLeavesTheStateAsItWas(t *testing.T) {
	start := FromPlain(decode(t, `{"a":{"b":1},"c":2}`))
	good := []byte(`{"a":{"d":3},"e":4}`)
	bad := []string{
		`{"a":{"b":null,"x":1},"new":{"y":2},"c":[1,]}`,
		`{"new":1,"a":{"new":2}} x`,
		`{"c":{"z":1},"a":nul}`,
		`{"e":{"f":{"g":1}},"a":{"b":{"c":tru}}}`,
		`{"e":5,"c":7,"a":{"d":8},"zz":}`,
	}
	for _, pending := range []bool{true, false} {
		m := NewMerger(start)
		if err := m.Merge(good); err != nil {
			t.Fatal(err)
		}
		if !pending {
			m.State()
		}
		for _, patch := range bad {
			if err := m.Merge([]byte(patch)); err == nil {
				t.Errorf("Merge(%s) succeeded", patch)
			}
		}
		if got, want := string(Marshal(m.State())), `{"a":{"b":1,"d":3},"c":2,"e":4}`; got != want {
			t.Errorf("after failed merges (a draft pending: %v) the state is %s, want %s", pending, got, want)
		}
	}
	m := NewMerger(5.0)
	if err := m.Merge([]byte(`{"a":1,"b":[}`)); err == nil {
		t.Error("a bad patch merged")
	}
	if got := m.State(); got != 5.0 {
		t.Errorf("after a failed merge into 5 the state is %v", got)
	}
}
