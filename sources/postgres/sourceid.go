package postgres

import (
	"context"
	"slices"

	"github.com/replaytui/replaytui/replay"
)

var _ replay.SourceIDs = (*Table[int])(nil)

// SourceID implements [replay.SourceIDs]: the seq column's value of the
// event at seq.
func (t *Table[E]) SourceID(ctx context.Context, stream replay.StreamKey, seq replay.Seq) (int64, bool, error) {
	if seq == 0 {
		return 0, false, ctx.Err()
	}
	keys, err := t.known(ctx, stream, int(seq))
	if err != nil || int(seq) > len(keys) {
		return 0, false, err
	}
	return keys[seq-1], true, nil
}

// SeqOfSourceID implements [replay.SourceIDs]: the seq of the row whose
// seq column holds id.
func (t *Table[E]) SeqOfSourceID(ctx context.Context, stream replay.StreamKey, id int64) (replay.Seq, bool, error) {
	keys, err := t.known(ctx, stream, -1)
	if err != nil {
		return 0, false, err
	}
	i, found := slices.BinarySearch(keys, id)
	return replay.Seq(i + 1), found, nil
}
