package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"

	"github.com/replaytui/replaytui/internal/termtext"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// completionCmd prints a script that makes the shell ask the program
// itself for completions (of commands, flags, files and stream names).
type completionCmd[S, E any] struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"bash, zsh or fish."`
}

func (c *completionCmd[S, E]) Help() string {
	return `Examples:

    source <(replaytui completion bash)        # in ~/.bashrc
    source <(replaytui completion zsh)         # in ~/.zshrc
    replaytui completion fish | source         # in ~/.config/fish/config.fish`
}

func (c *completionCmd[S, E]) Run(a *app[S, E], k *kong.Kong) error {
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	name := k.Model.Name
	switch c.Shell {
	case "bash":
		fmt.Fprintf(a.out, "complete -C %q %s\n", bin, name)
	case "zsh":
		fmt.Fprintf(a.out, "autoload -U +X bashcompinit && bashcompinit\ncomplete -C %q %s\n", bin, name)
	case "fish":
		fmt.Fprintf(a.out, `function __complete_%[2]s
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    %[1]q
end
complete -f -c %[2]s -a "(__complete_%[2]s)"
`, bin, name)
	}
	return nil
}

// streamPredictor completes --stream with the streams of the log files
// already on the command line.
func streamPredictor[S, E any](a *app[S, E]) complete.Predictor {
	return complete.PredictFunc(func(args complete.Args) []string {
		// The predictor sees only the words after the command; the whole
		// line is in COMP_LINE.
		var files []string
		for _, w := range strings.Fields(os.Getenv("COMP_LINE"))[1:] {
			if strings.HasPrefix(w, "-") {
				continue
			}
			if st, err := os.Stat(w); err == nil && !st.IsDir() {
				files = append(files, w)
			}
		}
		if len(files) == 0 {
			return nil
		}
		l, err := jsonl.Open(files, jsonl.Options{SkipBad: true})
		if err != nil {
			return nil
		}
		defer l.Close()
		ctx, cancel := context.WithTimeout(a.ctx, 2*time.Second)
		defer cancel()
		keys, err := l.Streams(ctx)
		if err != nil {
			return nil
		}
		names := make([]string, 0, len(keys))
		for _, k := range keys {
			// The shell would list a name with controls or bidirectional
			// overrides raw, and escaped it would no longer be the name.
			if termtext.Safe(string(k)) {
				names = append(names, string(k))
			}
		}
		return names
	})
}
