package replay

import "context"

// SourceIDs is a Log whose events have an id of their own in the source
// beside their seq: a table of one's own, whose rows a Log numbers 1, 2,
// 3… per stream in the order of an id column that has gaps. Tools show
// that id beside the seq, and take it where a seq is asked for.
type SourceIDs interface {
	// SourceID returns the source's id of the event at seq of stream;
	// ok is false when the stream has no such seq.
	SourceID(ctx context.Context, stream StreamKey, seq Seq) (id int64, ok bool, err error)
	// SeqOfSourceID returns the seq of the event of stream whose id is
	// id; ok is false when no event of the stream has that id.
	SeqOfSourceID(ctx context.Context, stream StreamKey, id int64) (seq Seq, ok bool, err error)
}
