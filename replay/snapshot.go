package replay

import "context"

// Snapshotter stores checkpoints: the state of a stream after some seq, so
// that a replay can start there instead of at the beginning.
//
// Implementations are safe for concurrent use by multiple goroutines.
type Snapshotter[S any] interface {
	// Save stores c. Saving again at the same stream and seq replaces the
	// earlier checkpoint.
	Save(ctx context.Context, c Checkpoint[S]) error

	// Load returns the most recent checkpoint with Seq <= atOrBefore.
	// Returns (nil, nil) if no such checkpoint exists (an unknown stream
	// is not an error). The checkpoint returned is the caller's.
	Load(ctx context.Context, stream StreamKey, atOrBefore Seq) (*Checkpoint[S], error)
}
