// Package cli is the replaytui command line, generic over the state S and
// the event payload E, so that a program with typed Go events gets the
// whole tool in a five-line main:
//
//	func main() { cli.Main(bank.Apply, bank.State{}) }
//
// The replaytui binary is that call for JSON events with the built-in
// reducers: cli.Main(reduce.Merge, jsonv.EmptyObject(), cli.JSON()).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"

	"github.com/replaytui/replaytui/internal/termtext"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// Main runs the command line with os.Args and exits with its status.
//
// Ctrl-C (SIGINT) or SIGTERM interrupts the command: its context ends,
// which stops reading and folding and any jq program running, and it
// exits with status 130. A fold that cannot notice (an apply of the
// program's own stuck in a loop) is not waited for beyond a few seconds,
// nor after a second Ctrl-C.
func Main[S, E any](apply replay.Apply[S, E], initial S, opts ...Option) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		cancel()
		select {
		case <-signals:
		case <-time.After(3 * time.Second):
		}
		fmt.Fprintln(os.Stderr, "interrupted")
		os.Exit(exitInterrupted)
	}()
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr, apply, initial, opts...)
	cancel()
	os.Exit(code)
}

// app is what every command runs with.
type app[S, E any] struct {
	ctx     context.Context
	cfg     *config[S, E]
	apply   replay.Apply[S, E]
	initial S
	skipBad bool
	// out and errOut are for people: everything written to them is
	// escaped by termtext, so no text from a log can drive the terminal
	// (set its title, write the clipboard, reorder what it shows).
	// jsonOut is standard output for --json, escaped as JSON escapes
	// (the same JSON, as exact); dataOut is standard output as it is,
	// for the JSON Lines export writes.
	out, errOut, jsonOut io.Writer
	dataOut              io.Writer
	// progress is standard error when it is a terminal, for progress
	// lines redrawn in place (replaytui's own text only); nil otherwise.
	progress io.Writer

	// reduceFlag and initialFlag point at --reduce and --initial, which
	// programs with a reducer option have.
	reduceFlag, initialFlag *string

	// applyID identifies apply for bookmarks: the reducer with --reduce,
	// else what the program says (WithApplyID).
	applyID string

	pg          pgFlags
	nats        natsFlags
	follow      bool
	checkpoints string
	// global is the global order the command folds (--global), which
	// tells an event's seq in its own stream; closeGlobal closes its log
	// once Run has told where an apply failed.
	global      *replay.GlobalLog[E]
	closeGlobal func() error
	// guard bounds the built-in jq reducers; nil for a program's own apply.
	guard *reduce.Guard
}

// Run runs the command line with args and returns the exit status: 0 ok,
// 1 not found or check failed, 2 usage, 3 bad input.
func Run[S, E any](ctx context.Context, args []string, stdout, stderr io.Writer, apply replay.Apply[S, E], initial S, opts ...Option) int {
	out, errOut, jsonOut := termtext.NewWriter(stdout), termtext.NewWriter(stderr), termtext.NewJSONWriter(stdout)
	defer out.Flush()
	defer errOut.Flush()
	defer jsonOut.Flush()
	dataOut, progress := stdout, terminal(stderr)
	stdout, stderr = out, errOut
	cfg := defaults(apply, initial)
	for _, o := range opts {
		if err := o.apply(cfg); err != nil {
			fmt.Fprintf(stderr, "%s: option: %v\n", cfg.name, err)
			return exitUsage
		}
	}
	a := &app[S, E]{ctx: ctx, cfg: cfg, apply: apply, initial: initial, applyID: cfg.applyIdentity(), out: out, errOut: errOut, jsonOut: jsonOut, dataOut: dataOut, progress: progress}

	var globals *globalFlags
	var model any
	var limits *applyLimits
	if cfg.reducer != nil {
		m := &jsonCLI[S, E]{}
		model, globals = m, &m.globalFlags
		a.reduceFlag, a.initialFlag = &m.Reduce, &m.Initial
		limits = &m.applyLimits
	} else {
		m := &typedCLI[S, E]{}
		model, globals = m, &m.globalFlags
	}

	exited := -1
	parser, err := kong.New(model,
		kong.Name(cfg.name),
		kong.Description(description),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": cfg.name + " " + cfg.version},
		kong.Writers(stdout, stderr),
		// kong "exits" after --help and --version: note it, and let Parse
		// return; whatever it says after that is ignored.
		kong.Exit(func(code int) {
			if exited < 0 {
				exited = code
			}
		}),
		kong.Bind(a),
	)
	if err != nil {
		fmt.Fprintf(stderr, "%s: internal error: %v\n", cfg.name, err)
		return exitBadInput
	}
	// A shell asking for completions (COMP_LINE set) is answered here.
	kongplete.Complete(parser,
		kongplete.WithPredictor("file", complete.PredictFiles("*")),
		kongplete.WithPredictor("stream", streamPredictor(a)),
		kongplete.WithExitFunc(func(code int) { exited = code }),
	)
	if exited >= 0 {
		return exitCodeOfKong(exited)
	}

	kctx, err := parser.Parse(args)
	if exited >= 0 {
		return exitCodeOfKong(exited)
	}
	if err != nil {
		var pe *kong.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "%s: error: %v\n", cfg.name, err)
			if pe.Context != nil {
				fmt.Fprintf(stderr, "run '%s' for usage\n", strings.Join(strings.Fields(cfg.name+" "+pe.Context.Command()+" --help"), " "))
			}
			return exitUsage
		}
		fmt.Fprintf(stderr, "%s: error: %v\n", cfg.name, err)
		return exitUsage
	}
	a.skipBad, a.follow, a.checkpoints, a.pg, a.nats = globals.SkipBad, globals.Follow, globals.Checkpoints, globals.pgFlags, globals.natsFlags
	if limits != nil {
		a.guard = reduce.NewGuard(ctx, limits.ApplyTimeout, int64(limits.ApplyMemory))
	}
	if err := a.resolve(); err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", cfg.name, err)
		return exitCode(err)
	}
	err = kctx.Run()
	if a.closeGlobal != nil {
		defer a.closeGlobal()
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "%s: interrupted\n", cfg.name)
			return exitInterrupted
		}
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(stderr, "%s: error: %s\n", cfg.name, msg)
		}
		var ae *replay.ApplyError
		if errors.As(err, &ae) {
			if ev, ok := ae.Event.(replay.Event[E]); ok {
				if _, global := replay.GlobalStreams(ae.Stream); global {
					// Its seq is its place in the global order; its line
					// shows its seq in its own stream.
					where := fmt.Sprintf("seq %d of %s, in stream %q", ae.Seq, describeStream(ae.Stream), ev.Stream)
					if a.global != nil && a.global.Key() == ae.Stream {
						if own, seq, err := a.global.Origin(ctx, ae.Seq); err == nil {
							ev.Stream, ev.Seq = own, seq
							where = fmt.Sprintf("seq %d of %s, seq %d of stream %q", ae.Seq, describeStream(ae.Stream), seq, own)
						}
					}
					fmt.Fprintf(stderr, "the event (%s): %s", where, a.eventLine(ev))
				} else {
					fmt.Fprintf(stderr, "the event: %s", a.eventLine(ev))
				}
			}
		}
		return exitCode(err)
	}
	return exitOK
}

// terminal is w when it is a terminal, else nil.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}

// eventLine renders an event as its JSON Lines line, for messages.
func (a *app[S, E]) eventLine(ev replay.Event[E]) string {
	p, err := a.cfg.codec.Encode(ev.Payload)
	if err == nil {
		line, err := jsonl.MarshalLine(replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: p})
		if err == nil {
			return string(line)
		}
	}
	return fmt.Sprintf("%+v\n", ev)
}

// exitCodeOfKong maps kong's own exits (help, version: 0; usage: 80) to
// ours.
func exitCodeOfKong(code int) int {
	if code == 0 {
		return exitOK
	}
	return exitUsage
}

const description = `A time-travel debugger for event-sourced systems.

Reads logs of events as JSON Lines (one event a line: stream, seq, time,
payload), plain, .gz or .zst, several files at once, or - for standard input.
A URL reads a log in a bucket: file:///dir/log.jsonl, or s3://bucket/key,
gs:// and azblob:// in a binary built with -tags cloud.

A stream's events are numbered from seq 1; seq 0 is the initial state, before
the first event. Without a seq flag, a command looks at the whole stream.

Text from the log is shown with control characters and bidirectional
overrides escaped (\x1b, \u202e): no log can drive the terminal. --json
output is exact JSON.

Exit status: 0 ok; 1 nothing found, a check failed, no such stream or seq;
2 bad usage (flags, expressions, reducers); 3 bad input (a log that cannot be
read or folded).`

// globalFlags apply to every command.
type globalFlags struct {
	SkipBad     bool             `help:"Skip malformed lines and repeated seqs instead of stopping at the first one; how many were skipped is reported."`
	Follow      bool             `short:"f" help:"Keep reading: events appended to the file or table show up in the debugger as they come. A file rotated away is followed under its name; a file truncated is no longer followed. A table's global order (--global) is not followed: writers may commit its ids out of order."`
	Checkpoints string           `placeholder:"URL" help:"Keep bookmarks in object storage (s3://bucket?region=..., gs://, azblob://, file:///dir) instead of beside the log, one object per log file: its name and a hash of its absolute path (or URL). s3://, gs:// and azblob:// need a binary built with -tags cloud."`
	Version     kong.VersionFlag `help:"Print the version and exit."`
	pgFlags     `embed:""`
	natsFlags   `embed:""`
}

type commands[S, E any] struct {
	Debug      debugCmd[S, E]      `cmd:"" default:"withargs" help:"Open the time-travel debugger on a log (the default command)."`
	Streams    streamsCmd[S, E]    `cmd:"" help:"List the streams of a log with their events and time range."`
	State      stateCmd[S, E]      `cmd:"" help:"Print the state of a stream after a seq (the last by default) or at a time."`
	Diff       diffCmd[S, E]       `cmd:"" help:"Show what changed in a stream between two seqs: path, old, new."`
	Find       findCmd[S, E]       `cmd:"" help:"Find the first seq (or every seq) where a condition over state and event holds."`
	Blame      blameCmd[S, E]      `cmd:"" help:"List the events that changed a value; the last made it what it is."`
	Diverge    divergeCmd[S, E]    `cmd:"" help:"Fold each stream through two reducers and show the first seq where their states differ."`
	Series     seriesCmd[S, E]     `cmd:"" help:"Print a value at every seq of a stream: a text chart, or the series as --json or --csv."`
	Verify     verifyCmd[S, E]     `cmd:"" help:"Check a log: its lines, its seqs, and that the reducer is pure."`
	Export     exportCmd[S, E]     `cmd:"" help:"Write streams of a log to a JSON Lines file."`
	Completion completionCmd[S, E] `cmd:"" help:"Print a shell completion script (bash, zsh or fish)."`
}

// typedCLI is the command line of a program with its own Go types.
type typedCLI[S, E any] struct {
	globalFlags `embed:""`
	commands[S, E]
}

// jsonCLI adds the choice of reducer and initial state.
type jsonCLI[S, E any] struct {
	globalFlags `embed:""`
	Reduce      string `short:"r" default:"merge" placeholder:"REDUCER" help:"How events change the state: merge (RFC 7386 merge patch of the payload), patch (RFC 6902 operations in the payload), set (the payload is the new state) or jq:PROGRAM (the state is ., the event $event; e.g. 'jq:.balance += $event.payload.amount')."`
	Initial     string `default:"{}" placeholder:"JSON" help:"The state before the first event."`
	applyLimits `embed:""`
	commands[S, E]
}

// applyLimits bound one apply of a jq reducer (see reduce.Guard).
type applyLimits struct {
	ApplyTimeout time.Duration `default:"10s" placeholder:"DURATION" help:"Stop a jq reducer that runs longer than this on one event, with an error naming it (0: no limit)."`
	ApplyMemory  byteSize      `default:"2GiB" placeholder:"SIZE" help:"Stop a jq reducer that grows the heap by more than this on one event (512MiB, 2GiB; 0: no limit)."`
}

// byteSize is a flag of bytes with a unit: 512MiB, 2GiB, 1000000.
type byteSize int64

func (b *byteSize) Decode(ctx *kong.DecodeContext) error {
	var text string
	if err := ctx.Scan.PopValueInto("size", &text); err != nil {
		return err
	}
	n, err := parseByteSize(text)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func parseByteSize(text string) (int64, error) {
	units := []struct {
		suffix string
		scale  int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	num, scale := strings.TrimSpace(text), int64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, scale = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.scale
			break
		}
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 || n*float64(scale) > 1<<62 {
		return 0, fmt.Errorf("%q is not a size: want a number of bytes with a unit, such as 512MiB or 2GiB", text)
	}
	return int64(n * float64(scale)), nil
}

// resolve turns --reduce and --initial into the apply and initial state.
func (a *app[S, E]) resolve() error {
	if a.reduceFlag == nil {
		return nil
	}
	apply, id, err := a.cfg.reducer(*a.reduceFlag, a.guard)
	if err != nil {
		return usageError("--reduce: %v", err)
	}
	a.apply, a.applyID = apply, id
	if a.cfg.parseInitial != nil {
		initial, err := a.cfg.parseInitial(*a.initialFlag)
		if err != nil {
			return usageError("%v", err)
		}
		a.initial = initial
	}
	return nil
}
