package bookmarks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
//   - 3: adds watches, the expressions a debugger shows at every step,
//     by the apply they were made under. A file is written as version 3
//     only when it holds watches: one without is version 2, which a
//     replaytui that knows nothing of watches still reads and changes.
const Version = 3

// versionWithoutWatches is the version of a file that holds no watches.
const versionWithoutWatches = 2

type file struct {
	Version   int        `json:"version"`
	Bookmarks []Bookmark `json:"bookmarks"`
	// Watches are by apply (Options.Apply): an expression over the states
	// of one reducer means nothing over another's.
	Watches map[string][]string `json:"watches,omitempty"`
}

// decode reads a bookmarks file. Empty data is no bookmarks: a file not
// written yet, or one just created to be locked.
func decode(data []byte) (file, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return file{}, nil
	}
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return file{}, fmt.Errorf("not a bookmarks file: %w", err)
	}
	switch {
	case head.Version > Version:
		return file{}, fmt.Errorf("version %d, this replaytui reads version %d: %w (it is left untouched)", head.Version, Version, ErrNewerVersion)
	case head.Version < 1:
		return file{}, errors.New("not a bookmarks file: it has no version")
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return file{}, fmt.Errorf("not a bookmarks file: %w", err)
	}
	for i := range f.Bookmarks {
		// Compact states take less memory, and are what sums are of.
		if state, _, err := canonical(f.Bookmarks[i].State); err == nil {
			f.Bookmarks[i].State = state
		}
	}
	slices.SortStableFunc(f.Bookmarks, compare)
	return f, nil
}

// encode writes a bookmarks file, indented for people who read it, of the
// oldest version that holds what it has. States keep their bytes: HTML
// characters are not escaped, so that a state read back has the sum it
// was saved with.
func encode(f file) ([]byte, error) {
	if f.Bookmarks == nil {
		f.Bookmarks = []Bookmark{}
	}
	f.Watches = maps.Clone(f.Watches)
	maps.DeleteFunc(f.Watches, func(_ string, watches []string) bool { return len(watches) == 0 })
	f.Version = versionWithoutWatches
	if len(f.Watches) > 0 {
		f.Version = Version
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
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
