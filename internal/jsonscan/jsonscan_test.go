package jsonscan

import (
	"encoding/json"
	"errors"
	"reflect"
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
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			continue // 1e999: encoding/json refuses what we clamp
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

func TestLargeNumbersClampLikeJQ(t *testing.T) {
	v, err := Decode([]byte(`[1e999,-1e999]`))
	if err != nil {
		t.Fatal(err)
	}
	got := v.([]any)
	if got[0].(float64) != 1.7976931348623157e308 || got[1].(float64) != -1.7976931348623157e308 {
		t.Fatalf("got %v; want ±MaxFloat64", got)
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
		var want any
		if json.Unmarshal(data, &want) == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%q) = %#v, encoding/json says %#v", data, got, want)
		}
	})
}
