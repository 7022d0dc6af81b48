package postgres

import (
	"context"
	"strings"
	"testing"
)

func TestJSONBChange(t *testing.T) {
	for _, c := range []struct {
		doc  string
		at   int // -1: none
		what string
	}{
		{`{"a":1,"b":[0,-1,-0.5,1e-0,"\u00e9\ud83d\ude00"],"c":{"a":2}}`, -1, ""},
		{`{"a":"x\u0000y"}`, 7, `\u0000`},
		{`{"a":"\ud800"}`, 6, `\ud800, half`},
		{`["\udc00\ud800"]`, 2, `\udc00, half`},
		{`{"a":-0}`, 5, "minus zero -0"},
		{`[1, -0.000e5]`, 4, "minus zero -0.000e5"},
		{`{"a":1,"b":{"c":1, "c":2}}`, 19, `key "c" a second time`},
		{`{"\u0061":1,"a":2}`, 12, `key "a" a second time`},
		{`"a\"b\\"`, -1, ""},
	} {
		at, what, ok := JSONBChange([]byte(c.doc))
		if c.at < 0 {
			if ok {
				t.Errorf("%s: found %q at %d, want nothing", c.doc, what, at)
			}
			continue
		}
		if !ok || at != c.at || !strings.HasPrefix(what, c.what) {
			t.Errorf("%s: got %q at %d (%v), want %q at %d", c.doc, what, at, ok, c.what, c.at)
		}
	}
}

// TestJSONBChangeAgreesWithTheServer checks each change against jsonb
// itself: refused, or stored otherwise than written.
func TestJSONBChangeAgreesWithTheServer(t *testing.T) {
	p := pool(t)
	for _, doc := range []string{`{"a":"x\u0000y"}`, `{"a":"\ud800"}`, `{"a":-0}`, `{"a":-0.0}`, `{"c":1,"c":2}`, `{"a":"\ud83d\ude00","b":-0.1,"c":[1,{"c":1}]}`} {
		_, _, changed := JSONBChange([]byte(doc))
		var back string
		err := p.QueryRow(context.Background(), `SELECT $1::jsonb::text`, doc).Scan(&back)
		same := err == nil && back == `{"a": "😀", "b": -0.1, "c": [1, {"c": 1}]}`
		if changed == same {
			t.Errorf("%s: JSONBChange says changed=%v; the server gives %q, %v", doc, changed, back, err)
		}
	}
}
