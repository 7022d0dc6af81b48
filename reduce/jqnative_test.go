package reduce

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/itchyny/gojq"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Programs of the differential test; native says whether each is inside
// the native evaluator's subset.
var nativePrograms = []struct {
	program string
	native  bool
}{
	{`.`, true},
	{`.count += 1 | .last = $event.payload.n`, true},
	{`.[$event.payload.id] = $event.payload`, true},
	{`.[$event.payload.id|tostring] = $event.payload`, true},
	{`.a`, true},
	{`.a.b`, true},
	{`.a."b"`, true},
	{`.["a"].b`, true},
	{`.[.k]`, true},
	{`.a[.k]`, true},
	{`.a[0]`, true},
	{`.a[-1]`, true},
	{`.a[1.5]`, true},
	{`.a = 1`, true},
	{`.a.b.c = $event.payload`, true},
	{`.a |= . + 1`, true},
	{`.a |= (.x = 1)`, true},
	{`.a |= {x: .}`, true},
	{`.a += 1`, true},
	{`.a -= 1`, true},
	{`.a *= 2`, true},
	{`.a /= 2`, true},
	{`.a %= 3`, true},
	{`.a //= 7`, true},
	{`.a += $event.payload`, true},
	{`.a += $event.payload.n`, true},
	{`.a *= $event.payload`, true},
	{`.a -= $event.payload`, true},
	{`.a = .b`, true},
	{`.a.x = .a`, true},
	{`.b = .a | .b.x = 1`, true},
	{`.a[0] = 1`, true},
	{`.a[-1] = 1`, true},
	{`.a[3] = 1`, true},
	{`.a[1.5] = 1`, true},
	{`.[0] = 1`, true},
	{`. = $event.payload`, true},
	{`. |= . + 1`, true},
	{`$event`, true},
	{`$event.payload`, true},
	{`$event.stream`, true},
	{`$event.seq`, true},
	{`$event.time`, true},
	{`$event.type`, true},
	{`$event.missing`, true},
	{`$event["payload"].n`, true},
	{`$event.payload.n.x`, true},
	{`$event.payload.a.c`, true},
	{`$event.payload["n"]`, true},
	{`$event.payload[.k]`, true},
	{`.n = $event.payload.n | .m = $event.payload."a\u0062"`, true},
	{`.n = $event.seq`, true},
	{`.t = $event.time | .s = $event.stream | .k = $event.type`, true},
	{`.a + .b`, true},
	{`.a - .b`, true},
	{`.a * .b`, true},
	{`.a / .b`, true},
	{`.a % .b`, true},
	{`-.a`, true},
	{`1 + 2 * 3 - 4 / 8`, true},
	{`9007199254740993 + 1`, true},
	{`1e400`, true},
	{`.x = 9007199254740993 * 10`, true},
	{`.x = 100000000000000000000000 + .a`, true},
	{`"a" + "b"`, true},
	{`[1, 2] + [3]`, true},
	{`{a: 1} + {b: 2}`, true},
	{`{a: {b: 1}} * {a: {c: 2}}`, true},
	{`"ab" * 3`, true},
	{`"a,b" / ","`, true},
	{`null + .a`, true},
	{`.a == .b`, true},
	{`.a != .b`, true},
	{`.a < .b`, true},
	{`.a <= .b`, true},
	{`.a > .b`, true},
	{`.a >= .b`, true},
	{`.a and .b`, true},
	{`.a or .b`, true},
	{`.a // .b`, true},
	{`.a // (.b = 1)`, true},
	{`(.a = 5) // .`, true},
	{`.a.x // 0`, true},
	{`if .a then .b else .c end`, true},
	{`if .a then .x = 1 elif .b then .x = 2 else . end`, true},
	{`if .a then .x = 1 end`, true},
	{`{a: .a, b: 1, "c": .b, (.k): 2}`, true},
	{`{a}`, true},
	{`{(.a): 1}`, true},
	{`[.a, .b, 1]`, true},
	{`[]`, true},
	{`{}`, true},
	{`.list += [$event.payload.n]`, true},
	{`del(.a)`, true},
	{`del(.a.b)`, true},
	{`del(.[0])`, true},
	{`del(.a[0])`, true},
	{`del(.)`, true},
	{`length`, true},
	{`.a | length`, true},
	{`.a | not`, true},
	{`.a | type`, true},
	{`.a | tostring`, true},
	{`.a | tonumber`, true},
	{`keys`, true},
	{`.a | keys`, true},
	{`has("a")`, true},
	{`has(0)`, true},
	{`.a | has("x")`, true},
	{`.balance = (.balance // 0) + (if $event.type == "credit" then 1 else -1 end) * $event.payload.amount`, true},
	{`.n = (.items | length) | .items[.n - 1] = 0`, true},
	{`.a.b |= . + 1 | .c = (.a.b * 2)`, true},
	{`(.a) = 1`, true},
	{`.a[.k] = 1`, true},
	{`.[$event.payload.n] = 1`, true},
	{`.x = $event.payload | .x.n = 0`, true},
	{`.x = {n: $event.payload} | .x.n.n = 0`, true},
	{`. + $event.payload`, true},
	{`. * $event.payload | .n += 1`, true},
	{`. as $x | $x`, true},
	{`$event.payload as $p | .[$p.id|tostring] = $p | .[$p.id|tostring].n = 0`, true},
	{`.a as $x | .a.b = 1 | .c = $x`, true},
	{`. as $s | .x = 1 | .y = $s`, true},
	{`1 as $x | 2 as $y | [$x, $y, $x + $y]`, true},
	{`1 as $x | (2 as $x | $x) + $x`, true},
	{`.a as $event | $event`, true},
	{`.a as $event | $event.b`, true},
	{`$event.payload as $p | $p.n as $n | .sum += $n | .last = $p`, true},
	{`.a as $x | .a |= (.b = $x)`, true},
	{`.a as $x | $x.b`, true},
	// Outside the subset: gojq runs them.
	{`.[]`, false},
	{`.a?`, false},
	{`.a[1:2]`, false},
	{`del(.a[null])`, true},
	{`del(.a.b[false])`, true},
	{`del(.[0][false])`, true},
	{`del(.m[$event.payload.id])`, true},
	{`del(.a.b.c[{}])`, true},
	{`.a.x = .a`, true},
	{`.a += .a | .a[0] = 9`, true},
	{`. + {x: .} | .x.a = 7`, true},
	{`. + . | .a = 7`, true},
	{`. + .a | .b = 7`, true},
	{`.b = .a | .a.x = 1`, true},
	{`.a as $x | .a.y = 2 | .z = $x`, true},
	{`.t = ([., .] | [., .]) | .t[0][1].a = 8`, true},
	{`.t = ([., .] | [., .]) | del(.t) | .n += 1`, true},
	{`.a |= (. + .)`, true},
	{`.a = ("ab" * 3)`, true},
	{`.a, .b`, false},
	{`..`, false},
	{`def f: .; f`, false},
	{`reduce .[] as $x (0; . + $x)`, false},
	{`. as [$a] | $a`, false},
	{`. as {a: $x} ?// [$x] | $x`, false},
	{`try .a catch 0`, false},
	{`"\(.a)"`, false},
	{`@base64`, false},
	{`map(. + 1)`, false},
	{`empty`, false},
	{`error("x")`, false},
	{`now`, false},
	{`input`, false},
	{`(.a, .b) = 1`, false},
	{`.a |= empty`, false},
	{`{a: (1, 2)}`, false},
	{`[.[] | . + 1]`, false},
}

// nativeStates are the states of the differential test.
var nativeStates = []string{
	`null`, `{}`, `[]`, `1`, `"s"`, `true`,
	`{"a":1,"b":2,"k":"a"}`,
	`{"a":1.5,"b":0}`,
	`{"a":0,"b":0}`,
	`{"a":"x","b":"y"}`,
	`{"a":[1,2,3],"b":[2],"k":"a"}`,
	`{"a":{"b":1,"x":{"y":2}},"b":{"c":3},"k":"b"}`,
	`{"a":null,"b":false}`,
	`{"a":{"b":{"c":1}}}`,
	`{"a":12345678901234567890123,"b":1}`,
	`{"a":1e400,"b":-1}`,
	`{"a":9007199254740992,"b":9007199254740992}`,
	`{"a":"12","b":3}`,
	`{"a":-3,"b":2}`,
	`{"a":5,"b":-1}`,
	`{"count":3,"last":1,"items":[1,2],"balance":10}`,
	`[1,{"a":2},[3]]`,
	`{"x":{"n":{"n":1}}}`,
	`{"a":{},"m":{}}`,
}

// nativeEvents are the events of the differential test.
var nativeEvents = []replay.Event[jsonv.Payload]{
	{Stream: "s", Seq: 1, Time: time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC), Payload: jsonv.Payload{Value: json.RawMessage(`{"n":1,"id":"x","amount":5}`), Fields: []jsonv.Field{{Name: "type", Value: json.RawMessage(`"credit"`)}}}},
	{Stream: "t", Seq: 2, Payload: jsonv.Payload{Value: json.RawMessage(`{"n":2.5,"id":7,"amount":12345678901234567890}`)}},
	{Stream: "s", Seq: 3, Payload: jsonv.Payload{Value: json.RawMessage(`{"a":{"c":1},"n":{"x":1}}`), Fields: []jsonv.Field{{Name: "type", Value: json.RawMessage(`"debit"`)}}}},
	{Stream: "s", Seq: 4, Payload: jsonv.Payload{Value: json.RawMessage(`[1,2]`)}},
	{Stream: "s", Seq: 5, Payload: jsonv.Payload{Value: json.RawMessage(`"str"`)}},
	{Stream: "s", Seq: 6},
	{Stream: "s", Seq: 7, Payload: jsonv.Payload{Value: json.RawMessage(`{"n":-1,"id":null}`)}},
	{Stream: "s", Seq: 8, Payload: jsonv.Payload{Value: json.RawMessage(`{"n":1e400}`)}},
	{Stream: "s", Seq: 9, Payload: jsonv.Payload{Value: json.RawMessage(`{"n":`)}},
	{Stream: "s", Seq: 11, Payload: jsonv.Payload{Value: json.RawMessage(` {"n":1,"ab":2,"a\u0062":3,"n":4} `)}},
	{Stream: "s", Seq: 12, Payload: jsonv.Payload{Value: json.RawMessage(`{"n":1} x`)}},
	{Stream: "s", Seq: 10, Payload: jsonv.Payload{Value: json.RawMessage(`{}`), Fields: []jsonv.Field{{Name: "type", Value: json.RawMessage(`nope`)}}}},
}

func plainJSON(t testing.TB, text string) any {
	t.Helper()
	v, err := jsonscan.Decode([]byte(text))
	if err != nil {
		t.Fatalf("bad test JSON %s: %v", text, err)
	}
	return v
}

// sameResult reports whether the native path's result equals gojq's: the
// same value (as the state keeps it) or both an error.
func sameResult(want, got any, wantErr, gotErr error) bool {
	if (wantErr != nil) != (gotErr != nil) {
		return false
	}
	if wantErr != nil {
		return true
	}
	return jsonv.Equal(jsonv.FromPlain(want), jsonv.FromPlain(got))
}

func show(v any, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	b, _ := gojq.Marshal(v)
	return string(b)
}

// checkNative runs program over state and ev through gojq and the native
// evaluator, owned and not, and fails t where they differ or where the
// native one changed what it did not own.
func checkNative(t *testing.T, code *gojq.Code, native *nativeJQ, program, stateText string, ev replay.Event[jsonv.Payload]) {
	t.Helper()
	want, wantErr := runJQ(code, nil, plainJSON(t, stateText), ev)
	for i := range 4 {
		owned, predecode := i%2 == 0, i < 2
		state := plainJSON(t, stateText)
		pev := ev
		if predecode {
			pev.Payload = pev.Payload.Predecode()
		}
		payloadBefore, _ := pev.Payload.Decode()
		payloadBefore = deepCopy(payloadBefore)
		var e jqEnv
		if owned {
			e.ownTree(state) // a fresh decoding: every container is the fold's
		}
		got, _, gotErr := native.run(state, owned, &pev, &e)
		if !sameResult(want, got, wantErr, gotErr) {
			t.Errorf("%s over %s, event %d (owned %v, payload decoded ahead %v):\n gojq:   %s\n native: %s", program, stateText, ev.Seq, owned, predecode, show(want, wantErr), show(got, gotErr))
			continue
		}
		if wantErr != nil && testing.Verbose() && wantErr.Error() != gotErr.Error() {
			t.Logf("%s over %s: gojq says %q, native %q", program, stateText, wantErr, gotErr)
		}
		if !owned && gojq.Compare(state, plainJSON(t, stateText)) != 0 {
			t.Errorf("%s over %s (not owned) changed its input to %s", program, stateText, show(state, nil))
		}
		if after, _ := pev.Payload.Decode(); gojq.Compare(after, payloadBefore) != 0 {
			t.Errorf("%s over %s changed the event's payload to %s", program, stateText, show(after, nil))
		}
	}
}

func TestJQNativeMatchesGojq(t *testing.T) {
	for _, p := range nativePrograms {
		code, native, err := compileJQ(p.program)
		if err != nil {
			if p.native {
				t.Errorf("%s: %v", p.program, err)
			}
			continue // input, which gojq refuses here
		}
		if (native != nil) != p.native {
			t.Errorf("%s: native %v, want %v", p.program, native != nil, p.native)
			continue
		}
		if native == nil {
			continue
		}
		for _, state := range nativeStates {
			for _, ev := range nativeEvents {
				checkNative(t, code, native, p.program, state, ev)
			}
		}
	}
}

// TestJQAccumulatorNativeMatchesGojq folds every event through both
// accumulators, in place on the native side, and compares the states
// after each event: an update in place that shows through an alias (a
// payload stored and later changed, one part of the state copied to
// another) makes them differ.
func TestJQAccumulatorNativeMatchesGojq(t *testing.T) {
	programs := []string{
		`.count += 1 | .last = $event.payload.n`,
		`.[$event.stream] += [$event.payload] | .[$event.stream][0].seen += 1`,
		`.p = $event.payload | .p.n = 0 | .q = .p | .q.extra = 1`,
		`.cur as $c | .prev = .cur | .cur = $event.payload | .cur.seen = $c`,
		`$event.payload as $p | .all[$p.id|tostring] = $p | .all[$p.id|tostring].n += 1 | .p = $p`,
		`. as [$x] | $x`, // outside the subset: both gojq
		`.prev = .cur | .cur = $event.payload | .cur.seq = $event.seq`,
		`if $event.seq % 3 == 0 then $event.payload else .n += 1 end`,
		`if $event.seq % 2 == 0 then {keep: .} else .keep.x += 1 end`,
		`del(.a) | .a.b = $event.payload | .all += [.a]`,
		`.[$event.payload.id|tostring] = $event.payload | .[$event.payload.id|tostring].n += 1`,
		`. + {($event.seq|tostring): $event.payload} | .count += 1 | .["1"].n += 1`,
		`.all += [$event.payload] | .all[0].n += 1 | .last = .all[-1] | .last.seen = true`,
		`.t = ([., .] | [., .]) | .t[0][1].n = $event.seq | .keep = .t[1][0] | del(.t)`,
		`.a = .b | .b += [$event.seq] | .a += [0]`,
		`.s = . | .s.s = $event.seq`,
		// Found by review: gojq's result of * or - shares the fold's
		// containers, at any depth; an update or del that changes nothing
		// returns its input, which is no new value.
		`.a.x.y = 1 | .b = {q:1} | .c = (.a * .b) | .a.x.y += 100`,
		`.a = [{"y":1}] | .b = [1] | .c = (.a - .b) | .a[0].y += 100`,
		`.a.x.y.z = 1 | .c = (.a * {x: {w: 1}}) | .a.x.y.z += 100`,
		`.a.x = 1 | .c = (.a | del(.zz)) | .a.q = 2`,
		`.a = [1] | .c = (.a | del(.[5])) | .a[0] = 9`,
		`.a.x = 1 | .c = (.a | . //= 1) | .a.q = 2`,
		`.a.x = 1 | .c = ((.a | del(.zz)) // 1) | .a.q = 2`,
	}
	var events []replay.Event[jsonv.Payload]
	for i := range 40 {
		payload := fmt.Sprintf(`{"n":%d,"id":%d,"a":{"b":[%d]}}`, i, i%5, i)
		if i%7 == 3 {
			payload = `[1,{"x":2}]`
		}
		events = append(events, replay.Event[jsonv.Payload]{Stream: replay.StreamKey(fmt.Sprintf("s%d", i%3)), Seq: replay.Seq(i + 1), Payload: jsonv.Payload{Value: json.RawMessage(payload)}})
	}
	for _, program := range programs {
		native := AccumulateGuarded("jq:"+program, nil, nil).(*jqAccumulator)
		slow := AccumulateGuarded("jq:"+program, nil, nil).(*jqAccumulator)
		slow.native = nil
		for _, ev := range events {
			ev.Payload = ev.Payload.Predecode()
			before, _ := ev.Payload.Decode()
			before = deepCopy(before)
			errSlow := slow.Add(ev)
			errNative := native.Add(ev)
			if (errSlow != nil) != (errNative != nil) {
				t.Fatalf("%s, event %d: gojq %v, native %v", program, ev.Seq, errSlow, errNative)
			}
			if errSlow != nil {
				break
			}
			if !jsonv.Equal(slow.State(), native.State()) {
				t.Fatalf("%s, event %d:\n gojq:   %s\n native: %s", program, ev.Seq, show(slow.state, nil), show(native.state, nil))
			}
			if after, _ := ev.Payload.Decode(); gojq.Compare(after, before) != 0 {
				t.Fatalf("%s, event %d: the payload became %s", program, ev.Seq, show(after, nil))
			}
		}
	}
}

// TestJQNativeLargeStateCostsItsPath checks that the native accumulator
// updates a large state in place: an event costs the same few
// allocations whether the state has 1,000 keys or 100,000.
func TestJQNativeLargeStateCostsItsPath(t *testing.T) {
	perEvent := func(keys int) (allocs, bytes float64) {
		acc := Accumulate(`jq:.[$event.payload.id] = $event.payload | .count += 1`, nil).(*jqAccumulator)
		if acc.native == nil {
			t.Fatal("the program is not native")
		}
		ev := func(i int) replay.Event[jsonv.Payload] {
			e := event(fmt.Sprintf(`{"id":"k%d","n":%d}`, i%keys, i))
			e.Payload = e.Payload.Predecode()
			return e
		}
		for i := range keys {
			if err := acc.Add(ev(i)); err != nil {
				t.Fatal(err)
			}
		}
		const n = 2000
		evs := make([]replay.Event[jsonv.Payload], n)
		for i := range evs {
			evs[i] = ev(i)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, e := range evs {
			if err := acc.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		return float64(after.Mallocs-before.Mallocs) / n, float64(after.TotalAlloc-before.TotalAlloc) / n
	}
	smallAllocs, smallBytes := perEvent(1000)
	largeAllocs, largeBytes := perEvent(100_000)
	t.Logf("per event: 1,000 keys %.1f allocs %.0f B; 100,000 keys %.1f allocs %.0f B", smallAllocs, smallBytes, largeAllocs, largeBytes)
	// A copy of the top object would be about 100,000 × 16 bytes.
	if largeBytes > 4096 || largeAllocs > smallAllocs+2 {
		t.Errorf("an event over 100,000 keys costs %.1f allocations and %.0f bytes, over 1,000 keys %.1f and %.0f", largeAllocs, largeBytes, smallAllocs, smallBytes)
	}
}

// TestJQNativeApply checks that the JQ reducer (the debugger's apply)
// takes the native path and, like every reducer, leaves its state alone.
func TestJQNativeApply(t *testing.T) {
	apply, err := JQ(`.a.b += 1 | .p = $event.payload`)
	if err != nil {
		t.Fatal(err)
	}
	state := value(t, `{"a":{"b":1},"c":[1]}`)
	out := apply(state, event(`{"x":[1]}`))
	if want := value(t, `{"a":{"b":2},"c":[1],"p":{"x":[1]}}`); !jsonv.Equal(out, want) {
		t.Errorf("got %s", show(jsonv.ToPlain(out), nil))
	}
	if want := value(t, `{"a":{"b":1},"c":[1]}`); !jsonv.Equal(state, want) {
		t.Errorf("the apply changed its state to %s", show(jsonv.ToPlain(state), nil))
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "jq:") {
			t.Errorf("a failing program panicked with %v", r)
		}
	}()
	apply(value(t, `{"a":"s"}`), event(`{}`))
}

func FuzzJQNative(f *testing.F) {
	for _, p := range nativePrograms[:20] {
		f.Add(p.program, `{"a":{"b":1},"k":"a","n":2}`, `{"n":1,"id":"x"}`)
	}
	f.Add(`.a += $event.payload.n`, `{"a":12345678901234567890}`, `{"n":1e400}`)
	f.Add(`.x[.i] = .y`, `{"x":[1,2],"i":-1,"y":{"z":1}}`, `null`)
	f.Add(`.a.x = .a | .a.x.y = 1`, `{"a":{"y":0}}`, `{}`)
	f.Add(`. + . | .a += [.a]`, `{"a":[1]}`, `{}`)
	f.Add(`del(.a.b[.k])`, `{"a":{},"k":false}`, `{}`)
	f.Fuzz(func(t *testing.T, program, stateText, payload string) {
		if _, err := jsonscan.Decode([]byte(stateText)); err != nil {
			return
		}
		code, native, err := compileJQ(program)
		if err != nil || native == nil {
			return
		}
		ev := replay.Event[jsonv.Payload]{Stream: "s", Seq: 3, Payload: jsonv.Payload{Value: json.RawMessage(payload)}}
		checkNative(t, code, native, program, stateText, ev)
	})
}

// BenchmarkJQ folds events through the jq accumulator, natively and on
// gojq, for the benchmark matrix's program and for one that builds a
// large state (10,000 keys).
func BenchmarkJQ(b *testing.B) {
	programs := []struct{ name, program string }{
		{"count", `.count += 1 | .last = $event.payload.n`},
		{"largestate", `.[$event.payload.id] = $event.payload`},
	}
	const n = 10_000
	events := make([]replay.Event[jsonv.Payload], n)
	for i := range events {
		events[i] = replay.Event[jsonv.Payload]{Stream: "s", Seq: replay.Seq(i + 1), Time: time.Unix(int64(i), 0),
			Payload: jsonv.Payload{Value: json.RawMessage(fmt.Sprintf(`{"acct-%d":{"balance":%d,"tx":%d},"n":%d,"id":"k%d"}`, i%40, i*7, i, i, i))}.Predecode()}
	}
	for _, p := range programs {
		for _, path := range []string{"native", "gojq"} {
			b.Run(p.name+"/"+path, func(b *testing.B) {
				for b.Loop() {
					acc := Accumulate("jq:"+p.program, nil).(*jqAccumulator)
					if path == "gojq" {
						acc.native = nil
					}
					for _, ev := range events {
						if err := acc.Add(ev); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
			})
		}
	}
}

// TestJQNativeReadsPayloadMembers checks which programs let readers skip
// decoding payloads ahead: those that read payload members by name only.
func TestJQNativeReadsPayloadMembers(t *testing.T) {
	for program, whole := range map[string]bool{
		`.count += 1 | .last = $event.payload.n`:  false,
		`.[$event.payload.id] = $event.payload.v`: false,
		`.s = $event.stream`:                      false,
		`.p = $event.payload`:                     true,
		`.p = $event.payload[.k]`:                 true,
		`.e = $event`:                             true,
		`.t = $event.type`:                        false,
	} {
		acc := Accumulate("jq:"+program, nil).(*jqAccumulator)
		if acc.native == nil {
			t.Fatalf("%s is not native", program)
		}
		if got := acc.DecodedPayloads(); got != whole {
			t.Errorf("%s: DecodedPayloads %v, want %v", program, got, whole)
		}
	}
}

// TestJQNativeBankPrograms folds testdata/bank.jsonl, every stream in
// turn, with the README's jq programs natively and on gojq.
func TestJQNativeBankPrograms(t *testing.T) {
	text, err := os.ReadFile("../testdata/bank.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var events []replay.Event[jsonv.Payload]
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		var l struct {
			Stream  string          `json:"stream"`
			Seq     uint64          `json:"seq"`
			Time    time.Time       `json:"time"`
			Type    json.RawMessage `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		events = append(events, replay.Event[jsonv.Payload]{Stream: replay.StreamKey(l.Stream), Seq: replay.Seq(l.Seq), Time: l.Time,
			Payload: jsonv.Payload{Value: l.Payload, Fields: []jsonv.Field{{Name: "type", Value: l.Type}}}})
	}
	for _, spec := range []string{"jq:@../testdata/bank.jq", "jq:@../testdata/bank-dedupe.jq"} {
		for _, stream := range []replay.StreamKey{"acct-alice", "acct-bob"} {
			native := AccumulateGuarded(spec, nil, nil).(*jqAccumulator)
			if native.native == nil {
				t.Fatalf("%s is not native", spec)
			}
			slow := AccumulateGuarded(spec, nil, nil).(*jqAccumulator)
			slow.native = nil
			for _, ev := range events {
				if ev.Stream != stream {
					continue
				}
				if err := errors.Join(slow.Add(ev), native.Add(ev)); err != nil {
					t.Fatal(err)
				}
			}
			if !jsonv.Equal(slow.State(), native.State()) {
				t.Errorf("%s, %s: gojq %s, native %s", spec, stream, show(slow.state, nil), show(native.state, nil))
			}
		}
	}
}

// deepCopy returns v sharing no container with it.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// foldCost folds warmup events through acc, then measure more, and
// returns what each of the measured ones allocated on average.
func foldCost(t *testing.T, acc *jqAccumulator, payload func(i int) string, warmup, measure int) (allocs, bytes float64) {
	t.Helper()
	if acc.native == nil {
		t.Fatal("the program is not native")
	}
	events := make([]replay.Event[jsonv.Payload], warmup+measure)
	for i := range events {
		events[i] = event(payload(i))
		events[i].Seq = replay.Seq(i + 1)
		events[i].Payload = events[i].Payload.Predecode()
	}
	for _, ev := range events[:warmup] {
		if err := acc.Add(ev); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, ev := range events[warmup:] {
		if err := acc.Add(ev); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(measure), float64(after.TotalAlloc-before.TotalAlloc) / float64(measure)
}

// TestJQNativeCostsWhatIsNew checks that an event costs what it adds to
// the state, not a copy of what the state already holds or of a value
// held in several places: appending payloads to an array and adding them
// to the state with + cost the same per event over 500 events as over
// 8,000, and storing a value that holds the state 2^depth times over
// costs its depth.
func TestJQNativeCostsWhatIsNew(t *testing.T) {
	payload := func(i int) string { return fmt.Sprintf(`{"id":%d,"n":{"a":[%d,{"b":"c"}],"d":{"e":%d}}}`, i, i, i) }
	for _, program := range []string{
		`.events += [$event.payload]`,
		`. + {($event.payload.id|tostring): $event.payload} | .count += 1`,
	} {
		smallAllocs, smallBytes := foldCost(t, Accumulate("jq:"+program, nil).(*jqAccumulator), payload, 500, 2000)
		largeAllocs, largeBytes := foldCost(t, Accumulate("jq:"+program, nil).(*jqAccumulator), payload, 8000, 2000)
		t.Logf("%s, per event: after 500 events %.1f allocs %.0f B; after 8,000 %.1f allocs %.0f B", program, smallAllocs, smallBytes, largeAllocs, largeBytes)
		// A copy of the state after 8,000 events is over 100 KB; the
		// arrays and maps growing in place cost a few bytes a slot.
		if largeAllocs > smallAllocs*1.5+2 || largeBytes > smallBytes*1.5+512 {
			t.Errorf("%s: an event after 8,000 costs %.1f allocations and %.0f bytes, after 500 %.1f and %.0f", program, largeAllocs, largeBytes, smallAllocs, smallBytes)
		}
	}
	nested := func(depth int) string {
		return `.t = (.` + strings.Repeat(` | [., .]`, depth) + `) | del(.t) | .n += 1`
	}
	zero := func(int) string { return `{}` }
	allocs10, bytes10 := foldCost(t, Accumulate("jq:"+nested(10), value(t, `{"n":0}`)).(*jqAccumulator), zero, 10, 200)
	allocs20, bytes20 := foldCost(t, Accumulate("jq:"+nested(20), value(t, `{"n":0}`)).(*jqAccumulator), zero, 10, 200)
	t.Logf("[., .] nested, per event: 10 deep %.1f allocs %.0f B; 20 deep %.1f allocs %.0f B", allocs10, bytes10, allocs20, bytes20)
	// Twice as deep costs about twice as much; a copy per path to the
	// state would cost 1,024 times as much.
	if allocs20 > allocs10*3 || bytes20 > bytes10*3 {
		t.Errorf("[., .] 20 deep costs %.1f allocations and %.0f bytes an event, 10 deep %.1f and %.0f", allocs20, bytes20, allocs10, bytes10)
	}
}

// TestJQNativeOwnedSetStaysSmall checks that the set of containers a
// native fold owns, which keeps them alive, does not keep the ones the
// state dropped: it is rebuilt from the state as it grows.
func TestJQNativeOwnedSetStaysSmall(t *testing.T) {
	acc := Accumulate(`jq:.t = [[$event.seq]] | del(.t) | .n += 1 | .keep[$event.seq % 100 | tostring] = [$event.seq]`, nil).(*jqAccumulator)
	most := 0
	for i := range 20_000 {
		ev := event(`{}`)
		ev.Seq = replay.Seq(i + 1)
		if err := acc.Add(ev); err != nil {
			t.Fatal(err)
		}
		most = max(most, len(acc.env.owned))
	}
	// The state holds 102 containers; each event drops [[seq]] and an
	// array of .keep, and leaves [seq], inside [[seq]], in the set.
	if most > 2*1024 {
		t.Errorf("the owned set reached %d containers", most)
	}
	if n := len(acc.env.owned); n < 102 {
		t.Errorf("the owned set lost the state's containers: %d left", n)
	}
}
