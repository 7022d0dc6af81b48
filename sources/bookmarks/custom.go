package bookmarks

import "fmt"

// Backend keeps a bookmarks file somewhere other than a file or an
// object: a row of a database, say. A Store reads it whole, and changes
// it under Lock: reads it again, merges, writes it whole, so that two
// debuggers sharing it keep each other's changes as with a file.
type Backend interface {
	// Read returns the file; nil, nil when there is none yet.
	Read() ([]byte, error)
	// Write replaces the file, all or nothing.
	Write(data []byte) error
	// Lock excludes every other holder of the same file's lock, in this
	// process or another, until unlock is called. A lock not had in a
	// few seconds is an error that says who holds it, if it can.
	Lock() (unlock func(), err error)
}

// OpenBackend reads the bookmarks kept by b; where names it in messages.
func OpenBackend[S any](where string, b Backend, codec Codec[S], opts Options[S]) (*Store[S], error) {
	if b == nil {
		return nil, fmt.Errorf("bookmarks %s: the backend is nil", where)
	}
	return newStore(where, codec, opts, backendOf{b})
}

// backendOf adapts a Backend to the backend a Store uses.
type backendOf struct{ b Backend }

func (b backendOf) read() ([]byte, error)   { return b.b.Read() }
func (b backendOf) write(data []byte) error { return b.b.Write(data) }
func (b backendOf) lock() (func(), error)   { return b.b.Lock() }
