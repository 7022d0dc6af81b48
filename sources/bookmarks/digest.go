package bookmarks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/replaytui/replaytui/replay"
)

// Digester computes the digests bookmarks are checked with: a running
// hash over the events of a stream, one event at a time.
type Digester struct {
	sum [sha256.Size]byte
}

// Add folds the next event (as its canonical bytes) into the digest.
func (d *Digester) Add(event []byte) {
	h := sha256.New()
	h.Write(d.sum[:])
	h.Write(event)
	h.Sum(d.sum[:0])
}

// String returns the digest of the events added so far.
func (d *Digester) String() string { return hex.EncodeToString(d.sum[:16]) }

// Digest returns the digest of events 1..seq of stream, each event given
// by line, its canonical text (the same for saving and checking).
func Digest[E any](ctx context.Context, log replay.Log[E], stream replay.StreamKey, seq replay.Seq, line func(replay.Event[E]) string) (string, error) {
	var d Digester
	for ev, err := range replay.All(ctx, log, stream) {
		if err != nil {
			return "", err
		}
		if ev.Seq > seq {
			break
		}
		d.Add([]byte(line(ev)))
		if ev.Seq == seq {
			return d.String(), nil
		}
	}
	return "", fmt.Errorf("stream %q has no seq %d", stream, seq)
}

// VerifyStream checks the events of every unverified bookmark of stream
// against log, reading the stream once, up to the last of them, and
// marks each Verified or Stale (see Verify). line is the events'
// canonical text, as for Digest.
func VerifyStream[S, E any](ctx context.Context, s *Store[S], log replay.Log[E], stream replay.StreamKey, line func(replay.Event[E]) string) error {
	want := map[replay.Seq]bool{}
	for _, b := range s.List(stream) {
		if b.Status == Unverified {
			want[b.Seq] = true
		}
	}
	var d Digester
	for ev, err := range replay.All(ctx, log, stream) {
		if err != nil {
			return err
		}
		if len(want) == 0 {
			break
		}
		d.Add([]byte(line(ev)))
		if want[ev.Seq] {
			s.Verify(stream, ev.Seq, d.String())
			delete(want, ev.Seq)
		}
	}
	if err := ctx.Err(); err != nil {
		return err // the stream was not read to its end
	}
	for seq := range want {
		s.settle(stream, seq, func(Bookmark) (Status, string) {
			return Stale, fmt.Sprintf("the stream now ends before seq %d", seq)
		})
	}
	return nil
}
