package jsonl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Dump writes the events of streams of any log to a new JSON Lines file
// at path (which must not exist), payloads encoded with encoding/json
// (jsonv.Payload ones as they are). With no streams given it writes every
// stream, if the log can list them.
func Dump[E any](ctx context.Context, log replay.Log[E], path string, streams ...replay.StreamKey) error {
	if len(streams) == 0 {
		lister, ok := log.(replay.StreamLister)
		if !ok {
			return fmt.Errorf("dump: this log cannot list its streams; name them")
		}
		var err error
		if streams, err = lister.Streams(ctx); err != nil {
			return fmt.Errorf("dump: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	for _, stream := range streams {
		_, err := Write(f, func(yield func(replay.Event[jsonv.Payload], error) bool) {
			for ev, err := range replay.All(ctx, log, stream) {
				var p jsonv.Payload
				if err == nil {
					p, err = EncodeJSON(ev.Payload)
				}
				if !yield(replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: p}, err) {
					return
				}
			}
		})
		if err != nil {
			f.Close()
			return fmt.Errorf("dump stream %q: %w", stream, err)
		}
	}
	return f.Close()
}

// Logger is what DumpForDebugging reports to: a *testing.T will do.
type Logger interface {
	Helper()
	Name() string
	Logf(format string, args ...any)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// DumpForDebugging writes a log to a file in the temporary directory,
// named after the test, and logs the one command that opens it in the
// debugger (command is the program: "replaytui", or "go run ./cmd/mine"
// for a program with its own types). A failing test calls it to be
// stepped through:
//
//	if err != nil {
//		jsonl.DumpForDebugging(t, log, "replaytui")
//		t.Fatal(err)
//	}
//
// It returns the file's path, or "" when it could not write it (and logs
// why).
func DumpForDebugging[E any](tb Logger, log replay.Log[E], command string) string {
	tb.Helper()
	path := filepath.Join(os.TempDir(), "replaytui-"+unsafeName.ReplaceAllString(tb.Name(), "_")+".jsonl")
	os.Remove(path) // the dump of an earlier run of the same test
	if err := Dump(context.Background(), log, path); err != nil {
		tb.Logf("could not dump the log for the debugger: %v", err)
		return ""
	}
	tb.Logf("to step through these events: %s %s", command, path)
	return path
}
