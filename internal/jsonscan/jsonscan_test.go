package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var valid = []string{
	`null`, `true`, `false`, `0`, `-0`, `12`, `-3.25e-2`, `1E+2`, `123456789012345678`, `1e999`,
	`""`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u263a\ud83d\ude00"`, `"\ud800"`, `"ünï ☃"`,
	`[]`, `[1,[2,[3]]]`, `{}`, `{"a":1,"b":{"c":[true,null,"x"]},"a":2}`,
	" \t\r\n {\"k\" : [ 1 , 2 ] } \n",
}

var invalid = []struct{ text, msg string }{
	{``, "expected a JSON value, found the end of the text"},
	{`{`, "expected a member name in double quotes"},
	{`{"a"}`, "expected ':' after a member name, found '}'"},
	{`{"a":1,}`, "expected a member name in double quotes, found '}'"},
	{`{"a":1 "b":2}`, `expected ',' or '}' after an object member, found '"'`},
	{`[1,]`, "expected a JSON value, found ']'"},
	{`[1 2]`, "expected ',' or ']' after an array element, found '2'"},
	{`01`, "expected the end of the JSON value, found '1'"},
	{`-`, "expected a digit, found the end of the text"},
	{`1.`, "expected a digit after the decimal point"},
	{`1e`, "expected a digit in the exponent"},
	{`tru`, `expected 'e' (in true)`},
	{`nul`, `expected 'l' (in null)`},
	{`"abc`, "unterminated string"},
	{"\"a\x01b\"", "control characters must be escaped"},
	{`"\x"`, `one of "\/bfnrtu`},
	{`"\u12g4"`, `a hex digit in a \u escape`},
	{"\"\xff\"", "invalid UTF-8 byte 0xff"},
	{`{"a":1} x`, "expected the end of the JSON value, found 'x'"},
	{"\x00\x01", "expected a JSON value, found control byte 0x00"},
	{strings.Repeat("[", MaxDepth+1), "nesting deeper than"},
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, text := range valid {
		got, err := Decode([]byte(text))
		if err != nil {
			t.Errorf("Decode(%q): %v", text, err)
			continue
		}
		var want any
		if n, ok := got.(json.Number); ok {
			if string(n) != strings.TrimSpace(text) {
				t.Errorf("Decode(%q) = %q", text, n)
			}
			continue // kept exact where encoding/json rounds or refuses
		}
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Errorf("Decode(%q) = %#v, encoding/json: %v", text, got, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Decode(%q) = %#v, encoding/json says %#v", text, got, want)
		}
		if end, err := Skip([]byte(text), 0); err != nil || strings.TrimSpace(text[end:]) != "" {
			t.Errorf("Skip(%q) = %d, %v", text, end, err)
		}
	}
}

func TestDecodeRejectsBadJSONSayingWhy(t *testing.T) {
	for _, tc := range invalid {
		_, err := Decode([]byte(tc.text))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("Decode(%.20q) error = %v; want a SyntaxError saying %q", tc.text, err, tc.msg)
		}
	}
}

func TestErrorOffsets(t *testing.T) {
	_, err := Decode([]byte(`{"a": [1, 2, x]}`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 13 {
		t.Fatalf("error %v; want offset 13 (the x)", err)
	}
}

func TestMembers(t *testing.T) {
	var keys, values []string
	end, err := Members([]byte(` {"a\u0062":[1, 2],"c" : "d"} tail`), 0, func(k string, v []byte) error {
		keys, values = append(keys, k), append(values, string(v))
		return nil
	})
	if err != nil || end != 29 {
		t.Fatalf("Members: end %d, %v", end, err)
	}
	if !reflect.DeepEqual(keys, []string{"ab", "c"}) || !reflect.DeepEqual(values, []string{"[1, 2]", `"d"`}) {
		t.Fatalf("keys %q values %q", keys, values)
	}
	if _, err := Members([]byte(`[1]`), 0, nil); err == nil || !strings.Contains(err.Error(), "expected '{'") {
		t.Fatalf("Members of an array: %v", err)
	}
}

func TestUnquote(t *testing.T) {
	for raw, want := range map[string]string{`"plain"`: "plain", `"a\nb"`: "a\nb", `"\ud83d\ude00"`: "😀", `"\udc00x"`: "\ufffdx"} {
		if got, err := Unquote([]byte(raw)); err != nil || got != want {
			t.Errorf("Unquote(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{`"a" `, `a`, `"`} {
		if _, err := Unquote([]byte(raw)); err == nil {
			t.Errorf("Unquote(%q) succeeded", raw)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range valid {
		f.Add([]byte(s))
	}
	f.Add([]byte(`[12345678901234567890123,0.1000000000000000000001,1e-400,5e-324,9007199254740993,1.5e300,-0.0e-0]`))
	for _, tc := range invalid[:len(invalid)-1] {
		f.Add([]byte(tc.text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data)
		_, skipErr := Skip(data, 0)
		stdValid := json.Valid(data)
		switch {
		case err == nil && !stdValid:
			t.Fatalf("Decode accepted %q, which encoding/json rejects", data)
		case err != nil && stdValid && utf8.Valid(data) && !strings.Contains(err.Error(), "nesting"):
			t.Fatalf("Decode rejected valid %q: %v", data, err)
		case err != nil:
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("error %v for %q has no offset within the input", err, data)
			}
			return
		}
		if skipErr != nil {
			t.Fatalf("Decode accepted %q but Skip said %v", data, skipErr)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if dec.Decode(&want) == nil {
			if msg := sameAsStd(got, want); msg != "" {
				t.Fatalf("Decode(%q): %s", data, msg)
			}
		}
	})
}

// sameAsStd compares a decoded value with encoding/json's, decoded with
// UseNumber: a number must be a float64 with exactly the value of the
// text, or, when no float64 has it, the text itself.
func sameAsStd(got, want any) string {
	switch w := want.(type) {
	case json.Number:
		switch g := got.(type) {
		case float64:
			if !SameNumber([]byte(w), strconv.AppendFloat(nil, g, 'e', -1, 64)) {
				return fmt.Sprintf("%s became float64 %v, another number", w, g)
			}
		case json.Number:
			if g != w {
				return fmt.Sprintf("%s became %s", w, g)
			}
			if f, err := strconv.ParseFloat(string(w), 64); err == nil && SameNumber([]byte(w), strconv.AppendFloat(nil, f, 'e', -1, 64)) {
				return fmt.Sprintf("%s is exact in float64 but kept as text", w)
			}
		default:
			return fmt.Sprintf("%s became %#v", w, got)
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%#v became %#v", want, got)
		}
		for k := range w {
			if msg := sameAsStd(g[k], w[k]); msg != "" {
				return msg
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%#v became %#v", want, got)
		}
		for i := range w {
			if msg := sameAsStd(g[i], w[i]); msg != "" {
				return msg
			}
		}
	default:
		if got != want {
			return fmt.Sprintf("%#v became %#v", want, got)
		}
	}
	return ""
}

func TestNumbersKeepTheirValue(t *testing.T) {
	exact := map[string]float64{
		"0": 0, "12": 12, "-3.25e-2": -0.0325, "1E+2": 100, "0.1": 0.1, "1.50": 1.5,
		"123456789012345":          123456789012345,
		"9007199254740992":         9007199254740992, // 2^53: 16 digits, still exact
		"100000000000000000000000": 1e23,
		"1.7976931348623157e308":   1.7976931348623157e308,
		"5e-324":                   5e-324,
		"-0.000":                   0,
	}
	for text, want := range exact {
		got, err := Decode([]byte(text))
		if f, ok := got.(float64); err != nil || !ok || f != want {
			t.Errorf("Decode(%s) = %#v, %v; want float64 %v", text, got, err, want)
		}
	}
	// float64 would round or clamp these: they stay as written.
	for _, text := range []string{
		"123456789012345678", "12345678901234567890123", "-12345678901234567890123",
		"9007199254740993", "1e400", "-1e400", "1e-400", "0.1000000000000000000001", "4.9e-324",
		"1e99999999999999999999",
	} {
		got, err := Decode([]byte(`[` + text + `]`))
		if arr, ok := got.([]any); err != nil || !ok || arr[0] != json.Number(text) {
			t.Errorf("Decode(%s) = %#v, %v; want json.Number", text, got, err)
		}
	}
}

func TestNumberAtAgreesWithDecode(t *testing.T) {
	for _, text := range []string{"0", "-0", "12", "-3.25e-2", "1E+2", "9007199254740993", "1e400", "0.1000000000000000000001", "5e-324"} {
		data := []byte(text + ",")
		f, exact, end, err := NumberAt(data, 0)
		if err != nil || end != len(text) {
			t.Errorf("NumberAt(%s) ended at %d, %v", text, end, err)
			continue
		}
		want, _ := Decode([]byte(text))
		if d, ok := want.(float64); ok != exact || exact && math.Float64bits(f) != math.Float64bits(d) {
			t.Errorf("NumberAt(%s) = %v, exact %v; Decode gives %#v", text, f, exact, want)
		}
	}
	for _, bad := range []string{"-", "1.", "1e", "-x", ""} {
		if _, _, _, err := NumberAt([]byte(bad), 0); err == nil {
			t.Errorf("NumberAt(%q) succeeded", bad)
		}
	}
}

func TestSameNumber(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"1", "1.0", true}, {"1", "10e-1", true}, {"1", "0.1e1", true}, {"0", "-0", true},
		{"0", "0.0e5", true}, {"1e400", "1E+400", true}, {"100", "1e2", true},
		{"12345678901234567890123", "1.2345678901234567890123e22", true},
		{"1", "2", false}, {"1", "-1", false}, {"1e400", "1e401", false}, {"0.05", "0.5", false},
		{"12345678901234567890123", "1.2345678901234568e+22", false},
	} {
		if got := SameNumber([]byte(tc.a), []byte(tc.b)); got != tc.same {
			t.Errorf("SameNumber(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

// Against math/big, which knows a decimal's exact value: a number is a
// float64 exactly when the text float64 writes for it (the shortest that
// reads back as that float64) has the number's value.
func TestNumberExactnessAgainstBigRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteByte('-')
		}
		digits := 1 + rng.IntN(25)
		b.WriteByte(byte('1' + rng.IntN(9)))
		point := rng.IntN(digits + 1)
		for i := 1; i < digits; i++ {
			if i == point {
				b.WriteByte('.')
			}
			if rng.IntN(4) == 0 {
				b.WriteByte('0')
			} else {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
		}
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "e%d", rng.IntN(660)-330)
		}
		text := b.String()
		want, ok := new(big.Rat).SetString(text)
		if !ok {
			t.Fatalf("big.Rat cannot read %s", text)
		}
		nearest, _ := want.Float64()
		written, ok := new(big.Rat).SetString(strconv.FormatFloat(nearest, 'g', -1, 64))
		exact := ok && written.Cmp(want) == 0
		got, err := Decode([]byte(text))
		if err != nil {
			t.Fatalf("Decode(%s): %v", text, err)
		}
		switch g := got.(type) {
		case float64:
			if !exact || g != nearest {
				t.Errorf("%s became float64 %v, another number", text, g)
			}
		case json.Number:
			if exact {
				t.Errorf("%s is exact in float64 but kept as text", text)
			}
		}
	}
}

// TestStringEveryPosition puts each kind of byte a string scan must stop
// at (or must not) at every offset of the eight-byte blocks it reads at
// once, and holds the result against encoding/json.
func TestStringEveryPosition(t *testing.T) {
	kinds := []string{`\"`, `\\`, `\n`, `\u00e9`, "\x01", "\x1f", "\x7f", " ", "~", "é", "\xff", "\xe2\x82", `"`, "€"}
	for _, kind := range kinds {
		for before := range 20 {
			for after := range 10 {
				text := []byte(`"` + strings.Repeat("a", before) + kind + strings.Repeat("b", after) + `"`)
				got, err := Decode(text)
				end, skipErr := Skip(text, 0)
				if skipErr == nil && end != len(text) {
					skipErr = errors.New("stopped early")
				}
				var want any
				stdErr := json.Unmarshal(text, &want)
				valid := json.Valid(text) && utf8.Valid(text)
				switch {
				case (err == nil) != valid || (skipErr == nil) != valid:
					t.Fatalf("%q: Decode said %v, Skip %v; encoding/json valid: %v", text, err, skipErr, valid)
				case valid && (stdErr != nil || got != want):
					t.Fatalf("%q: decoded %q, encoding/json %q", text, got, want)
				}
			}
		}
	}
}
