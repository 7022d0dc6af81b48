// Command replaytui is a time-travel debugger for event-sourced systems:
// it opens logs of JSON events and folds them with a built-in reducer
// (merge, patch, set or jq). Run it with --help.
package main

import (
	"runtime/debug"

	"github.com/replaytui/replaytui/cli"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	if version == "" {
		version = "dev"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "(devel)" && info.Main.Version != "" {
			version = info.Main.Version
		}
	}
	var empty any = (*jsonv.Object)(nil) // {}; --initial can change it
	cli.Main(reduce.Merge, empty, cli.JSON(), cli.WithVersion(version), cli.TuneCollector())
}
