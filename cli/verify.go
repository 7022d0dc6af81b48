package cli

import (
	"errors"
	"fmt"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

type verifyCmd[S, E any] struct {
	filesArg
	streamFlag
	jsonFlag
}

func (c *verifyCmd[S, E]) Help() string {
	return `Checks every line (JSON, fields, times), every stream's seqs (no gap, no
duplicate, in order), and that the reducer is pure on every stream: that it
never modifies the state it is given and gives the same result twice.
Exit status 0 when all is well, 1 when not, with every problem listed.

Example:

    replaytui verify testdata/bank.jsonl`
}

func (c *verifyCmd[S, E]) Run(a *app[S, E]) error {
	// Skipping bad lines lists every problem instead of stopping at the
	// first.
	src, err := a.openWith(c.Files, jsonl.Options{SkipBad: true})
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.wait(a.ctx); err != nil {
		return err
	}
	var problems []string
	var st jsonl.Stats
	if src.files != nil {
		st = src.files.Stats()
		for _, p := range st.Problems {
			problems = append(problems, p.Error())
		}
		if n := st.Skipped + st.Renumbered - len(st.Problems); n > 0 && st.Truncated == nil {
			problems = append(problems, "… and "+count(n, "more problem"))
		}
	}
	var keys []replay.StreamKey
	infos, err := src.infos(a.ctx)
	if err != nil {
		return err
	}
	if c.Stream != nil || c.global() {
		key, err := a.chosen(src, c.streamFlag)
		if err != nil {
			return err
		}
		keys = []replay.StreamKey{key}
	} else {
		for _, info := range infos {
			keys = append(keys, info.Key)
		}
	}
	if src.files == nil {
		for _, info := range infos {
			st.Events += info.Events
		}
		st.Lines = st.Events
	}
	checked := st.Skipped+st.Renumbered == 0
	if checked {
		// Each stream is checked by one worker of the fleet, every core
		// busy; the problems are listed in the order of the streams.
		said := make([]string, len(keys))
		errs := make([]error, len(keys))
		work := make([]replay.StreamInfo, len(keys))
		for i, key := range keys {
			work[i] = replay.StreamInfo{Key: key}
		}
		f := &fleet{ctx: a.ctx}
		stopProgress := f.showProgress(a.progress)
		f.each(work, func(i int) {
			key := keys[i]
			err := replay.CheckPurity(a.ctx, src.log, key, a.apply, a.initial)
			if err == nil {
				return
			}
			var pe *replay.PurityError
			var ae *replay.ApplyError
			if !errors.As(err, &pe) && !errors.As(err, &ae) && !errors.Is(err, replay.ErrSeqMismatch) {
				errs[i] = err
				return
			}
			problem := err.Error()
			switch {
			case pe != nil:
				problem = withID(problem, pe.Seq, src.idOf(a.ctx, key, pe.Seq))
			case ae != nil:
				problem = withID(problem, ae.Seq, src.idOf(a.ctx, key, ae.Seq))
			}
			said[i] = problem
		})
		stopProgress()
		if err := a.ctx.Err(); err != nil {
			return err
		}
		for i := range keys {
			if errs[i] != nil {
				return errs[i]
			}
			if said[i] != "" {
				problems = append(problems, said[i])
			}
		}
	}
	if c.JSON {
		if problems == nil {
			problems = []string{}
		}
		if err := a.printJSON(map[string]any{"ok": len(problems) == 0, "streams": len(keys), "events": st.Events, "problems": problems, "reducerChecked": checked}); err != nil {
			return err
		}
	} else if len(problems) == 0 {
		fmt.Fprintf(a.out, "ok: %s, %s in %s; seqs in order; the reducer is pure on every stream\n", count(st.Lines, "line"), count(st.Events, "event"), count(len(keys), "stream"))
	} else {
		fmt.Fprintf(a.out, "%s:\n", count(len(problems), "problem"))
		for _, p := range problems {
			fmt.Fprintf(a.out, "  %s\n", p)
		}
		if !checked {
			fmt.Fprintln(a.out, "the reducer was not checked: mend the lines above first")
		}
	}
	if len(problems) > 0 {
		return silentFailure{}
	}
	return nil
}
