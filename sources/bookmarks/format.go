package bookmarks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Version is the file format this package writes. It reads every older
// version and refuses newer ones: it never writes over a file of a newer
// version, so bookmarks made by a newer replaytui are never lost to an
// older one.
//
//   - 1: stream, seq, note, time, created, digest, state.
//   - 2: adds apply, initial and sum, what a bookmark must match to be
//     used. Bookmarks of version 1 lack them: they are read, kept and
//     listed, but stale ("unverifiable"), never used.
const Version = 2

type file struct {
	Version   int        `json:"version"`
	Bookmarks []Bookmark `json:"bookmarks"`
}

// decode reads a bookmarks file. Empty data is no bookmarks: a file not
// written yet, or one just created to be locked.
func decode(data []byte) ([]Bookmark, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not a bookmarks file: %w", err)
	}
	switch {
	case head.Version > Version:
		return nil, fmt.Errorf("version %d, this replaytui reads version %d: %w (it is left untouched)", head.Version, Version, ErrNewerVersion)
	case head.Version < 1:
		return nil, errors.New("not a bookmarks file: it has no version")
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a bookmarks file: %w", err)
	}
	for i := range f.Bookmarks {
		// Compact states take less memory, and are what sums are of.
		if state, _, err := canonical(f.Bookmarks[i].State); err == nil {
			f.Bookmarks[i].State = state
		}
	}
	slices.SortStableFunc(f.Bookmarks, compare)
	return f.Bookmarks, nil
}

// encode writes a bookmarks file of the current version, indented for
// people who read it. States keep their bytes: HTML characters are not
// escaped, so that a state read back has the sum it was saved with.
func encode(marks []Bookmark) ([]byte, error) {
	if marks == nil {
		marks = []Bookmark{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(file{Version: Version, Bookmarks: marks}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Checksum returns the checksum bookmarks keep of a state encoded as JSON
// (and of the initial state): the hex SHA-256 of its compact form, so
// that indentation, which the file adds, does not change it.
func Checksum(state []byte) (string, error) {
	_, sum, err := canonical(state)
	return sum, err
}

// canonical returns state compacted, and its checksum.
func canonical(state []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, state); err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:]), nil
}
