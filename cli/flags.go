package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/replaytui/replaytui/internal/words"
)

// filesArg is the log files every command reads.
type filesArg struct {
	Files []string `arg:"" optional:"" name:"file" predictor:"file" help:"Log files (JSON Lines; .gz and .zst too; - for standard input), read as one log in order; or --pg. A URL reads an object in a bucket: file:///dir/log.jsonl, and with a binary built with -tags cloud s3://bucket/key, gs://, azblob:// (credentials from the environment: AWS_*, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_*)."`
}

type streamFlag struct {
	Stream *string `short:"s" predictor:"stream" help:"The stream to use; may be left out when the log has only one."`
	// The global order: a projection over many streams, as one stream.
	Global  bool     `short:"g" help:"Fold the events of every stream as one stream, in the log's global order (the files' line order, a table's insertion order): a projection, a read model. Each event keeps its stream; seqs are places in that order. Not with --stream."`
	Streams []string `placeholder:"NAME,GLOB" help:"--global over these streams only: names or globs (acct-*), comma-separated."`
	Order   string   `placeholder:"MEMBER" help:"--global ordered by this numeric top-level member of every line (gseq) instead of the files' line order; a line without it, or two with the same value, is an error."`
}

// global reports whether the flags ask for the global order.
func (f streamFlag) global() bool { return f.Global || len(f.Streams) > 0 || f.Order != "" }

type jsonFlag struct {
	JSON bool `help:"Print JSON, for scripts."`
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func jsonTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.RFC3339Nano)
}

func (a *app[S, E]) printJSON(v any) error {
	enc := json.NewEncoder(a.jsonOut)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// warn reports what indexing skipped or found cut, so that nothing is
// dropped unseen.
func (a *app[S, E]) warn(src *source[S, E]) {
	if src.files == nil {
		return
	}
	st := src.files.Stats()
	if st.Skipped > 0 || st.Renumbered > 0 {
		fmt.Fprintf(a.errOut, "%s: warning: --skip-bad skipped %s and renumbered %d:\n", a.cfg.name, count(st.Skipped, "line"), st.Renumbered)
		for i, p := range st.Problems {
			if i == 5 {
				fmt.Fprintf(a.errOut, "  … and %d more (see the verify command)\n", st.Skipped+st.Renumbered-5)
				break
			}
			fmt.Fprintf(a.errOut, "  %v\n", &p)
		}
	}
	if st.Truncated != nil {
		fmt.Fprintf(a.errOut, "%s: warning: %v\n", a.cfg.name, st.Truncated)
	}
}

// opened opens the files, waits for the index and reports problems.
func (a *app[S, E]) opened(files []string) (*source[S, E], error) {
	src, err := a.open(files)
	if err != nil {
		return nil, err
	}
	if err := src.wait(a.ctx); err != nil {
		src.Close()
		return nil, err
	}
	a.warn(src)
	return src, nil
}

// count is a count and its noun, in words: 1 line, 2 lines.
var count = words.Count
