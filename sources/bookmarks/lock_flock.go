//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package bookmarks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// lockFile locks the bookmarks file itself with flock, creating it empty
// if need be: the kernel releases the lock of a process that dies, so a
// crash never leaves a lock behind. A writer renames a new file over the
// path, so after waiting, the file locked may no longer be the one there:
// then it locks the new one.
func lockFile(path string, mode fs.FileMode) (func(), error) {
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, mode)
		if err != nil {
			return nil, err
		}
		if err := flock(f, deadline); err != nil {
			f.Close()
			return nil, err
		}
		locked, err1 := f.Stat()
		current, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(locked, current) {
			return func() { f.Close() }, nil // closing releases the lock
		}
		f.Close()
	}
}

func flock(f *os.File, deadline time.Time) error {
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return fmt.Errorf("locking: %w", err)
		case time.Now().After(deadline):
			return fmt.Errorf("%w for %s", ErrLocked, lockWait)
		}
		time.Sleep(pause)
	}
}
