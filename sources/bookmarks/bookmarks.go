// Package bookmarks stores a debugger's bookmarks: named checkpoints of
// streams (the state after a seq, with a note), in a JSON file beside the
// log, written atomically. It is a replay.Snapshotter, so bookmarks also
// speed up seeking, in this session and the next.
//
// A bookmark remembers a digest of the events it was taken after. Until
// the digest is checked against the log (Verify), a bookmark is not used
// as a checkpoint; when the events no longer match — the log was changed
// or replaced — it is marked stale and never used: a stale state would
// silently corrupt every state computed from it.
package bookmarks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file://
	_ "gocloud.dev/blob/memblob"  // mem://
	"gocloud.dev/gcerrors"

	"github.com/replaytui/replaytui/replay"
)

// Version is the file format this package writes. It refuses to write
// over a file of a newer version, so bookmarks made by a newer replaytui
// are never lost to an older one.
const Version = 1

// ErrNewerVersion: the file was written by a newer replaytui.
var ErrNewerVersion = errors.New("bookmarks file written by a newer replaytui")

// Bookmark is one named checkpoint.
type Bookmark struct {
	Stream  replay.StreamKey `json:"stream"`
	Seq     replay.Seq       `json:"seq"`
	Note    string           `json:"note"`
	Time    time.Time        `json:"time,omitzero"` // the event's time
	Created time.Time        `json:"created"`
	// Digest identifies events 1..Seq of the stream (see Digester).
	Digest string          `json:"digest"`
	State  json.RawMessage `json:"state"`
	// Status is not stored: Unverified until Verify has compared Digest
	// with the log, then Verified or Stale.
	Status Status `json:"-"`
}

// Status says whether a bookmark's events still match the log.
type Status int

const (
	Unverified Status = iota
	Verified
	Stale
)

func (s Status) String() string {
	return [...]string{"unverified", "verified", "stale"}[s]
}

type file struct {
	Version   int        `json:"version"`
	Bookmarks []Bookmark `json:"bookmarks"`
}

// Codec turns states into JSON and back.
type Codec[S any] struct {
	Marshal   func(S) ([]byte, error)
	Unmarshal func([]byte) (S, error)
}

// JSONCodec is a Codec with encoding/json.
func JSONCodec[S any]() Codec[S] {
	return Codec[S]{
		Marshal: func(s S) ([]byte, error) { return json.Marshal(s) },
		Unmarshal: func(b []byte) (S, error) {
			var s S
			err := json.Unmarshal(b, &s)
			return s, err
		},
	}
}

// Store is a bookmarks file. It is safe for concurrent use.
type Store[S any] struct {
	path  string // for messages: the file, or the object's URL
	codec Codec[S]
	where backend // nil: memory only

	mu    sync.Mutex
	marks []Bookmark // sorted by stream, then seq
}

var _ replay.Snapshotter[int] = (*Store[int])(nil)

// DefaultPath is where the bookmarks of a log file live: beside it.
func DefaultPath(logPath string) string {
	return logPath + ".bookmarks.json"
}

// Open reads the bookmarks file at path; a missing file is an empty
// store that will be created on the first change. With path "" the store
// lives in memory only, for logs that have no place beside them (standard
// input).
func Open[S any](path string, codec Codec[S]) (*Store[S], error) {
	if path == "" {
		return &Store[S]{codec: codec}, nil
	}
	return open(path, codec, fileBackend(path))
}

// OpenBucket keeps the bookmarks file as the object key of the bucket at
// url (object storage: s3://, gs://, azblob://, file://, mem://; see
// gocloud.dev/blob). Writes replace the object whole.
func OpenBucket[S any](ctx context.Context, url, key string, codec Codec[S]) (*Store[S], error) {
	bucket, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("bookmarks %s: %w", url, err)
	}
	return open(strings.TrimSuffix(url, "/")+"/"+key, codec, &bucketBackend{bucket: bucket, key: key})
}

func open[S any](where string, codec Codec[S], b backend) (*Store[S], error) {
	s := &Store[S]{path: where, codec: codec, where: b}
	data, err := b.read()
	if err != nil {
		return nil, fmt.Errorf("bookmarks %s: %w", where, err)
	}
	if data == nil {
		return s, nil
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("bookmarks %s: not a bookmarks file: %w", where, err)
	}
	if f.Version > Version {
		return nil, fmt.Errorf("bookmarks %s: version %d, this replaytui reads version %d: %w (it is left untouched)", where, f.Version, Version, ErrNewerVersion)
	}
	s.marks = f.Bookmarks
	slices.SortFunc(s.marks, compare)
	return s, nil
}

func compare(a, b Bookmark) int {
	if a.Stream != b.Stream {
		if a.Stream < b.Stream {
			return -1
		}
		return 1
	}
	switch {
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Path returns the file's path.
func (s *Store[S]) Path() string { return s.path }

// List returns the bookmarks of stream ("" for all), by seq.
func (s *Store[S]) List(stream replay.StreamKey) []Bookmark {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Bookmark
	for _, b := range s.marks {
		if stream == "" || b.Stream == stream {
			out = append(out, b)
		}
	}
	return out
}

// Add bookmarks the state of cp.Stream after cp.Seq, replacing any
// bookmark there, and writes the file. digest identifies the events up to
// cp.Seq (see Digester); without one, the bookmark will be stale in the
// next session, as nothing can show it still matches the log.
func (s *Store[S]) Add(cp replay.Checkpoint[S], note string, eventTime time.Time, digest string) error {
	state, err := s.codec.Marshal(cp.State)
	if err != nil {
		return fmt.Errorf("bookmark seq %d: the state does not encode: %w", cp.Seq, err)
	}
	// The caller computed the state from the log as it is now: it is good
	// for this session. The digest is what checks it in the next one.
	b := Bookmark{Stream: cp.Stream, Seq: cp.Seq, Note: note, Time: eventTime, Created: time.Now().UTC().Truncate(time.Second), Digest: digest, State: state, Status: Verified}
	return s.change(func(marks []Bookmark) ([]Bookmark, error) {
		i, found := slices.BinarySearchFunc(marks, b, compare)
		if found {
			marks[i] = b
			return marks, nil
		}
		return slices.Insert(marks, i, b), nil
	})
}

// Rename changes the note of a bookmark.
func (s *Store[S]) Rename(stream replay.StreamKey, seq replay.Seq, note string) error {
	return s.change(func(marks []Bookmark) ([]Bookmark, error) {
		i, found := slices.BinarySearchFunc(marks, Bookmark{Stream: stream, Seq: seq}, compare)
		if !found {
			return nil, fmt.Errorf("no bookmark at %s seq %d", stream, seq)
		}
		marks[i].Note = note
		return marks, nil
	})
}

// Delete removes a bookmark.
func (s *Store[S]) Delete(stream replay.StreamKey, seq replay.Seq) error {
	return s.change(func(marks []Bookmark) ([]Bookmark, error) {
		i, found := slices.BinarySearchFunc(marks, Bookmark{Stream: stream, Seq: seq}, compare)
		if !found {
			return nil, fmt.Errorf("no bookmark at %s seq %d", stream, seq)
		}
		return slices.Delete(marks, i, i+1), nil
	})
}

// change applies edit to a copy of the bookmarks, writes the file
// atomically and keeps the result only once it is on disk.
func (s *Store[S]) change(edit func([]Bookmark) ([]Bookmark, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	marks, err := edit(slices.Clone(s.marks))
	if err != nil {
		return err
	}
	if err := s.write(marks); err != nil {
		return err
	}
	s.marks = marks
	return nil
}

// write replaces the file whole, so that a crash leaves either the old
// file or the new one, never half of one.
func (s *Store[S]) write(marks []Bookmark) error {
	if s.where == nil {
		return nil
	}
	// Never overwrite what a newer replaytui wrote meanwhile.
	if data, err := s.where.read(); err == nil && data != nil {
		var f struct{ Version int }
		if json.Unmarshal(data, &f) == nil && f.Version > Version {
			return fmt.Errorf("bookmarks %s: %w (version %d); not overwriting it", s.path, ErrNewerVersion, f.Version)
		}
	}
	data, err := json.MarshalIndent(file{Version: Version, Bookmarks: marks}, "", "  ")
	if err != nil {
		return err
	}
	if err := s.where.write(append(data, '\n')); err != nil {
		return fmt.Errorf("bookmarks %s: %w", s.path, err)
	}
	return nil
}

// backend is where a bookmarks file is kept.
type backend interface {
	read() ([]byte, error) // nil, nil: there is none yet
	write([]byte) error    // all or nothing
}

type fileBackend string

func (f fileBackend) read() ([]byte, error) {
	data, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// write writes beside the file and renames over it: a crash leaves the
// old file or the new one.
func (f fileBackend) write(data []byte) error {
	path := string(f)
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

type bucketBackend struct {
	bucket *blob.Bucket
	key    string
}

func (b *bucketBackend) read() ([]byte, error) {
	data, err := b.bucket.ReadAll(context.Background(), b.key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, nil
	}
	return data, err
}

// write puts the object whole: object stores never show half a write.
func (b *bucketBackend) write(data []byte) error {
	return b.bucket.WriteAll(context.Background(), b.key, data, &blob.WriterOptions{ContentType: "application/json"})
}

// Verify compares the bookmark at stream and seq with digest, the
// digest of the log's events 1..seq as they are now, and marks it
// Verified or Stale. It reports whether it matched.
func (s *Store[S]) Verify(stream replay.StreamKey, seq replay.Seq, digest string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, found := slices.BinarySearchFunc(s.marks, Bookmark{Stream: stream, Seq: seq}, compare)
	if !found {
		return false
	}
	ok := s.marks[i].Digest != "" && s.marks[i].Digest == digest
	s.marks[i].Status = Stale
	if ok {
		s.marks[i].Status = Verified
	}
	return ok
}

// Save implements [replay.Snapshotter]: it adds an unnamed bookmark
// without a digest. The debugger uses Add.
func (s *Store[S]) Save(ctx context.Context, cp replay.Checkpoint[S]) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.Add(cp, "", time.Time{}, "")
}

// Load implements [replay.Snapshotter]. Only verified bookmarks are
// checkpoints: an unverified one may come from another version of the
// log, and a stale one does.
func (s *Store[S]) Load(ctx context.Context, stream replay.StreamKey, atOrBefore replay.Seq) (*replay.Checkpoint[S], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var best *Bookmark
	for i := range s.marks {
		b := &s.marks[i]
		if b.Stream == stream && b.Seq <= atOrBefore && b.Status == Verified {
			best = b
		}
	}
	var b Bookmark
	if best != nil {
		b = *best
	}
	s.mu.Unlock()
	if best == nil {
		return nil, nil
	}
	state, err := s.codec.Unmarshal(b.State)
	if err != nil {
		return nil, fmt.Errorf("bookmark %s seq %d: the state does not decode: %w", b.Stream, b.Seq, err)
	}
	return &replay.Checkpoint[S]{Stream: stream, Seq: b.Seq, State: state}, nil
}

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
