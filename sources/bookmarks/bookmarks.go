// Package bookmarks stores a debugger's bookmarks: named checkpoints of
// streams (the state after a seq, with a note), in a JSON file beside the
// log or an object in a bucket. It is a replay.Snapshotter, so bookmarks
// also speed up seeking, in this session and the next.
//
// A checkpoint is only as good as what made it. A bookmark records the
// apply that made its state (Options.Apply), a checksum of the initial
// state the fold began with, a digest of the events it folded and a
// checksum of the state itself, and it is used as a checkpoint only when
// all four match: a state made by another reducer, from another initial
// state, over other events, or edited in the file would silently corrupt
// every state computed from it. Until its events have been checked
// against the log (Verify, VerifyStream) a bookmark is Unverified; when
// anything does not match it is Stale, with a Reason, and never used. It
// stays listed: its seq and note are still worth seeing.
//
// The file also keeps the debugger's watches (Watches, SaveWatches),
// by apply: an expression over one reducer's states may mean nothing
// over another's.
//
// Several debuggers may have one log open. Every change locks the file,
// re-reads it, applies itself to what is there and writes the result
// atomically, so no one's bookmarks, renames, deletions or watches are
// lost.
package bookmarks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/replaytui/replaytui/replay"
)

var (
	// ErrNewerVersion: the file was written by a newer replaytui. It is
	// neither read nor written.
	ErrNewerVersion = errors.New("bookmarks file written by a newer replaytui")
	// ErrNotFound: no bookmark has that key (it may have been deleted by
	// another debugger on the same log).
	ErrNotFound = errors.New("no such bookmark")
	// ErrLocked: another debugger held the bookmarks file's lock for
	// longer than a change should ever take.
	ErrLocked = errors.New("bookmarks file locked by another replaytui")
)

// Bookmark is one named checkpoint.
type Bookmark struct {
	Stream replay.StreamKey `json:"stream"`
	Seq    replay.Seq       `json:"seq"`
	Note   string           `json:"note"`
	Time   time.Time        `json:"time,omitzero"` // the event's time
	// Created, with Stream and Seq, is the bookmark's identity (Key): two
	// debuggers may each bookmark one seq, and neither's is lost.
	Created time.Time `json:"created"`
	// Digest identifies events 1..Seq of the stream (see Digester).
	Digest string `json:"digest"`
	// Apply names the apply that made State (Options.Apply); empty in
	// files of version 1, whose bookmarks therefore cannot be trusted.
	Apply string `json:"apply,omitempty"`
	// Initial is the Checksum of the initial state the fold began with.
	Initial string `json:"initial,omitempty"`
	// Sum is the Checksum of State as it was saved.
	Sum   string          `json:"sum,omitempty"`
	State json.RawMessage `json:"state"`

	// Status and Reason are not stored: see Status.
	Status Status `json:"-"`
	// Reason says why a Stale bookmark is not used.
	Reason string `json:"-"`
}

// Key identifies a bookmark.
type Key struct {
	Stream  replay.StreamKey
	Seq     replay.Seq
	Created time.Time
}

// Key returns the bookmark's identity.
func (b Bookmark) Key() Key { return Key{Stream: b.Stream, Seq: b.Seq, Created: b.Created} }

// is reports whether b is the bookmark k names. Times are compared as
// instants: one read from the file and one made in this process differ
// in their location.
func (k Key) is(b Bookmark) bool {
	return k.Stream == b.Stream && k.Seq == b.Seq && k.Created.Equal(b.Created)
}

// Status says whether a bookmark may be used as a checkpoint.
type Status int

const (
	// Unverified: its apply, initial state and state match this session,
	// but its events have not been compared with the log yet. Not used.
	Unverified Status = iota
	// Verified: made by this apply from this initial state over the
	// events the log has now. Used.
	Verified
	// Stale: something does not match (Reason says what). Shown, never
	// used.
	Stale
)

func (s Status) String() string {
	switch s {
	case Unverified:
		return "unverified"
	case Verified:
		return "verified"
	case Stale:
		return "stale"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
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

// Options say what this session's states are made by, which decides
// which saved bookmarks it can trust.
type Options[S any] struct {
	// Apply identifies the apply, as exactly as its results need: a
	// reducer's spec, a program's name and version. Bookmarks saved under
	// another Apply are never used. Required for a store that persists.
	Apply string
	// Initial is the state before the first event. Bookmarks folded from
	// another initial state are never used.
	Initial S
	// Mode is the permissions of a bookmarks file this store creates,
	// before the umask (default 0666). A file that exists keeps its own.
	Mode fs.FileMode
}

// Store is a bookmarks file. It is safe for concurrent use, and several
// Stores, in one process or many, may share one file.
type Store[S any] struct {
	path    string // for messages: the file, or the object's URL
	codec   Codec[S]
	where   backend // nil: memory only
	apply   string
	initial string // Checksum of Options.Initial
	// unusable says why no bookmark can be trusted or saved (nil: they
	// can).
	unusable error

	changing sync.Mutex // one change at a time in this Store

	mu    sync.Mutex
	marks []Bookmark // sorted by stream, seq, created
	// watches are this session's watches: as read at Open, then as last
	// saved. Saving merges with the file's what changed since.
	watches []string
	// deleted is what this store deleted, for Undelete.
	deleted []Bookmark
}

var _ replay.Snapshotter[int] = (*Store[int])(nil)

// DefaultPath is where the bookmarks of a log file live: beside it.
func DefaultPath(logPath string) string {
	return logPath + ".bookmarks.json"
}

// Open reads the bookmarks file at path; a missing file is an empty
// store that will be created on the first change. With path "" the store
// lives in memory only, for logs that have no place beside them (standard
// input), and opts.Apply may be empty.
func Open[S any](path string, codec Codec[S], opts Options[S]) (*Store[S], error) {
	if path == "" {
		return newStore("", codec, opts, nil)
	}
	b, err := newFileBackend(path, opts.Mode)
	if err != nil {
		return nil, fmt.Errorf("bookmarks %s: %w", path, err)
	}
	return newStore(path, codec, opts, b)
}

func newStore[S any](where string, codec Codec[S], opts Options[S], b backend) (*Store[S], error) {
	if codec.Marshal == nil || codec.Unmarshal == nil {
		return nil, errors.New("bookmarks: the codec needs both Marshal and Unmarshal")
	}
	s := &Store[S]{path: where, codec: codec, where: b}
	if b == nil {
		return s, nil
	}
	if opts.Apply == "" {
		return nil, fmt.Errorf("bookmarks %s: Options.Apply is empty: bookmarks made by one apply would be trusted by any other", where)
	}
	// encoding/json would turn invalid UTF-8 into U+FFFD on the way to
	// the file, and the saved apply would never match again.
	s.apply = strings.ToValidUTF8(opts.Apply, "\uFFFD")
	initial, err := codec.Marshal(opts.Initial)
	if err == nil {
		_, s.initial, err = canonical(initial)
	}
	if err != nil {
		// The debugger is still worth opening: the bookmarks are listed,
		// none is used, and saving one says why it cannot.
		s.unusable = fmt.Errorf("the initial state does not encode as JSON, so no bookmark can be checked: %w", err)
	}
	data, err := b.read()
	if err != nil {
		return nil, fmt.Errorf("bookmarks %s: %w", where, err)
	}
	f, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("bookmarks %s: %w", where, err)
	}
	s.marks = s.adopt(f.Bookmarks)
	s.watches = f.Watches[s.apply]
	return s, nil
}

// compare orders bookmarks by stream, seq, then creation.
func compare(a, b Bookmark) int {
	if c := strings.Compare(string(a.Stream), string(b.Stream)); c != 0 {
		return c
	}
	switch {
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return a.Created.Compare(b.Created)
}

// Path returns the file's path (or the object's URL); "" for a store in
// memory.
func (s *Store[S]) Path() string { return s.path }

// List returns the bookmarks of stream ("" for all), by seq, then by when
// they were made.
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

// Add bookmarks the state of cp.Stream after cp.Seq and writes the file.
// It replaces the bookmarks at that seq this store lists that were made
// by the same apply from the same initial state (bookmarking a seq again
// updates it), and keeps any others: another debugger's, another
// reducer's. digest identifies the events up to cp.Seq (see Digester);
// without one the bookmark is stale in the next session, as nothing can
// show it still matches the log.
func (s *Store[S]) Add(cp replay.Checkpoint[S], note string, eventTime time.Time, digest string) error {
	if s.unusable != nil {
		return fmt.Errorf("bookmark seq %d: %w", cp.Seq, s.unusable)
	}
	encoded, err := s.codec.Marshal(cp.State)
	if err != nil {
		return fmt.Errorf("bookmark seq %d: the state does not encode: %w", cp.Seq, err)
	}
	state, sum, err := canonical(encoded)
	if err != nil {
		return fmt.Errorf("bookmark seq %d: the state does not encode as JSON: %w", cp.Seq, err)
	}
	// The caller computed the state from the log as it is now: it is good
	// for this session. The digest, apply and sums check it in the next.
	b := Bookmark{
		Stream: cp.Stream, Seq: cp.Seq, Note: note, Time: eventTime, Created: time.Now().UTC(),
		Digest: digest, Apply: s.apply, Initial: s.initial, Sum: sum, State: state, Status: Verified,
	}
	var replaced []Key
	for _, old := range s.List(cp.Stream) {
		if old.Seq == cp.Seq && old.Apply == s.apply && old.Initial == s.initial {
			replaced = append(replaced, old.Key())
		}
	}
	return s.change(func(marks []Bookmark) ([]Bookmark, error) {
		marks = slices.DeleteFunc(marks, func(m Bookmark) bool {
			return slices.ContainsFunc(replaced, func(k Key) bool { return k.is(m) })
		})
		// Keys must stay unique in the file, even for two debuggers whose
		// clocks agree to the nanosecond.
		for slices.ContainsFunc(marks, func(m Bookmark) bool { return b.Key().is(m) }) {
			b.Created = b.Created.Add(time.Nanosecond)
		}
		i, _ := slices.BinarySearchFunc(marks, b, compare)
		return slices.Insert(marks, i, b), nil
	})
}

// Rename changes the note of the bookmark k names.
func (s *Store[S]) Rename(k Key, note string) error {
	return s.change(func(marks []Bookmark) ([]Bookmark, error) {
		i := slices.IndexFunc(marks, k.is)
		if i < 0 {
			return nil, fmt.Errorf("bookmark at %s seq %d: %w (deleted by another debugger?)", k.Stream, k.Seq, ErrNotFound)
		}
		marks[i].Note = note
		return marks, nil
	})
}

// Delete removes the bookmark k names. Deleting one another debugger
// has already deleted succeeds; deleting one this store never had is
// ErrNotFound. Undelete brings it back.
func (s *Store[S]) Delete(k Key) error {
	var gone Bookmark
	list := s.List(k.Stream)
	i := slices.IndexFunc(list, k.is)
	known := i >= 0
	if known {
		gone = list[i]
	}
	err := s.change(func(marks []Bookmark) ([]Bookmark, error) {
		i := slices.IndexFunc(marks, k.is)
		switch {
		case i >= 0:
			// This store's knows its status; the file's has its latest
			// note.
			if !known {
				gone = marks[i]
			}
			gone.Note = marks[i].Note
			return slices.Delete(marks, i, i+1), nil
		case known:
			return marks, nil
		}
		return nil, fmt.Errorf("bookmark at %s seq %d: %w", k.Stream, k.Seq, ErrNotFound)
	})
	if err == nil {
		s.mu.Lock()
		s.deleted = append(s.deleted, gone)
		s.mu.Unlock()
	}
	return err
}

// Undelete brings back the bookmark k names, which this store deleted,
// as it was: its note, its state and what it is checked with, and its
// status in this session. Undeleting one that is there (another debugger
// brought it back) succeeds; one this store did not delete is
// ErrNotFound.
func (s *Store[S]) Undelete(k Key) error {
	s.mu.Lock()
	i := slices.IndexFunc(s.deleted, k.is)
	var b Bookmark
	if i >= 0 {
		b = s.deleted[i]
	}
	s.mu.Unlock()
	if i < 0 {
		return fmt.Errorf("bookmark at %s seq %d: %w among those deleted", k.Stream, k.Seq, ErrNotFound)
	}
	err := s.change(func(marks []Bookmark) ([]Bookmark, error) {
		if slices.ContainsFunc(marks, k.is) {
			return marks, nil
		}
		j, _ := slices.BinarySearchFunc(marks, b, compare)
		return slices.Insert(marks, j, b), nil
	})
	if err == nil {
		s.mu.Lock()
		s.deleted = slices.DeleteFunc(s.deleted, k.is)
		s.mu.Unlock()
	}
	return err
}

// Watches returns the watches of this store's apply: as the file had them
// at Open, then as this store last saved them.
func (s *Store[S]) Watches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.watches)
}

// SaveWatches saves watches, in their order, as the watches of this
// store's apply. What other debuggers changed since this store's last
// Open or SaveWatches is kept: a watch another added is added (after
// these), and one another deleted stays deleted, unless this store adds
// it again. Other applies' watches are kept as they are.
func (s *Store[S]) SaveWatches(watches []string) error {
	watches = slices.Clone(watches)
	s.mu.Lock()
	base := s.watches
	s.mu.Unlock()
	err := s.changeFile(func(f *file) error {
		disk := f.Watches[s.apply]
		merged := slices.DeleteFunc(slices.Clone(watches), func(w string) bool {
			// Another debugger deleted it, and this one did not add it.
			return slices.Contains(base, w) && !slices.Contains(disk, w)
		})
		for _, w := range disk {
			if !slices.Contains(base, w) && !slices.Contains(merged, w) {
				merged = append(merged, w) // another debugger added it
			}
		}
		if f.Watches == nil {
			f.Watches = map[string][]string{}
		}
		f.Watches[s.apply] = merged
		return nil
	})
	if err == nil {
		s.mu.Lock()
		s.watches = watches
		s.mu.Unlock()
	}
	return err
}

// change applies edit to the bookmarks as they are in the file now: see
// changeFile.
func (s *Store[S]) change(edit func([]Bookmark) ([]Bookmark, error)) error {
	return s.changeFile(func(f *file) error {
		marks, err := edit(f.Bookmarks)
		f.Bookmarks = marks
		return err
	})
}

// changeFile applies edit to the file as it is now, under its lock, and
// writes the result atomically. Editing what is on disk rather than what
// this store read at Open is what keeps every other debugger's changes,
// deletions included.
func (s *Store[S]) changeFile(edit func(*file) error) error {
	s.changing.Lock()
	defer s.changing.Unlock()
	if s.where == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		f := file{Bookmarks: slices.Clone(s.marks)}
		if err := edit(&f); err != nil {
			return err
		}
		s.marks = f.Bookmarks
		return nil
	}
	unlock, err := s.where.lock()
	if err != nil {
		return fmt.Errorf("bookmarks %s: %w", s.path, err)
	}
	defer unlock()
	data, err := s.where.read()
	if err != nil {
		return fmt.Errorf("bookmarks %s: %w", s.path, err)
	}
	disk, err := decode(data)
	if err != nil {
		return fmt.Errorf("bookmarks %s: %w; not overwriting it", s.path, err)
	}
	f := disk
	f.Bookmarks = slices.Clone(disk.Bookmarks)
	if err := edit(&f); err != nil {
		// What the file holds now is still worth showing.
		s.mu.Lock()
		s.marks = s.adopt(disk.Bookmarks)
		s.mu.Unlock()
		return err
	}
	data, err = encode(f)
	if err != nil {
		return fmt.Errorf("bookmarks %s: %w", s.path, err)
	}
	if err := s.where.write(data); err != nil {
		return fmt.Errorf("bookmarks %s: %w", s.path, err)
	}
	s.mu.Lock()
	s.marks = s.adopt(f.Bookmarks)
	s.mu.Unlock()
	return nil
}

// adopt gives the bookmarks read from the file their status: what this
// store already knew keeps what it found out about it; anything new is
// assessed. The caller holds s.mu (or is the constructor).
func (s *Store[S]) adopt(marks []Bookmark) []Bookmark {
	for i := range marks {
		b := &marks[i]
		if b.Status != Unverified {
			continue // made in this session
		}
		k := b.Key()
		j := slices.IndexFunc(s.marks, k.is)
		if j >= 0 && sameContent(s.marks[j], *b) {
			b.Status, b.Reason = s.marks[j].Status, s.marks[j].Reason
			continue
		}
		b.Status, b.Reason = s.assess(*b)
	}
	return marks
}

func sameContent(a, b Bookmark) bool {
	return a.Sum == b.Sum && a.Apply == b.Apply && a.Initial == b.Initial && a.Digest == b.Digest && string(a.State) == string(b.State)
}

// assess checks what can be checked without the log: whether b was made
// by this apply from this initial state, and whether its state is the one
// saved. What passes is Unverified until its events are compared.
func (s *Store[S]) assess(b Bookmark) (Status, string) {
	switch {
	case s.unusable != nil:
		return Stale, s.unusable.Error()
	case b.Apply == "":
		return Stale, "unverifiable: saved by an older replaytui, which did not record the apply that made it"
	case b.Sum == "":
		return Stale, "unverifiable: saved without a checksum of its state"
	}
	if _, sum, err := canonical(b.State); err != nil || sum != b.Sum {
		return Stale, "its state was changed in the file after it was saved (the checksum does not match)"
	}
	switch {
	case b.Apply != s.apply:
		return Stale, fmt.Sprintf("made by another apply: %s (this session: %s)", brief(b.Apply), brief(s.apply))
	case b.Initial != s.initial:
		return Stale, "folded from another initial state"
	case b.Digest == "":
		return Stale, "saved without a digest of its events, which therefore cannot be checked"
	}
	return Unverified, ""
}

// brief quotes an apply's identity for a message, cut in the middle when
// long (an inline jq program can be), where it says least: identities
// tend to end with a version.
func brief(apply string) string {
	const most = 96
	if r := []rune(apply); len(r) > most {
		apply = string(r[:most/2-1]) + "…" + string(r[len(r)-most/2:])
	}
	return strconv.Quote(apply)
}

// Verify compares the bookmarks at stream and seq with digest, the digest
// of the log's events 1..seq as they are now, and marks them Verified or
// Stale. Bookmarks stale for another reason (another apply, an edited
// state) stay so. It reports whether the digest matched.
func (s *Store[S]) Verify(stream replay.StreamKey, seq replay.Seq, digest string) bool {
	ok := false
	s.settle(stream, seq, func(b Bookmark) (Status, string) {
		if b.Digest != "" && b.Digest == digest {
			ok = true
			return Verified, ""
		}
		return Stale, "the log changed since it was made: its events up to here are not the same"
	})
	return ok
}

// settle gives every bookmark at stream and seq that may still be used
// the status judge gives it.
func (s *Store[S]) settle(stream replay.StreamKey, seq replay.Seq, judge func(Bookmark) (Status, string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, _ := slices.BinarySearchFunc(s.marks, Bookmark{Stream: stream, Seq: seq}, compare)
	for ; i < len(s.marks) && s.marks[i].Stream == stream && s.marks[i].Seq == seq; i++ {
		if b := &s.marks[i]; b.Status != Stale {
			b.Status, b.Reason = judge(*b)
		}
	}
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
// log, and a stale one does not match this session.
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
