package jsonv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func decode(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", text, err)
	}
	return v
}

func TestObjectAgainstAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	model := map[string]any{}
	var obj *Object
	versions := []*Object{}
	snapshots := []map[string]any{}
	for step := range 20_000 {
		k := fmt.Sprintf("k%04d", rng.IntN(3000))
		if rng.IntN(4) == 0 {
			delete(model, k)
			obj = obj.Delete(k)
		} else {
			model[k] = float64(step)
			obj = obj.Set(k, float64(step))
		}
		if step%2000 == 0 {
			versions, snapshots = append(versions, obj), append(snapshots, maps.Clone(model))
		}
	}
	check := func(o *Object, m map[string]any) {
		t.Helper()
		if o.Len() != len(m) {
			t.Fatalf("Len() = %d, want %d", o.Len(), len(m))
		}
		if !slices.Equal(o.Keys(), slices.Sorted(maps.Keys(m))) {
			t.Fatal("keys out of order or wrong")
		}
		for k, v := range m {
			if got, ok := o.Get(k); !ok || got != v {
				t.Fatalf("Get(%q) = %v, %v; want %v", k, got, ok, v)
			}
		}
		if _, ok := o.Get("absent"); ok {
			t.Fatal("Get of an absent key succeeded")
		}
	}
	check(obj, model)
	// Old versions are untouched by later updates: structural sharing
	// never writes into a shared node.
	for i, v := range versions {
		check(v, snapshots[i])
	}
	for k := range model {
		obj = obj.Delete(k)
	}
	if obj != nil {
		t.Fatalf("deleting every key left %d members", obj.Len())
	}
}

func TestObjectOf(t *testing.T) {
	keys := []string{"b", "a", "c", "a"}
	o := ObjectOf(keys, []any{1.0, 2.0, 3.0, 4.0})
	if got := string(Marshal(o)); got != `{"a":4,"b":1,"c":3}` {
		t.Fatalf("ObjectOf = %s", got)
	}
	var big []string
	var vals []any
	for i := range 5000 {
		big, vals = append(big, fmt.Sprint(i)), append(vals, float64(i))
	}
	o = ObjectOf(big, vals)
	if o.Len() != 5000 {
		t.Fatalf("Len = %d", o.Len())
	}
	if v, _ := o.Get("4321"); v != 4321.0 {
		t.Fatalf("Get(4321) = %v", v)
	}
	if ObjectOf(nil, nil) != nil {
		t.Fatal("ObjectOf of nothing is not the empty object")
	}
}

// RFC 7386, Appendix A.
var mergeVectors = []struct{ original, patch, result string }{
	{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
	{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
	{`{"a":"b"}`, `{"a":null}`, `{}`},
	{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
	{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
	{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
	{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
	{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
	{`["a","b"]`, `["c","d"]`, `["c","d"]`},
	{`{"a":"b"}`, `["c"]`, `["c"]`},
	{`{"a":"foo"}`, `null`, `null`},
	{`{"a":"foo"}`, `"bar"`, `"bar"`},
	{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
	{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
	{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
}

func TestMergePatchRFC7386(t *testing.T) {
	for _, v := range mergeVectors {
		original := FromPlain(decode(t, v.original))
		before := string(Marshal(original))
		got := MergePatch(original, decode(t, v.patch))
		if string(Marshal(got)) != v.result {
			t.Errorf("merge %s into %s = %s, want %s", v.patch, v.original, Marshal(got), v.result)
		}
		if string(Marshal(original)) != before {
			t.Errorf("merge %s changed its target %s", v.patch, v.original)
		}
		// A plain target merges the same way.
		if got := MergePatch(decode(t, v.original), decode(t, v.patch)); string(Marshal(got)) != v.result {
			t.Errorf("merge %s into plain %s = %s, want %s", v.patch, v.original, Marshal(got), v.result)
		}
	}
}

func TestMarshalMatchesEncodingJSON(t *testing.T) {
	for _, text := range []string{
		`{"z":1,"a":[1.5,-0.000001,1e-7,1e21,123456789,1e20,true,null],"m":{"é":"<&>","ctl":"\u0001\n\t\"\\"}}`,
		`[]`, `{}`, `"x"`, `0.1`, `-2.5e-300`,
	} {
		plain := decode(t, text)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(plain); err != nil {
			t.Fatal(err)
		}
		for _, v := range []any{plain, FromPlain(plain)} {
			if got := string(Marshal(v)); got != strings.TrimSpace(want.String()) {
				t.Errorf("Marshal(%s) = %s, encoding/json says %s", text, got, want.String())
			}
		}
		var indented bytes.Buffer
		json.Indent(&indented, want.Bytes(), "", "  ")
		if got := string(Append(nil, FromPlain(plain), "  ")); got != strings.TrimSpace(indented.String()) {
			t.Errorf("indented = %s, want %s", got, indented.String())
		}
	}
}

func TestAppendStringEscapesWhatATerminalWouldObey(t *testing.T) {
	got := string(AppendString(nil, "a\x1b[2J\x07\x7f\u009b\u2028b\xffc\u202e\u2066\u200fעד"))
	want := `"a\u001b[2J\u0007\u007f\u009b\u2028b\ufffdc\u202e\u2066\u200fעד"`
	if got != want {
		t.Fatalf("AppendString = %s, want %s", got, want)
	}
}

func TestDiff(t *testing.T) {
	a := FromPlain(decode(t, `{"acct":{"alice":10,"bob":5},"list":[1,2,3],"gone":true,"kind":"x"}`))
	b := MergePatch(a, decode(t, `{"acct":{"alice":60,"carol":1},"gone":null,"kind":{"now":"object"}}`))
	b = (b.(*Object)).Set("list", []any{1.0, 7.0})
	var got []string
	for _, c := range Diff(a, b) {
		got = append(got, fmt.Sprintf("%s %s %s→%s", c.Kind, c.Path, Marshal(c.Old), Marshal(c.New)))
	}
	want := []string{
		"changed .acct.alice 10→60",
		"added .acct.carol null→1",
		"removed .gone true→null",
		`changed .kind "x"→{"now":"object"}`,
		"changed .list[1] 2→7",
		"removed .list[2] 3→null",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Diff =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := Diff(a, a); len(d) != 0 {
		t.Fatalf("Diff of a value with itself = %v", d)
	}
}

func TestDiffOfALargeObjectSkipsSharedNodes(t *testing.T) {
	var keys []string
	var vals []any
	for i := range 10_000 {
		keys, vals = append(keys, fmt.Sprintf("key%05d", i)), append(vals, float64(i))
	}
	a := ObjectOf(keys, vals)
	b := a.Set("key05000", "changed")
	d := Diff(a, b)
	if len(d) != 1 || d[0].Path.String() != ".key05000" {
		t.Fatalf("Diff = %v", d)
	}
	allocs := testing.AllocsPerRun(10, func() { Diff(a, b) })
	if allocs > 20 {
		t.Fatalf("diffing one change in 10,000 members took %v allocations; shared nodes are being walked", allocs)
	}
}

func TestPathString(t *testing.T) {
	p := Path{"a", "b c", 3, "_x1", "1x", ""}
	if got := p.String(); got != `.a["b c"][3]._x1["1x"][""]` {
		t.Fatalf("Path.String() = %s", got)
	}
	if (Path{}).String() != "." {
		t.Fatal("empty path")
	}
	v := FromPlain(decode(t, `{"a":{"b c":[0,1,2,{"_x1":{"1x":{"":42}}}]}}`))
	if got, ok := At(v, p); !ok || got != 42.0 {
		t.Fatalf("At = %v, %v", got, ok)
	}
	if _, ok := At(v, Path{"a", "nope"}); ok {
		t.Fatal("At of a missing member succeeded")
	}
}

func TestPayloadType(t *testing.T) {
	for _, tc := range []struct {
		p    Payload
		want string
	}{
		{Payload{Value: json.RawMessage(`{"type":"deposit"}`)}, "deposit"},
		{Payload{Value: json.RawMessage(`{"type":"deposit"}`), Fields: []Field{{Name: "type", Value: json.RawMessage(`"credit"`)}}}, "credit"},
		{Payload{Value: json.RawMessage(`[1]`)}, ""},
		{Payload{}, ""},
	} {
		if got := tc.p.Type(); got != tc.want {
			t.Errorf("Type() of %s = %q, want %q", tc.p.Value, got, tc.want)
		}
	}
}

func TestMergePatchNeverChangesItsTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var state any = (*Object)(nil)
	var history []any
	var texts []string
	for step := range 3000 {
		patch := map[string]any{}
		for range 1 + rng.IntN(6) {
			k := fmt.Sprintf("k%02d", rng.IntN(80))
			switch rng.IntN(4) {
			case 0:
				patch[k] = nil
			case 1:
				patch[k] = map[string]any{"a": float64(step), fmt.Sprintf("n%d", rng.IntN(40)): nil, fmt.Sprintf("m%d", rng.IntN(40)): "x"}
			default:
				patch[k] = float64(step)
			}
		}
		state = MergePatch(state, patch)
		history, texts = append(history, state), append(texts, string(Marshal(state)))
	}
	for i, s := range history {
		if got := string(Marshal(s)); got != texts[i] {
			t.Fatalf("version %d changed after later patches:\n%s\nwas\n%s", i, got, texts[i])
		}
		var plain any
		if err := json.Unmarshal([]byte(texts[i]), &plain); err != nil {
			t.Fatal(err)
		}
		if !Equal(s, plain) {
			t.Fatalf("version %d is not equal to its own JSON", i)
		}
	}
}

func TestMergePatchJSONRFC7386(t *testing.T) {
	for _, v := range mergeVectors {
		original := FromPlain(decode(t, v.original))
		got, err := MergePatchJSON(original, []byte(v.patch))
		if err != nil || string(Marshal(got)) != v.result {
			t.Errorf("merge %s into %s = %s, %v; want %s", v.patch, v.original, Marshal(got), err, v.result)
		}
	}
	for _, bad := range []string{`{"a":`, `{"a":1} x`, `{"a":[1,]}`, ``} {
		if _, err := MergePatchJSON(nil, []byte(bad)); err == nil {
			t.Errorf("MergePatchJSON(%q) succeeded", bad)
		}
	}
}

func TestMergerMatchesMergePatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	start := FromPlain(decode(t, `{"keep":{"me":1},"k01":{"a":1}}`))
	startText := string(Marshal(start))
	m := NewMerger(start)
	want := start
	var taken []any
	var takenText []string
	for step := range 2000 {
		patch := fmt.Sprintf(`{"k%02d":{"a":%d,"b":null},"k%02d":%s,"n":%d}`, rng.IntN(40), step, rng.IntN(40), []string{"null", `"x"`, `{"c":[1,2]}`}[rng.IntN(3)], step)
		if err := m.Merge([]byte(patch)); err != nil {
			t.Fatal(err)
		}
		var err error
		if want, err = MergePatchJSON(want, []byte(patch)); err != nil {
			t.Fatal(err)
		}
		if step%100 == 0 {
			s := m.State()
			if !Equal(s, want) {
				t.Fatalf("step %d: Merger has %s, MergePatch %s", step, Marshal(s), Marshal(want))
			}
			taken, takenText = append(taken, s), append(takenText, string(Marshal(s)))
		}
	}
	if string(Marshal(start)) != startText {
		t.Fatal("the Merger changed the state it started from")
	}
	for i, s := range taken {
		if string(Marshal(s)) != takenText[i] {
			t.Fatalf("a state returned by State() changed later: %d", i)
		}
	}
}

func TestPreparedMergesMatchRFC7386(t *testing.T) {
	for _, v := range mergeVectors {
		original := FromPlain(decode(t, v.original))
		before := string(Marshal(original))
		for _, p := range []Payload{{Value: []byte(v.patch)}, Payload{Value: []byte(v.patch)}.Predecode()} {
			got, err := p.MergeInto(original)
			if err != nil || string(Marshal(got)) != v.result {
				t.Errorf("merge %s into %s (prepared %v) = %s, %v; want %s", v.patch, v.original, p.prepared != nil, Marshal(got), err, v.result)
			}
			m := NewMerger(original)
			if err := m.MergePayload(p); err != nil || string(Marshal(m.State())) != v.result {
				t.Errorf("Merger: merge %s into %s = %s, %v; want %s", v.patch, v.original, Marshal(m.State()), err, v.result)
			}
		}
		if string(Marshal(original)) != before {
			t.Errorf("merging %s changed its target", v.patch)
		}
	}
	if _, err := (Payload{Value: []byte(`{"a":[1,]}`)}).Predecode().MergeInto(nil); err == nil {
		t.Error("a bad prepared patch merged")
	}
}

func TestNumbersBeyondFloat64StayExact(t *testing.T) {
	text := `{"big":12345678901234567890123,"huge":[1e400,-1e400],"tiny":1e-400,"long":0.1000000000000000000001,"plain":1.5}`
	v, err := Decode([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"big":12345678901234567890123,"huge":[1e400,-1e400],"long":0.1000000000000000000001,"plain":1.5,"tiny":1e-400}`
	if got := string(Marshal(v)); got != want {
		t.Fatalf("Marshal(Decode(%s)) = %s, want %s", text, got, want)
	}
	if TypeName(json.Number("1e400")) != "number" {
		t.Errorf("TypeName(json.Number) = %s", TypeName(json.Number("1e400")))
	}
	// Equal and Diff compare numbers by value, not by spelling.
	for _, tc := range []struct {
		a, b  any
		equal bool
	}{
		{json.Number("1e400"), json.Number("1E+400"), true},
		{json.Number("1e400"), json.Number("1e401"), false},
		{json.Number("5"), 5.0, true},
		{5.0, json.Number("5.0"), true},
		{json.Number("9007199254740993"), 9007199254740992.0, false},
		{json.Number("1e400"), "1e400", false},
	} {
		if Equal(tc.a, tc.b) != tc.equal {
			t.Errorf("Equal(%#v, %#v) = %v", tc.a, tc.b, !tc.equal)
		}
		if changed := len(Diff(tc.a, tc.b)) > 0; changed == tc.equal {
			t.Errorf("Diff(%#v, %#v) changed = %v", tc.a, tc.b, changed)
		}
	}
}

func TestFromPlainKeepsIntegersExact(t *testing.T) {
	huge, _ := new(big.Int).SetString("12345678901234567890123", 10)
	for _, tc := range []struct {
		in   any
		want string
	}{
		{9007199254740993, "9007199254740993"}, // int beyond 2^53
		{int64(-9007199254740993), "-9007199254740993"},
		{1 << 53, "9007199254740992"},
		{huge, "12345678901234567890123"},
		{math.Inf(1), "1.7976931348623157e+308"}, // as jq writes infinity
		{math.Inf(-1), "-1.7976931348623157e+308"},
		{json.Number("0x10"), "null"}, // not JSON: like NaN
	} {
		if got := string(Marshal(FromPlain(tc.in))); got != tc.want {
			t.Errorf("FromPlain(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestIndentationStopsGrowingAtMaxIndentDepth(t *testing.T) {
	const depth = 5000
	text := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
	v, err := Decode([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	out := Append(nil, v, "  ")
	if len(out) > 2*depth*(2*MaxIndentDepth+8) {
		t.Fatalf("%d levels indent to %d bytes: more than the indentation cap allows", depth, len(out))
	}
	if back, err := Decode(out); err != nil || string(Marshal(back)) != text {
		t.Fatalf("the capped text does not decode to the same value: %v", err)
	}
}

func TestASummarySaysWhatTheEventDid(t *testing.T) {
	for _, c := range []struct {
		p    Payload
		want string
	}{
		{Payload{Value: []byte(`{"fen_after":"rnbqkbnr/pppppp1p/6p1/8/8/5N2/PPPPPPPP/RNBQKB1R b KQkq - 1 2","ply":2,"san":"g6"}`), Fields: []Field{{Name: "type", Value: []byte(`"move"`)}}}, "move  ply=2  san=g6"},
		{Payload{Value: []byte(`{"type":"credit","trans_id":695247,"bank":"","amount":700,"expect":{"balance":1000}}`)}, "credit  amount=700"},
		{Payload{Value: []byte(`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14}`)}, "a=1  b=2  c=3  d=4  e=5  f=6  g=7  h=8  i=9  j=10  k=11"},
		{Payload{Value: []byte(`[1,2]`)}, ""},
	} {
		if got := c.p.Summary(); got != c.want {
			t.Errorf("Summary() = %q, want %q", got, c.want)
		}
	}
}

func TestASummaryOfChosenFields(t *testing.T) {
	move := Payload{
		Value:  []byte(`{"fen_after":"rnbqkbnr/pppppp1p/6p1/8/8/5N2/PPPPPPPP/RNBQKB1R b KQkq - 1 2","ply":2,"san":"g6","tags":{"White":"Navara,D","Elo":2706},"note":"` + strings.Repeat("ab", 50) + `"}`),
		Fields: []Field{{Name: "type", Value: []byte(`"move"`)}, {Name: "gseq", Value: []byte(`17`)}},
	}
	for _, c := range []struct {
		fields []string
		want   string
	}{
		{[]string{"san"}, "move  san=g6"},
		{[]string{"san", "fen_after"}, "move  san=g6  fen_after=rnbqkbnr/pppppp1p/6p1/8/8/5N2/PPPPPPPP/RNBQKB1R b KQkq - 1 2"},
		{[]string{"tags.White", "tags.Elo", "gseq"}, "move  tags.White=Navara,D  tags.Elo=2706  gseq=17"},
		{[]string{"tags"}, `move  tags={"White":"Navara,D","Elo":2706}`},
		{[]string{"missing", "tags.missing", "san.x"}, "move"},
		{[]string{"note"}, "move  note=" + strings.Repeat("ab", 31) + "a…"},
	} {
		if got := move.SummaryOf(c.fields, 0); got != c.want {
			t.Errorf("SummaryOf(%q) = %q, want %q", c.fields, got, c.want)
		}
	}
	// In a narrow row every field shows, the longest values cut first, and
	// without their names when those leave too little room.
	for _, c := range []struct {
		width int
		want  string
	}{
		{40, "move  san=g6  fen_after=rnbqkbnr/pppppp…"},
		{30, "move  san=g6  fen_after=rnbqkbn…"}, // the row cuts the rest
		{24, "move  g6  rnbqkbnr/pppp…"},
		{200, "move  san=g6  fen_after=rnbqkbnr/pppppp1p/6p1/8/8/5N2/PPPPPPPP/RNBQKB1R b KQkq - 1 2"},
	} {
		if got := move.SummaryOf([]string{"san", "fen_after"}, c.width); got != c.want {
			t.Errorf("SummaryOf(san, fen_after) in %d = %q, want %q", c.width, got, c.want)
		}
	}
	if got := move.SummaryOf([]string{"note", "tags.White"}, 40); got != "move  note=abababa…  tags.White=Navara,D" {
		t.Errorf("SummaryOf(note, tags.White) in 40 = %q", got)
	}
	// Whether the names show does not hang on the type: a list's rows
	// have them all, or none.
	long := Payload{Value: []byte(`{"type":"Take in charge ticket","workgroup":"Value 1","product":"Value 12"}`)}
	short := Payload{Value: []byte(`{"type":"Wait","workgroup":"Value 1","product":"Value 12"}`)}
	fields := []string{"workgroup", "product"}
	if a, b := long.SummaryOf(fields, 44), short.SummaryOf(fields, 44); !strings.Contains(a, "workgroup=") || !strings.Contains(b, "workgroup=") {
		t.Errorf("in 44: %q and %q", a, b)
	}
}

func TestAStoredEventComesBackAsItWent(t *testing.T) {
	p := Payload{Value: []byte(`{"amount":5}`), Fields: []Field{{Name: "type", Value: []byte(`"deposit"`)}, {Name: "id", Value: []byte(`7`)}}}
	value, fields, err := EncodeStored(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeStored[Payload](value, fields)
	if err != nil || string(back.Value) != `{"amount":5}` || len(back.Fields) != 2 || back.Fields[0].Name != "id" || back.Type() != "deposit" {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	if _, _, err := EncodeStored(Payload{Value: []byte(`{"a":`)}); err == nil {
		t.Fatal("a payload that is not JSON was stored")
	}
	type deposit struct{ Amount int }
	value, fields, err = EncodeStored(deposit{5})
	typed, err2 := DecodeStored[deposit](value, fields)
	if err != nil || err2 != nil || fields != nil || typed.Amount != 5 {
		t.Fatalf("a Go value: %s %s %+v %v %v", value, fields, typed, err, err2)
	}
}
