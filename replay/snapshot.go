package replay

import "context"

// Snapshotter stores checkpoints: the state of a stream after some seq, so
// that a replay can start there instead of at the beginning.
//
// Implementations are safe for concurrent use by multiple goroutines.
type Snapshotter[S any] interface {
	// Save stores cp. Saving again at the same stream and seq replaces the
	// earlier checkpoint.
	Save(ctx context.Context, cp Checkpoint[S]) error

	// Load returns the checkpoint of stream with the greatest Seq that is
	// <= atOrBefore, and true; or false when there is none (an unknown
	// stream is not an error).
	Load(ctx context.Context, stream StreamKey, atOrBefore Seq) (Checkpoint[S], bool, error)
}
