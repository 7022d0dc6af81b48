package jetstream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Snapshotter is a replay.Snapshotter over a JetStream key-value bucket:
// the checkpoint of stream s at seq n is the key <Token(s)>.<n as 20
// digits>, its value the state, encoded by a codec (default
// encoding/json). Load lists the keys of the stream (one request, one
// key per checkpoint: the bucket never reads a state it does not
// return) and gets the latest at or before the bound. A state must fit
// in one message (the server's max_payload, 1 MiB by default). It is
// safe for concurrent use.
type Snapshotter[S any] struct {
	kv        jetstream.KeyValue
	server    string
	marshal   func(S) ([]byte, error)
	unmarshal func([]byte) (S, error)
}

var _ replay.Snapshotter[int] = (*Snapshotter[int])(nil)

// NewSnapshotter returns the checkpoints kept in kv (CreateBucket makes
// one). marshal and unmarshal may be nil for encoding/json.
func NewSnapshotter[S any](js jetstream.JetStream, kv jetstream.KeyValue, marshal func(S) ([]byte, error), unmarshal func([]byte) (S, error)) (*Snapshotter[S], error) {
	if js == nil || kv == nil {
		return nil, errors.New("jetstream: the JetStream context or the bucket is nil")
	}
	marshal, unmarshal = jsonv.StateCodec(marshal, unmarshal)
	return &Snapshotter[S]{kv: kv, server: host(js), marshal: marshal, unmarshal: unmarshal}, nil
}

func checkpointKey(stream replay.StreamKey, seq replay.Seq) string {
	return fmt.Sprintf("%s.%020d", Token(stream), uint64(seq))
}

// Save implements [replay.Snapshotter].
func (s *Snapshotter[S]) Save(ctx context.Context, cp replay.Checkpoint[S]) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	state, err := s.marshal(cp.State)
	if err != nil {
		return fmt.Errorf("save checkpoint %q seq %d: the state does not encode: %w", cp.Stream, cp.Seq, err)
	}
	if _, err := s.kv.Put(ctx, checkpointKey(cp.Stream, cp.Seq), state); err != nil {
		return wrap(s.server, fmt.Sprintf("save checkpoint %q seq %d", cp.Stream, cp.Seq), err)
	}
	return nil
}

// Load implements [replay.Snapshotter].
func (s *Snapshotter[S]) Load(ctx context.Context, stream replay.StreamKey, atOrBefore replay.Seq) (*replay.Checkpoint[S], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	what := fmt.Sprintf("load checkpoint %q at or before seq %d", stream, atOrBefore)
	seqs, err := s.seqs(ctx, stream)
	if err != nil {
		return nil, wrap(s.server, what, err)
	}
	// Latest first; a key deleted since it was listed is passed over.
	for i := len(seqs) - 1; i >= 0; i-- {
		if seqs[i] > atOrBefore {
			continue
		}
		entry, err := s.kv.Get(ctx, checkpointKey(stream, seqs[i]))
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, wrap(s.server, what, err)
		}
		st, err := s.unmarshal(entry.Value())
		if err != nil {
			return nil, fmt.Errorf("checkpoint %q seq %d: the state does not decode: %w", stream, seqs[i], err)
		}
		return &replay.Checkpoint[S]{Stream: stream, Seq: seqs[i], State: st}, nil
	}
	return nil, nil
}

// seqs returns the seqs of the stream's checkpoints, ascending (the keys
// are zero-padded, so their order is the seqs').
func (s *Snapshotter[S]) seqs(ctx context.Context, stream replay.StreamKey) ([]replay.Seq, error) {
	prefix := Token(stream) + "."
	lister, err := s.kv.ListKeysFiltered(ctx, prefix+"*")
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer lister.Stop()
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.Sort(keys)
	seqs := make([]replay.Seq, 0, len(keys))
	for _, k := range keys {
		n, err := strconv.ParseUint(strings.TrimPrefix(k, prefix), 10, 64)
		if err != nil {
			continue // not a checkpoint key of ours
		}
		seqs = append(seqs, replay.Seq(n))
	}
	return seqs, nil
}
