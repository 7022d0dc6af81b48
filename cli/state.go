package cli

import (
	"fmt"

	"github.com/replaytui/replaytui/internal/collector"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

type stateCmd[S, E any] struct {
	filesArg
	streamFlag
	At     *seqArg `placeholder:"SEQ" help:"Show the state after this seq (default: the last); 0 is the initial state, before the first event; id:N, after the event whose id is N (a table of your own: --pg-seq-column)."`
	AtTime string  `placeholder:"TIME" help:"Show the state after the last event at or before this time (RFC 3339 or a date)." xor:"at"`
	jsonFlag
}

func (c *stateCmd[S, E]) Help() string {
	return `Examples:

    replaytui state testdata/bank.jsonl --stream acct-alice
    replaytui state testdata/bank.jsonl --stream acct-alice --at 3 --json
    replaytui state testdata/bank.jsonl --stream acct-alice --at 0    (the initial state)
    replaytui state testdata/bank.jsonl -s acct-alice --at-time 2026-05-30

A projection over many streams, in the log's global order (--global):

    replaytui -r 'jq:.deposits = (.deposits // 0) + ($event.payload.amount // 0)' state testdata/bank.jsonl --global
    replaytui -r 'jq:.n = (.n // 0) + 1' state testdata/bank.jsonl --streams 'acct-a*,acct-bob' --at 5
    replaytui -r 'jq:.n = (.n // 0) + 1' state capture.jsonl --global --order gseq`
}

func (c *stateCmd[S, E]) Run(a *app[S, E]) error {
	// A batch job that allocates briskly and keeps little: collecting
	// garbage half as often costs some memory and saves a tenth of the
	// time of a large fold. Only in a program that asked for it
	// (TuneCollector), and where nobody chose otherwise.
	if a.cfg.tuneCollector {
		defer collector.Percent(200)()
	}
	whole := c.At == nil && c.AtTime == ""
	acc := a.accumulator()
	prepare := a.prepare(acc)
	opts := jsonl.Options{
		// The final state of a stream is computed while the log is
		// indexed, in one pass: the log parses the stream ahead.
		ReadAheadFirst: whole && c.Stream == nil && !c.global(),
		Prepare:        prepare,
	}
	if whole && c.Stream != nil && !c.global() {
		opts.ReadAheadStream = replay.StreamKey(*c.Stream)
	}
	src, err := a.openWith(c.Files, opts)
	if err != nil {
		return err
	}
	defer src.Close()
	// Which streams the log has is known, and checked, only once that
	// pass is over.
	var stream replay.StreamKey
	if c.global() {
		stream, err = a.chosen(src, c.streamFlag)
	} else {
		stream, err = src.guessStream(a.ctx, c.Stream)
	}
	if err != nil {
		// A log with no events may be one whose every line was skipped:
		// say so before saying it is empty.
		if werr := src.wait(a.ctx); werr == nil {
			a.warn(src)
		}
		return err
	}
	var state S
	if whole {
		state, err = a.finalState(src, stream, acc)
	}
	if werr := src.wait(a.ctx); werr != nil {
		return werr
	}
	a.warn(src)
	if _, serr := a.chosen(src, c.streamFlag); serr != nil {
		return serr
	}
	at, aerr := src.seqOf(a.ctx, stream, "--at", c.At)
	if aerr != nil {
		return aerr
	}
	switch {
	case at != nil && c.AtTime != "":
		return usageError("give --at or --at-time, not both")
	case at != nil && *at == 0:
		state = a.initial // Replay would take 0 for the whole stream
	case at != nil:
		state, err = replay.Replay(a.ctx, src.log, nil, stream, *at, a.apply, a.initial, replay.Options{})
	case c.AtTime != "":
		target, terr := seqAtTime(a.ctx, src.log, stream, c.AtTime)
		if terr != nil {
			return terr
		}
		state, err = replay.Replay(a.ctx, src.log, nil, stream, target, a.apply, a.initial, replay.Options{})
	}
	if err != nil {
		return err
	}
	if c.JSON {
		out, err := a.cfg.marshal(state)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.jsonOut, "%s\n", out)
		return err
	}
	_, err = fmt.Fprintln(a.out, a.cfg.show(state))
	return err
}

// prepare is what the log's readers work out of JSON payloads ahead of
// the fold: their decoded value, for the built-in reducers that take it;
// nothing for an accumulator that reads the text itself (merge, set:
// decoding it into maps first would cost more than it saves), nor for
// typed programs.
func (a *app[S, E]) prepare(acc replay.Accumulator[S, E]) func(jsonv.Payload) jsonv.Payload {
	decoded, _ := any(acc).(interface{ DecodedPayloads() bool })
	if a.reduceFlag == nil || (acc != nil && (decoded == nil || !decoded.DecodedPayloads())) {
		return nil
	}
	return jsonv.Payload.Predecode
}

// accumulator returns the reducer's accumulator, if it has one.
func (a *app[S, E]) accumulator() replay.Accumulator[S, E] {
	if a.cfg.accumulate != nil && a.reduceFlag != nil {
		return a.cfg.accumulate(*a.reduceFlag, a.guard, a.initial)
	}
	return nil
}

// finalState folds the whole stream, with the accumulator when there is
// one: it folds in place.
func (a *app[S, E]) finalState(src *source[S, E], stream replay.StreamKey, acc replay.Accumulator[S, E]) (S, error) {
	if acc == nil {
		return replay.Replay(a.ctx, src.log, nil, stream, 0, a.apply, a.initial, replay.Options{})
	}
	var zero S
	var at replay.Seq
	for ev, err := range replay.All(a.ctx, src.log, stream) {
		if err != nil {
			return zero, err
		}
		if ev.Seq != at+1 {
			return zero, fmt.Errorf("stream %s: expected seq %d, the log returned seq %d: %w", describeStream(stream), at+1, ev.Seq, replay.ErrSeqMismatch)
		}
		if err := acc.Add(ev); err != nil {
			// As if apply had panicked with err, as a reducer does.
			return zero, &replay.ApplyError{Stream: stream, Seq: ev.Seq, Panic: err, Err: err, Event: ev}
		}
		at = ev.Seq
	}
	if at == 0 {
		return zero, fmt.Errorf("stream %s: %w", describeStream(stream), replay.ErrEmptyStream)
	}
	return acc.State(), nil
}
