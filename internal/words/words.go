// Package words writes numbers the way replaytui shows them to a person,
// the same on the command line and in the debugger.
package words

import "strconv"

// Count writes a count with its noun: 1 event, 2 events.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Thousands writes n with commas between groups of three digits: 1,229.
func Thousands(n int) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
