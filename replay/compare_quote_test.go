package replay

import (
	"strconv"
	"testing"
)

func TestAppendQuoteIsStrconvs(t *testing.T) {
	for _, s := range []string{"", "plain", `say "hi"`, `back\slash`, "tab\there", "é", "\x00", "\x7f", "~ok~", "\xff"} {
		if got, want := string(appendQuote(nil, s)), strconv.Quote(s); got != want {
			t.Errorf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	}
}
