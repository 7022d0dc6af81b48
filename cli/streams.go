package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/replaytui/replaytui/internal/termtext"
	"github.com/replaytui/replaytui/replay"
)

type streamsCmd[S, E any] struct {
	filesArg
	jsonFlag
}

func (c *streamsCmd[S, E]) Help() string {
	return "Example:\n\n    replaytui streams testdata/bank.jsonl"
}

func (c *streamsCmd[S, E]) Run(a *app[S, E]) error {
	src, err := a.opened(c.Files)
	if err != nil {
		return err
	}
	defer src.Close()
	infos, err := src.infos(a.ctx)
	if err != nil {
		return err
	}
	if c.JSON {
		out := make([]map[string]any, len(infos))
		for i, info := range infos {
			out[i] = map[string]any{"stream": info.Key, "events": info.Events, "first": jsonTime(info.First), "last": jsonTime(info.Last)}
		}
		return a.printJSON(out)
	}
	w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STREAM\tEVENTS\tFIRST\tLAST")
	for _, info := range infos {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", streamName(info.Key), info.Events, formatTime(info.First), formatTime(info.Last))
	}
	return w.Flush()
}

func streamName(k replay.StreamKey) string {
	if _, ok := replay.GlobalStreams(k); ok {
		return cell(describeStream(k))
	}
	if k == "" {
		return `""`
	}
	return cell(string(k))
}

// cell shows text from a log in one cell of a table. The writer escapes
// what could drive the terminal anyway; a cell also escapes the tabs and
// newlines the writer keeps for the layout, which in a stream name or an
// event type would fake another cell or row.
func cell(s string) string { return termtext.Clean(s) }
