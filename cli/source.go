package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// source is an opened log: the JSON Lines index and the same log with
// payloads decoded into E.
type source[S, E any] struct {
	files *jsonl.Log
	log   replay.Log[E]
}

func (a *app[S, E]) open(files []string) (*source[S, E], error) {
	return a.openWith(files, jsonl.Options{})
}

// openWith opens with options; --skip-bad is added to them.
func (a *app[S, E]) openWith(files []string, opts jsonl.Options) (*source[S, E], error) {
	opts.SkipBad = a.skipBad
	l, err := jsonl.Open(files, opts)
	if err != nil {
		return nil, err
	}
	src := &source[S, E]{files: l}
	if direct, ok := any(l).(replay.Log[E]); ok {
		src.log = direct // JSON events: no conversion
	} else {
		src.log = &typedLog[S, E]{l: l, cfg: a.cfg}
	}
	return src, nil
}

func (s *source[S, E]) Close() error { return s.files.Close() }

// stream resolves --stream: the named stream, which must exist, or the
// only stream of the log.
func (s *source[S, E]) stream(ctx context.Context, name *string) (replay.StreamKey, error) {
	infos, err := s.files.StreamInfos(ctx)
	if err != nil {
		return "", err
	}
	if name != nil {
		for _, info := range infos {
			if string(info.Key) == *name {
				return info.Key, nil
			}
		}
		return "", notFound("no stream %q in this log; it has %s", *name, listStreams(infos))
	}
	switch len(infos) {
	case 0:
		return "", notFound("the log has no events")
	case 1:
		return infos[0].Key, nil
	}
	return "", usageError("the log has %d streams; choose one with --stream: %s", len(infos), listStreams(infos))
}

// guessStream is the stream --stream names, or the log's first, without
// waiting for the index: stream checks it once the index is complete.
func (s *source[S, E]) guessStream(ctx context.Context, name *string) (replay.StreamKey, error) {
	if name != nil {
		return replay.StreamKey(*name), nil
	}
	key, ok, err := s.files.FirstStream(ctx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", notFound("the log has no events")
	}
	return key, nil
}

func listStreams(infos []jsonl.StreamInfo) string {
	const most = 12
	names := make([]string, 0, most)
	for _, info := range infos[:min(len(infos), most)] {
		names = append(names, fmt.Sprintf("%q (%d events)", info.Key, info.Events))
	}
	if len(infos) > most {
		names = append(names, fmt.Sprintf("and %d more (see the streams command)", len(infos)-most))
	}
	return strings.Join(names, ", ")
}

// typedLog is a JSON Lines log whose payloads decode into E.
type typedLog[S, E any] struct {
	l   *jsonl.Log
	cfg *config[S, E]
}

func (t *typedLog[S, E]) Append(ctx context.Context, ev replay.Event[E]) (replay.Seq, error) {
	p, err := t.cfg.encode(ev.Payload)
	if err != nil {
		return 0, err
	}
	return t.l.Append(ctx, replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: p})
}

func (t *typedLog[S, E]) Read(ctx context.Context, stream replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[E], error) {
	events, err := t.l.Read(ctx, stream, from, limit)
	if err != nil {
		return nil, err
	}
	out := make([]replay.Event[E], len(events))
	for i, ev := range events {
		e, err := t.cfg.decode(ev.Payload)
		if err != nil {
			return nil, fmt.Errorf("stream %q seq %d: %w", stream, ev.Seq, err)
		}
		out[i] = replay.Event[E]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: e}
	}
	return out, nil
}

func (t *typedLog[S, E]) Latest(ctx context.Context, stream replay.StreamKey) (replay.Seq, error) {
	return t.l.Latest(ctx, stream)
}

func (t *typedLog[S, E]) Streams(ctx context.Context) ([]replay.StreamKey, error) {
	return t.l.Streams(ctx)
}

// seqAtTime returns the last seq whose event time is at or before at.
func seqAtTime[E any](ctx context.Context, log replay.Log[E], stream replay.StreamKey, at string) (replay.Seq, error) {
	t, ok, err := jsonl.ParseTime([]byte(fmt.Sprintf("%q", at)))
	if err != nil || !ok {
		return 0, usageError("--at-time %q: %v", at, err)
	}
	var found replay.Seq
	for ev, err := range replay.All(ctx, log, stream) {
		if err != nil {
			return 0, err
		}
		if !ev.Time.IsZero() && !ev.Time.After(t) {
			found = ev.Seq
		}
	}
	if found == 0 {
		return 0, notFound("no event of stream %q is at or before %s", stream, at)
	}
	return found, nil
}
