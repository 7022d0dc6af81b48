//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package bookmarks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// lockFile holds PATH.lock, created only if absent, for as long as the
// change takes. A debugger that dies while changing leaves it behind: one
// older than lockStale is broken.
func lockFile(path string, mode fs.FileMode) (func(), error) {
	name := path + ".lock"
	deadline := time.Now().Add(lockWait)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err == nil {
			f.Close()
			return func() { os.Remove(name) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("locking: %w", err)
		}
		if st, err := os.Stat(name); err == nil && time.Since(st.ModTime()) > lockStale {
			os.Remove(name)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w (%s exists; delete it if no replaytui is running)", ErrLocked, name)
		}
		time.Sleep(pause)
	}
}
