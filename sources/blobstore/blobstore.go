// Package blobstore keeps replay checkpoints in object storage through
// gocloud.dev/blob: S3, GCS, Azure Blob, a local folder (file://) or
// memory (mem://), chosen by URL. Large states belong there rather than
// in a database row.
//
// A checkpoint is one object, STREAM/SEQ.json under the bucket's prefix,
// the seq zero-padded so that keys sort by seq. Each object is written
// whole (the drivers make a write visible only once complete), so a
// reader never sees half a checkpoint.
//
// This package registers the file:// and mem:// schemes; a program that
// wants s3://, gs:// or azblob:// imports gocloud.dev/blob/s3blob,
// gcsblob or azureblob too (the replaytui binary does when built with
// -tags cloud).
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file://
	_ "gocloud.dev/blob/memblob"  // mem://

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// Snapshotter is a replay.Snapshotter in a bucket. It is safe for
// concurrent use.
type Snapshotter[S any] struct {
	bucket    *blob.Bucket
	url       string
	marshal   func(S) ([]byte, error)
	unmarshal func([]byte) (S, error)
}

var _ replay.Snapshotter[int] = (*Snapshotter[int])(nil)

// Open opens the bucket at url (e.g. s3://bucket?region=eu-west-1&prefix=cp/,
// file:///var/lib/replay/cp, mem://). marshal and unmarshal may be nil for
// encoding/json.
func Open[S any](ctx context.Context, url string, marshal func(S) ([]byte, error), unmarshal func([]byte) (S, error)) (*Snapshotter[S], error) {
	bucket, err := OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("checkpoints %s: %w", url, err)
	}
	marshal, unmarshal = jsonv.StateCodec(marshal, unmarshal)
	return &Snapshotter[S]{bucket: bucket, url: url, marshal: marshal, unmarshal: unmarshal}, nil
}

// ErrNoDriver is the error for a URL whose scheme no driver in the program
// serves.
var ErrNoDriver = errors.New("no driver for this scheme in this program")

// cloudSchemes are the object stores whose drivers the replaytui binary
// links only when built with -tags cloud.
var cloudSchemes = map[string]struct{ name, driver string }{
	"s3":     {"S3", "gocloud.dev/blob/s3blob"},
	"gs":     {"Google Cloud Storage", "gocloud.dev/blob/gcsblob"},
	"azblob": {"Azure Blob", "gocloud.dev/blob/azureblob"},
}

// OpenBucket opens the bucket at url, saying what to do when the scheme's
// driver is not in the program instead of gocloud's list of schemes.
func OpenBucket(ctx context.Context, rawURL string) (*blob.Bucket, error) {
	if u, err := url.Parse(rawURL); err == nil && u.Scheme != "" && !blob.DefaultURLMux().ValidBucketScheme(u.Scheme) {
		if c, ok := cloudSchemes[u.Scheme]; ok {
			return nil, fmt.Errorf("%w: %s:// (%s) comes with the cloud drivers: go install -tags cloud github.com/replaytui/replaytui@latest (a Go program imports %s)",
				ErrNoDriver, u.Scheme, c.name, c.driver)
		}
		return nil, fmt.Errorf("%w: %s:// is not a scheme replaytui knows (file://, mem://, and with -tags cloud s3://, gs://, azblob://)", ErrNoDriver, u.Scheme)
	}
	return blob.OpenBucket(ctx, rawURL)
}

// Close releases the bucket.
func (s *Snapshotter[S]) Close() error { return s.bucket.Close() }

// dir is the key prefix of a stream's checkpoints. Stream names are
// escaped, so that one holding a slash stays one directory.
func dir(stream replay.StreamKey) string {
	return "s-" + url.PathEscape(string(stream)) + "/"
}

func key(stream replay.StreamKey, seq replay.Seq) string {
	return fmt.Sprintf("%s%020d.json", dir(stream), uint64(seq))
}

// Save implements [replay.Snapshotter].
func (s *Snapshotter[S]) Save(ctx context.Context, cp replay.Checkpoint[S]) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := s.marshal(cp.State)
	if err != nil {
		return fmt.Errorf("save checkpoint %q seq %d: the state does not encode: %w", cp.Stream, cp.Seq, err)
	}
	if err := s.bucket.WriteAll(ctx, key(cp.Stream, cp.Seq), data, &blob.WriterOptions{ContentType: "application/json"}); err != nil {
		return fmt.Errorf("checkpoints %s: save %q seq %d: %w", s.url, cp.Stream, cp.Seq, err)
	}
	return nil
}

// Load implements [replay.Snapshotter]. It lists the stream's keys,
// which come in seq order, and reads the last one at or before the seq.
func (s *Snapshotter[S]) Load(ctx context.Context, stream replay.StreamKey, atOrBefore replay.Seq) (*replay.Checkpoint[S], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prefix := dir(stream)
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	best, found := replay.Seq(0), false
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("checkpoints %s: list %q: %w", s.url, stream, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(obj.Key, prefix), ".json")
		seq, err := strconv.ParseUint(name, 10, 64)
		if err != nil || obj.IsDir {
			continue // not one of ours
		}
		if replay.Seq(seq) <= atOrBefore {
			best, found = replay.Seq(seq), true
		} else {
			break // keys sort by seq: the rest are later
		}
	}
	if !found {
		return nil, nil
	}
	data, err := s.bucket.ReadAll(ctx, key(stream, best))
	if err != nil {
		return nil, fmt.Errorf("checkpoints %s: read %q seq %d: %w", s.url, stream, best, err)
	}
	state, err := s.unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("checkpoints %s: %q seq %d does not decode: %w", s.url, stream, best, err)
	}
	return &replay.Checkpoint[S]{Stream: stream, Seq: best, State: state}, nil
}
