package reduce

import (
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
)

// Numbers float64 cannot hold: a reducer that only carries them keeps
// them as the log wrote them.
const (
	bigInt    = "12345678901234567890123"
	hugeFloat = "1e400"
	tinyFloat = "1e-400"
	longFrac  = "0.1000000000000000000001"
)

func TestReducersKeepNumbersExact(t *testing.T) {
	numbers := `{"i":` + bigInt + `,"h":` + hugeFloat + `,"t":` + tinyFloat + `,"f":` + longFrac + `,"n":-` + bigInt + `}`
	want := `{"f":` + longFrac + `,"h":` + hugeFloat + `,"i":` + bigInt + `,"n":-` + bigInt + `,"t":` + tinyFloat + `}`
	jqCopy, err := JQ(`. * $event.payload`)
	if err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func() (any, error){
		"merge": func() (any, error) { return try(Merge, any((*jsonv.Object)(nil)), event(numbers)) },
		"merge, predecoded": func() (any, error) {
			ev := event(numbers)
			ev.Payload = ev.Payload.Predecode()
			return try(Merge, any((*jsonv.Object)(nil)), ev)
		},
		"merge accumulator": func() (any, error) {
			acc := Accumulate("merge", any((*jsonv.Object)(nil)))
			err := acc.Add(event(numbers))
			return acc.State(), err
		},
		"set":   func() (any, error) { return try(Set, nil, event(numbers)) },
		"patch": func() (any, error) { return try(Patch, nil, event(`[{"op":"add","path":"","value":`+numbers+`}]`)) },
		"patch, copied": func() (any, error) {
			s, err := try(Set, nil, event(numbers))
			if err != nil {
				return nil, err
			}
			return try(Patch, s, event(`[{"op":"copy","from":"/i","path":"/j"},{"op":"remove","path":"/j"},{"op":"test","path":"/h","value":1E+400}]`))
		},
		"jq": func() (any, error) { return try(jqCopy, any((*jsonv.Object)(nil)), event(numbers)) },
	} {
		got, err := run()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if s := string(jsonv.Marshal(got)); s != want {
			t.Errorf("%s: %s\nwant %s", name, s, want)
		}
	}
}

func TestPatchTestComparesNumbersByValue(t *testing.T) {
	state := value(t, `{"i":1}`)
	if _, err := try(Patch, state, event(`[{"op":"test","path":"/i","value":1.0}]`)); err != nil {
		t.Errorf("1 is not 1.0: %v", err)
	}
	state, _ = try(Set, nil, event(`{"h":`+hugeFloat+`}`))
	if _, err := try(Patch, state, event(`[{"op":"test","path":"/h","value":1e401}]`)); err == nil || !strings.Contains(err.Error(), "test failed: /h is 1e400, not 1e401") {
		t.Errorf("1e400 vs 1e401: %v", err)
	}
}

// jq computes integers exactly (gojq's big integers) and everything else
// in float64, where a result beyond its range becomes the largest float64,
// as in jq.
func TestJQArithmeticOnBigNumbers(t *testing.T) {
	for _, tc := range []struct{ program, state, want string }{
		{`.i += 1`, `{"i":` + bigInt + `}`, `{"i":12345678901234567890124}`},
		{`.i *= 2`, `{"i":9007199254740993}`, `{"i":18014398509481986}`},
		{`.i -= 1`, `{"i":9007199254740993}`, `{"i":9007199254740992}`},
		{`.h *= 10`, `{"h":` + hugeFloat + `}`, `{"h":1.7976931348623157e+308}`},
		{`.h = -.h`, `{"h":` + hugeFloat + `}`, `{"h":-1e400}`},
		{`.f += 0`, `{"f":` + longFrac + `}`, `{"f":0.1}`},
		{`.c = (.i > 1e22)`, `{"i":` + bigInt + `}`, `{"c":true,"i":` + bigInt + `}`},
	} {
		f, err := JQ(tc.program)
		if err != nil {
			t.Fatal(err)
		}
		state, err := try(Set, nil, event(tc.state))
		if err != nil {
			t.Fatal(err)
		}
		got, err := try(f, state, event(`{}`))
		if err != nil {
			t.Errorf("%s: %v", tc.program, err)
			continue
		}
		if s := string(jsonv.Marshal(got)); s != tc.want {
			t.Errorf("%s on %s = %s, want %s", tc.program, tc.state, s, tc.want)
		}
	}
}
