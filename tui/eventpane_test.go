package tui

import (
	"strings"
	"testing"
)

// An event past what the pane lays out is indented before it is cut, so
// that its start reads as any other event's does; one past what can be
// indented in a frame shows its start as it is.
func TestAnEventPastThePanesShareIsIndentedThenCut(t *testing.T) {
	for _, c := range []struct {
		name     string
		size     int
		indented bool
	}{
		{"just over", eventShown + 1000, true},
		{"past indenting", eventIndented + 1000, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			line := `{"stream":"s","seq":1,"payload":{"blob":"` + strings.Repeat("x", c.size) + `"}}`
			p := &eventPane{theme: &theme{st: newStyles(true), keys: newKeyMap()}, width: 80, height: 10}
			p.show(1, line)
			if p.cut <= 0 || len(p.text) > eventShown+len("…") {
				t.Fatalf("cut %d, %d bytes laid out", p.cut, len(p.text))
			}
			if got := strings.HasPrefix(p.text, "{\n  \"stream\": \"s\""); got != c.indented {
				t.Errorf("indented: %v, want %v; it starts %q", got, c.indented, p.text[:40])
			}
			if title := p.View(); !strings.Contains(title, "more: v shows it whole") {
				t.Errorf("the title does not say the rest is left out")
			}
		})
	}
}
