package reduce

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

func event(payload string) replay.Event[jsonv.Payload] {
	return replay.Event[jsonv.Payload]{Stream: "s", Seq: 1, Payload: jsonv.Payload{Value: json.RawMessage(payload)}}
}

func value(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", text, err)
	}
	return jsonv.FromPlain(v)
}

// RFC 6902, Appendix A (A.1 to A.16; A.11's extra member is accepted, as
// the RFC says it must be ignored).
var patchVectors = []struct{ doc, patch, result, err string }{
	{`{"foo":"bar"}`, `[{"op":"add","path":"/baz","value":"qux"}]`, `{"baz":"qux","foo":"bar"}`, ""},
	{`{"foo":["bar","baz"]}`, `[{"op":"add","path":"/foo/1","value":"qux"}]`, `{"foo":["bar","qux","baz"]}`, ""},
	{`{"baz":"qux","foo":"bar"}`, `[{"op":"remove","path":"/baz"}]`, `{"foo":"bar"}`, ""},
	{`{"foo":["bar","qux","baz"]}`, `[{"op":"remove","path":"/foo/1"}]`, `{"foo":["bar","baz"]}`, ""},
	{`{"baz":"qux","foo":"bar"}`, `[{"op":"replace","path":"/baz","value":"boo"}]`, `{"baz":"boo","foo":"bar"}`, ""},
	{`{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`, `[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`, `{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}`, ""},
	{`{"foo":["all","grass","cows","eat"]}`, `[{"op":"move","from":"/foo/1","path":"/foo/3"}]`, `{"foo":["all","cows","eat","grass"]}`, ""},
	{`{"baz":"qux","foo":["a",2,"c"]}`, `[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]`, `{"baz":"qux","foo":["a",2,"c"]}`, ""},
	{`{"baz":"qux"}`, `[{"op":"test","path":"/baz","value":"bar"}]`, "", "test failed"},
	{`{"foo":"bar"}`, `[{"op":"add","path":"/child","value":{"grandchild":{}}}]`, `{"child":{"grandchild":{}},"foo":"bar"}`, ""},
	{`{"foo":"bar"}`, `[{"op":"add","path":"/baz","value":"qux","xyz":123}]`, `{"baz":"qux","foo":"bar"}`, ""},
	{`{"foo":"bar"}`, `[{"op":"add","path":"/baz/bat","value":"qux"}]`, "", `member "baz" does not exist`},
	{`{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":10}]`, `{"/":9,"~1":10}`, ""},
	{`{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":"10"}]`, "", "test failed"},
	{`{"foo":["bar"]}`, `[{"op":"add","path":"/foo/-","value":["abc","def"]}]`, `{"foo":["bar",["abc","def"]]}`, ""},
	// Beyond the appendix: errors that name what was wrong.
	{`{"a":[1]}`, `[{"op":"replace","path":"/a/5","value":0}]`, "", "out of range"},
	{`{"a":[1]}`, `[{"op":"add","path":"/a/01","value":0}]`, "", "not an array index"},
	{`{"a":1}`, `[{"op":"frobnicate","path":"/a"}]`, "", `unknown "op"`},
	{`{"a":1}`, `[{"op":"add","path":"/b"}]`, "", `needs a "value"`},
	{`{"a":{"b":1}}`, `[{"op":"move","from":"/a","path":"/a/b/c"}]`, "", "own child"},
	{`{"a":1}`, `{"op":"copy","from":"/a","path":"/b"}`, `{"a":1,"b":1}`, ""},
	{`{"a":1}`, `[{"op":"add","path":"","value":[1]}]`, `[1]`, ""},
}

func TestPatchRFC6902(t *testing.T) {
	for _, v := range patchVectors {
		doc := value(t, v.doc)
		before := string(jsonv.Marshal(doc))
		got, err := try(Patch, doc, event(v.patch))
		if v.err != "" {
			if err == nil || !strings.Contains(err.Error(), v.err) {
				t.Errorf("patch %s on %s: err = %v, want one saying %q", v.patch, v.doc, err, v.err)
			}
			if string(jsonv.Marshal(got)) != before {
				t.Errorf("a failed patch %s returned a changed state %s", v.patch, jsonv.Marshal(got))
			}
			continue
		}
		if err != nil || string(jsonv.Marshal(got)) != v.result {
			t.Errorf("patch %s on %s = %s, %v; want %s", v.patch, v.doc, jsonv.Marshal(got), err, v.result)
		}
		if string(jsonv.Marshal(doc)) != before {
			t.Errorf("patch %s modified the state it was given", v.patch)
		}
	}
}

func TestMergeAndSet(t *testing.T) {
	s, err := try(Merge, nil, event(`{"a":{"b":1},"c":[1]}`))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := try(Merge, s, event(`{"a":{"b":null,"d":2}}`))
	if err != nil || string(jsonv.Marshal(s2)) != `{"a":{"d":2},"c":[1]}` {
		t.Fatalf("merge = %s, %v", jsonv.Marshal(s2), err)
	}
	if string(jsonv.Marshal(s)) != `{"a":{"b":1},"c":[1]}` {
		t.Fatalf("merge modified its input: %s", jsonv.Marshal(s))
	}
	s3, err := try(Set, s2, event(`[1,{"x":null}]`))
	if err != nil || string(jsonv.Marshal(s3)) != `[1,{"x":null}]` {
		t.Fatalf("set = %s, %v", jsonv.Marshal(s3), err)
	}
	if _, err := try(Merge, nil, event(`{"a":`)); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("merge of a bad payload: %v", err)
	}
}

func TestJQ(t *testing.T) {
	apply, err := Parse(`jq:.balance += $event.payload.amount | .last = $event.type | .seqs += [$event.seq]`)
	if err != nil {
		t.Fatal(err)
	}
	ev := event(`{"amount":50}`)
	ev.Seq, ev.Time = 7, time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC)
	ev.Payload.Fields = []jsonv.Field{{Name: "type", Value: json.RawMessage(`"deposit"`)}}
	start := value(t, `{"balance":10,"seqs":[]}`)
	got, err := try(apply, start, ev)
	if err != nil || string(jsonv.Marshal(got)) != `{"balance":60,"last":"deposit","seqs":[7]}` {
		t.Fatalf("jq reducer = %s, %v", jsonv.Marshal(got), err)
	}
	if string(jsonv.Marshal(start)) != `{"balance":10,"seqs":[]}` {
		t.Fatal("the jq reducer modified its input")
	}
	timeOf, _ := JQ(`$event.time`)
	if got := timeOf(nil, ev); got != "2026-05-30T12:00:00Z" {
		t.Fatalf("$event.time = %v", got)
	}
}

func TestJQErrors(t *testing.T) {
	if _, err := JQ(`.a +`); err == nil || !strings.Contains(err.Error(), "column") {
		t.Errorf("a bad program: %v; want a message with the column", err)
	}
	for prog, want := range map[string]string{
		`.a, .b`:        "more than one value",
		`empty`:         "no value",
		`error("boom")`: "boom",
		`.a.b`:          "expected an object",
	} {
		apply, err := JQ(prog)
		if err != nil {
			t.Fatalf("%s: %v", prog, err)
		}
		if _, err := try(apply, value(t, `{"a":1}`), event(`{}`)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("jq:%s: err = %v, want one saying %q", prog, err, want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, spec := range []string{"merge", "patch", "set", "jq:."} {
		if _, err := Parse(spec); err != nil {
			t.Errorf("Parse(%q): %v", spec, err)
		}
	}
	if _, err := Parse("sum"); err == nil || !strings.Contains(err.Error(), Names) {
		t.Errorf("Parse(sum): %v", err)
	}
}

// A bookmark saved under jq:@FILE must not be trusted once the program in
// FILE has changed: its identity is the program, not the file's name.
func TestParseIdentified(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "p.jq")
	os.WriteFile(prog, []byte(".n += 1"), 0o644)
	_, before, err := ParseIdentified("jq:@" + prog)
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(dir, "moved.jq")
	os.Rename(prog, moved)
	if _, id, _ := ParseIdentified("jq:@" + moved); id != before {
		t.Errorf("the same program in another file: %q, was %q", id, before)
	}
	os.WriteFile(moved, []byte(".n += 2"), 0o644)
	if _, id, _ := ParseIdentified("jq:@" + moved); id == before || !strings.HasPrefix(id, "jq file sha256:") {
		t.Errorf("an edited program: %q, was %q", id, before)
	}
	for _, spec := range []string{"merge", "patch", "set", "jq:. * $event.payload"} {
		if _, id, err := ParseIdentified(spec); err != nil || id != spec {
			t.Errorf("ParseIdentified(%q) = %q, %v", spec, id, err)
		}
	}
}

func TestReducersArePure(t *testing.T) {
	// Every reducer must pass the library's purity check on a log that
	// exercises it.
	for spec, payloads := range map[string][]string{
		"merge":                              {`{"a":{"b":1}}`, `{"a":{"c":2}}`, `{"a":null}`},
		"patch":                              {`[{"op":"add","path":"/a","value":{"b":[1]}}]`, `[{"op":"add","path":"/a/b/-","value":2}]`, `[{"op":"move","from":"/a","path":"/z"}]`},
		"set":                                {`{"a":1}`, `[2]`},
		"jq:.n += 1 | .seen += [$event.seq]": {`{}`, `{}`},
	} {
		log := replay.NewMemoryLog[jsonv.Payload]()
		for _, p := range payloads {
			if _, err := log.Append(t.Context(), replay.Event[jsonv.Payload]{Stream: "s", Payload: jsonv.Payload{Value: json.RawMessage(p)}}); err != nil {
				t.Fatal(err)
			}
		}
		apply, err := Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := replay.CheckPurity(t.Context(), log, "s", apply, any((*jsonv.Object)(nil))); err != nil {
			var pe *replay.PurityError
			if errors.As(err, &pe) {
				t.Errorf("%s is not pure: %v", spec, err)
			} else {
				t.Errorf("%s: %v", spec, err)
			}
		}
	}
}

func TestAccumulateMergeMatchesApply(t *testing.T) {
	acc := Accumulate("merge", value(t, `{"start":true}`))
	var state any = value(t, `{"start":true}`)
	for i, p := range []string{`{"a":{"b":1}}`, `{"a":{"c":2},"start":null}`, `{"d":[1]}`, `{"a":{"b":null}}`} {
		ev := event(p)
		ev.Seq = replay.Seq(i + 1)
		if err := acc.Add(ev); err != nil {
			t.Fatal(err)
		}
		state = Merge(state, ev)
	}
	if got, want := string(jsonv.Marshal(acc.State())), string(jsonv.Marshal(state)); got != want || want != `{"a":{"c":2},"d":[1]}` {
		t.Fatalf("Accumulate = %s, Apply = %s", got, want)
	}
	if Accumulate("patch", nil) != nil || Accumulate("jq:(", nil) != nil || Accumulate("nope", nil) != nil {
		t.Fatal("patch, a bad jq program and an unknown reducer have an accumulator")
	}
	if err := Accumulate("merge", nil).Add(event(`{"a":`)); err == nil {
		t.Fatal("a bad payload was accepted")
	}
}

func TestAccumulateSetMatchesApply(t *testing.T) {
	initial := value(t, `{"start":true}`)
	acc := Accumulate("set", initial)
	if got := string(jsonv.Marshal(acc.State())); got != `{"start":true}` {
		t.Fatalf("with no event the state is %s, want the initial one", got)
	}
	var state any = initial
	for i, p := range []string{`{"a":{"b":1}}`, ` [1, {"c":"x"}] `, `{"n":12345678901234567890123}`} {
		ev := event(p)
		ev.Seq = replay.Seq(i + 1)
		if err := acc.Add(ev); err != nil {
			t.Fatal(err)
		}
		state = Set(state, ev)
		if got, want := string(jsonv.Marshal(acc.State())), string(jsonv.Marshal(state)); got != want {
			t.Fatalf("after seq %d: Accumulate = %s, Apply = %s", i+1, got, want)
		}
	}
	for _, bad := range []string{`{"a":`, `{"a":1} x`, `nope`} {
		if err := acc.Add(event(bad)); err == nil || !strings.Contains(err.Error(), "set: the payload is not JSON") {
			t.Errorf("set accepted %q: %v", bad, err)
		}
	}
	if got := string(jsonv.Marshal(acc.State())); got != `{"n":12345678901234567890123}` {
		t.Errorf("a bad payload changed the state to %s", got)
	}
}

// try calls a reducer and turns the error it panics with back into an
// error, as the folds in replay do.
func try(f Func, state any, ev replay.Event[jsonv.Payload]) (next any, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			next, err = state, e
		}
	}()
	return f(state, ev), nil
}

func TestPatchErrorsShowValuesAsJSON(t *testing.T) {
	for _, tc := range []struct{ patch, want string }{
		{`[{"op":5,"path":"/a"}]`, `patch: operation 0 (5 /a): "op" is 5, not a string; want add, remove, replace, move, copy or test`},
		{`[{"op":null,"path":"/a"}]`, `patch: operation 0 (null /a): "op" is null, not a string`},
		{`[{"path":"/a"}]`, `patch: operation 0 (/a): "op" is missing; want add, remove, replace, move, copy or test`},
		{`[{"op":"add","path":7}]`, `patch: operation 0 (add): "path" must be a string`},
		{`[{"op":"move","from":["x"],"path":"/b"}]`, `patch: operation 0 (move /b): "from" must be a string`},
		{`[{"op":"frob","path":"/a"}]`, `patch: operation 0 (frob /a): unknown "op" "frob"; want add, remove`},
	} {
		_, err := try(Patch, value(t, `{"a":1}`), event(tc.patch))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "%!") || strings.Contains(err.Error(), "<nil>") {
			t.Errorf("%s: %v\nwant %s", tc.patch, err, tc.want)
		}
	}
}

func TestGuardStopsARunawayJQProgram(t *testing.T) {
	for _, c := range []struct {
		name, program string
		guard         func() *Guard
		want          error
	}{
		{"recursion, time budget", `def f: f; f`, func() *Guard { return NewGuard(context.Background(), 200*time.Millisecond, 0) }, ErrTimeBudget},
		{"a huge array, memory budget", `[range(1e9)]`, func() *Guard { return NewGuard(context.Background(), 0, 64<<20) }, ErrMemoryBudget},
	} {
		t.Run(c.name, func(t *testing.T) {
			apply, err := JQGuarded(c.program, c.guard())
			if err != nil {
				t.Fatal(err)
			}
			_, err = try(apply, value(t, `{}`), event(`{}`))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestGuardInterruptStopsOnlyTheAppliesRunningNow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := NewGuard(ctx, 0, 0)
	endless, err := JQGuarded(`def f: f; f`, g)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := try(endless, value(t, `{}`), event(`{}`)); done <- err }()
	// Interrupt until the running apply has seen it: it may not have
	// started when the first Interrupt comes.
	var got error
	for got == nil {
		g.Interrupt()
		select {
		case got = <-done:
		case <-time.After(10 * time.Millisecond):
		}
	}
	if !errors.Is(got, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", got)
	}
	quick, err := JQGuarded(`.n += 1`, g)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := try(quick, value(t, `{"n":1}`), event(`{}`)); err != nil || string(jsonv.Marshal(s)) != `{"n":2}` {
		t.Fatalf("an apply after the interrupt = %s, %v", jsonv.Marshal(s), err)
	}
	// The guard's own context ending (Ctrl-C) stops them all.
	go func() { _, err := try(endless, value(t, `{}`), event(`{}`)); done <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("after the guard's context ended: %v", err)
	}
}

func TestAccumulateJQMatchesApply(t *testing.T) {
	for _, program := range []string{
		`.count += 1 | .last = $event.payload`,
		`. + $event.payload | .sum += ($event.payload.n // 0) / 3`,
		`if $event.seq == 2 then {} else .[$event.stream] = $event.seq end`,
		`.big = 12345678901234567890123 | .keep = .keep`,
	} {
		initial := value(t, `{"keep":1.50,"sum":0}`)
		apply, err := JQ(program)
		if err != nil {
			t.Fatal(err)
		}
		acc := Accumulate("jq:"+program, initial)
		state := initial
		for i, p := range []string{`{"n":1}`, `{"n":2.5,"s":"x"}`, `{"a":[1,{"b":null}]}`} {
			ev := event(p)
			ev.Seq = replay.Seq(i + 1)
			if err := acc.Add(ev); err != nil {
				t.Fatal(err)
			}
			state = apply(state, ev)
			if got, want := string(jsonv.Marshal(acc.State())), string(jsonv.Marshal(state)); got != want {
				t.Fatalf("%s after seq %d: Accumulate = %s, Apply = %s", program, i+1, got, want)
			}
		}
	}
	acc := Accumulate("jq:.a.b", nil)
	if err := acc.Add(event(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := Accumulate("jq:1, 2", nil).Add(event(`{}`)); err == nil || !strings.Contains(err.Error(), "more than one value") {
		t.Errorf("two values: %v", err)
	}
}

// TestGuardEndsOnlyTheApplyOverItsBudget runs quick applies beside one
// that never ends, under one guard: the budget ends that one alone, and
// the slot it ran in serves the next apply as usual.
func TestGuardEndsOnlyTheApplyOverItsBudget(t *testing.T) {
	g := NewGuard(context.Background(), 100*time.Millisecond, 1<<30)
	endless, err := JQGuarded(`def f: f; f`, g)
	if err != nil {
		t.Fatal(err)
	}
	quick, err := JQGuarded(`def inc: . + 1; .n |= inc`, g) // def: the gojq path, guarded
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := try(endless, value(t, `{}`), event(`{}`)); done <- err }()
	for i := 0; ; i++ {
		select {
		case err := <-done:
			if !errors.Is(err, ErrTimeBudget) {
				t.Fatalf("the endless apply: %v, want ErrTimeBudget", err)
			}
			for range 3 {
				if _, err := try(quick, value(t, `{"n":1}`), event(`{}`)); err != nil {
					t.Fatalf("an apply after the budget ended another: %v", err)
				}
			}
			return
		default:
		}
		if _, err := try(quick, value(t, `{"n":1}`), event(`{}`)); err != nil {
			t.Fatalf("quick apply %d beside the endless one: %v", i, err)
		}
	}
}

// TestGuardBoundsNativePrograms checks that the guard reaches programs
// the native evaluator runs, through both the apply and the accumulator:
// a string repeated past the memory budget fails before it is built, one
// that takes longer than the time budget or meets Interrupt stops while
// it is built, and an apply whose guard ended fails once it is done.
func TestGuardBoundsNativePrograms(t *testing.T) {
	const huge = `.s = ("x" * 2000000000)` // 2 GB: never built whole here
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name, program string
		guard         func() *Guard
		want          error
	}{
		{"memory budget", `.s = ("x" * 300000000)`, func() *Guard { return NewGuard(context.Background(), 0, 20<<20) }, ErrMemoryBudget},
		{"time budget", huge, func() *Guard { return NewGuard(context.Background(), time.Millisecond, 0) }, ErrTimeBudget},
		{"the guard's context ended", `.n += 1`, func() *Guard { return NewGuard(ended, 0, 0) }, ErrInterrupted},
	} {
		if _, native, err := compileJQ(c.program); err != nil || native == nil {
			t.Fatalf("%s is not native: %v", c.program, err)
		}
		t.Run(c.name+", apply", func(t *testing.T) {
			apply, err := JQGuarded(c.program, c.guard())
			if err != nil {
				t.Fatal(err)
			}
			if _, err = try(apply, value(t, `{}`), event(`{}`)); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
		t.Run(c.name+", accumulator", func(t *testing.T) {
			if err := AccumulateGuarded("jq:"+c.program, nil, c.guard()).Add(event(`{}`)); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
	t.Run("Interrupt", func(t *testing.T) {
		g := NewGuard(context.Background(), 0, 0)
		acc := AccumulateGuarded("jq:"+huge, nil, g)
		done := make(chan error, 1)
		go func() { done <- acc.Add(event(`{}`)) }()
		var got error
		for got == nil {
			g.Interrupt()
			select {
			case got = <-done:
			case <-time.After(time.Millisecond):
			}
		}
		if !errors.Is(got, ErrInterrupted) {
			t.Fatalf("err = %v, want ErrInterrupted", got)
		}
	})
}

// TestGuardedNativeRepeatMatchesGojq checks that a string repeated in
// pieces under the guard is the one gojq repeats at once.
func TestGuardedNativeRepeatMatchesGojq(t *testing.T) {
	for _, program := range []string{`.s = ("ab" * 600000.7)`, `.s = (700000 * "xyz")`} {
		g := NewGuard(context.Background(), 10*time.Second, 1<<30)
		native := AccumulateGuarded("jq:"+program, nil, g).(*jqAccumulator)
		slow := AccumulateGuarded("jq:"+program, nil, g).(*jqAccumulator)
		if native.native == nil {
			t.Fatalf("%s is not native", program)
		}
		slow.native = nil
		if err := errors.Join(native.Add(event(`{}`)), slow.Add(event(`{}`))); err != nil {
			t.Fatal(err)
		}
		if !jsonv.Equal(native.State(), slow.State()) {
			t.Errorf("%s: the native result differs from gojq's", program)
		}
	}
}

// A payload its reader vouches for (jsonv.Payload.Checked) is not checked
// again by set and jq, which is what makes them cheaper on a JSON Lines
// log; one nobody vouches for still is.
func TestSetAndJQCheckOnlyWhatNobodyChecked(t *testing.T) {
	bad := replay.Event[jsonv.Payload]{Stream: "s", Seq: 1, Payload: jsonv.Payload{Value: []byte(`{"a":`)}}
	for _, spec := range []string{"set", "jq:.n = 1"} {
		if err := Accumulate(spec, nil).Add(bad); err == nil {
			t.Errorf("%s: a payload that is not JSON, unchecked, was taken", spec)
		}
		vouched := bad
		vouched.Payload = bad.Payload.Checked()
		if err := Accumulate(spec, nil).Add(vouched); err != nil {
			t.Errorf("%s: a payload its reader vouched for was checked again: %v", spec, err)
		}
	}
}
