package termtext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

const hostile = "a\x1b]0;TITLE\x07b\x1b]52;c;ZXZpbA==\x07\u009b31m\x7f\r\u202eevil\u2066\u200f\xff\ufffdok"

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, ünïcödé, עברית, العربية", "plain text, ünïcödé, עברית, العربية"},
		{"a\tb\nc", `a    b\x0ac`},
		{hostile, `a\x1b]0;TITLE\x07b\x1b]52;c;ZXZpbA==\x07\u009b31m\x7f\x0d\u202eevil\u2066\u200f\xff\ufffdok`},
		{"\u061c\u200e\u202a\u202b\u202c\u202d\u2067\u2068\u2069", `\u061c\u200e\u202a\u202b\u202c\u202d\u2067\u2068\u2069`},
	} {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanLeavesSafeTextAlone(t *testing.T) {
	s := "acct-42 deposit 50 €"
	if allocs := testing.AllocsPerRun(100, func() { _ = Clean(s) }); allocs != 0 {
		t.Errorf("Clean of safe text allocates %v times", allocs)
	}
}

// terminalSafe fails t if s holds anything a terminal may act on, with
// the layout characters newline and tab allowed.
func terminalSafe(t *testing.T, s string) {
	t.Helper()
	for _, r := range strings.ReplaceAll(strings.ReplaceAll(s, "\n", ""), "\t", "") {
		if Unsafe(r) {
			t.Fatalf("%U reaches the terminal in %q", r, s)
		}
	}
}

func TestWriterEscapesButKeepsLayout(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	if n, err := w.Write([]byte("name\tvalue\n" + hostile + "\n")); err != nil || n != len("name\tvalue\n"+hostile+"\n") {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "name\tvalue\n" + Clean(hostile) + "\n"
	if b.String() != want {
		t.Fatalf("wrote %q, want %q", b.String(), want)
	}
	terminalSafe(t, b.String())
}

func TestWriterJoinsRunesSplitAcrossWrites(t *testing.T) {
	text := []byte("é\u202e€x")
	for cut := range len(text) + 1 {
		var b bytes.Buffer
		w := NewWriter(&b)
		w.Write(text[:cut])
		w.Write(text[cut:])
		w.Flush()
		if b.String() != `é\u202e€x` {
			t.Errorf("cut at %d: %q", cut, b.String())
		}
	}
	// A rune never completed is shown as the bytes it is.
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Write([]byte("x\xe2\x82"))
	w.Flush()
	if b.String() != `x\xe2\x82` {
		t.Errorf("incomplete rune at the end: %q", b.String())
	}
}

func TestJSONWriterKeepsJSONExact(t *testing.T) {
	strs := []string{"s\x1b]0;TITLE\x07", "\u009b31m\u202e\u2066x\u2069", "plain", "tab\there"}
	plain, err := json.Marshal(map[string]any{"list": strs, "key\u202e": 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := NewJSONWriter(&b)
	for _, c := range plain { // byte by byte: runes split across writes
		w.Write([]byte{c})
	}
	w.Flush()
	terminalSafe(t, b.String())
	var back map[string]any
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("%s: %v", b.String(), err)
	}
	list, _ := back["list"].([]any)
	if len(list) != len(strs) || back["key\u202e"] != 1.0 {
		t.Fatalf("round trip: %q", back)
	}
	for i := range strs {
		if list[i] != strs[i] {
			t.Errorf("round trip: %q, want %q", list[i], strs[i])
		}
	}
	// Invalid UTF-8 cannot be kept; it becomes U+FFFD as encoding/json
	// would make it, still JSON.
	b.Reset()
	w.Write([]byte("\"a\xffb\"\n"))
	w.Flush()
	var s string
	if err := json.Unmarshal(b.Bytes(), &s); err != nil || s != "a\ufffdb" || !utf8.Valid(b.Bytes()) {
		t.Fatalf("invalid byte: %q (%v)", b.String(), err)
	}
}
