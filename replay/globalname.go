package replay

import (
	"strconv"
	"strings"
)

// StreamName is how a message names a stream: its key quoted
// ("acct-1"), or for a key [GlobalKey] made, which is not for people to
// read, the streams it folds in words: (all streams, global order) or
// (global order of acct-1, acct-2).
func StreamName(key StreamKey) string {
	streams, ok := GlobalStreams(key)
	switch {
	case !ok:
		return strconv.Quote(string(key))
	case len(streams) == 0:
		return "(all streams, global order)"
	}
	names := make([]string, len(streams))
	for i, s := range streams {
		names[i] = string(s)
	}
	return "(global order of " + strings.Join(names, ", ") + ")"
}
