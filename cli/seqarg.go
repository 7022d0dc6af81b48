package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/replaytui/replaytui/replay"
)

// seqArg is a seq given on the command line: a number, or id:N, the
// event whose own id in the log is N (a table of one's own numbers each
// stream's rows 1, 2, 3… in the order of --pg-seq-column, and N is that
// column's value).
type seqArg struct {
	seq  replay.Seq
	id   int64
	byID bool
}

func (s *seqArg) UnmarshalText(text []byte) error {
	t := string(text)
	if rest, ok := strings.CutPrefix(t, "id:"); ok {
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return fmt.Errorf("%q: want id:N, N the event's id in the log (an integer)", t)
		}
		*s = seqArg{id: id, byID: true}
		return nil
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return fmt.Errorf("%q: want a seq (0, 1, 2…) or id:N, the event whose id in the log is N", t)
	}
	*s = seqArg{seq: replay.Seq(n)}
	return nil
}

func (s seqArg) String() string {
	if s.byID {
		return fmt.Sprintf("id:%d", s.id)
	}
	return fmt.Sprint(s.seq)
}

// seqOf resolves arg (nil: not given) to a seq of stream: an id: is
// looked up in the log, which must know its events' ids.
func (s *source[S, E]) seqOf(ctx context.Context, stream replay.StreamKey, flag string, arg *seqArg) (*replay.Seq, error) {
	if arg == nil {
		return nil, nil
	}
	if !arg.byID {
		return &arg.seq, nil
	}
	ids, ok := s.log.(replay.SourceIDs)
	if !ok {
		return nil, usageError("%s %s: this log's events have no ids but their seqs (id: is for a table of your own, --pg-seq-column)", flag, arg)
	}
	seq, found, err := ids.SeqOfSourceID(ctx, stream, arg.id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFound("%s %s: no event of stream %s has id %d", flag, arg, describeStream(stream), arg.id)
	}
	return &seq, nil
}

// idOf is " (id N)", the log's own id of the event at seq, when the log
// has ids other than seqs; "" when not.
func (s *source[S, E]) idOf(ctx context.Context, stream replay.StreamKey, seq replay.Seq) string {
	ids, ok := s.log.(replay.SourceIDs)
	if !ok || seq == 0 {
		return ""
	}
	if id, ok, err := ids.SourceID(ctx, stream, seq); err == nil && ok {
		return fmt.Sprintf(" (id %d)", id)
	}
	return ""
}

// sourceID is the log's own id of the event at seq, for --json; nil
// when the log has no ids other than seqs.
func (s *source[S, E]) sourceID(ctx context.Context, stream replay.StreamKey, seq replay.Seq) *int64 {
	ids, ok := s.log.(replay.SourceIDs)
	if !ok || seq == 0 {
		return nil
	}
	if id, ok, err := ids.SourceID(ctx, stream, seq); err == nil && ok {
		return &id
	}
	return nil
}

// withID puts id (" (id N)") after the first "seq N" of a message.
func withID(message string, seq replay.Seq, id string) string {
	if id == "" {
		return message
	}
	at := fmt.Sprintf("seq %d", seq)
	for i := 0; ; {
		j := strings.Index(message[i:], at)
		if j < 0 {
			return message + id
		}
		end := i + j + len(at)
		if end == len(message) || message[end] < '0' || message[end] > '9' {
			return message[:end] + id + message[end:]
		}
		i = end
	}
}
