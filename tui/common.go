package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/replaytui/replaytui/internal/words"
	"github.com/replaytui/replaytui/replay"
)

// theme is the look and the keys every component shares. The styles are
// rebuilt when the terminal says whether its background is dark: every
// component holds the same *theme, so all see the new ones.
type theme struct {
	st   *styles
	keys *keyMap
}

// common is what the components that know the program's types share: the
// configuration, and the theme.
type common[S, E any] struct {
	cfg *Config[S, E]
	*theme
}

func seqText(seq replay.Seq) string { return strconv.FormatUint(uint64(seq), 10) }

// plural writes a count with its noun: 1 event, 2 events.
var plural = words.Count

// thousands writes n with commas between groups of three digits: 1,229.
var thousands = words.Thousands

// joinNonEmpty joins the parts that are not empty: a log with no stream
// names leaves no empty place between two separators.
func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// wrapErr says what was being done when err happened; nil stays nil.
func wrapErr(doing string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", doing, err)
}
