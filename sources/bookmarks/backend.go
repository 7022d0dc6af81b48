package bookmarks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/replaytui/replaytui/sources/blobstore"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file://
	_ "gocloud.dev/blob/memblob"  // mem://
	"gocloud.dev/gcerrors"
)

// backend is where a bookmarks file is kept.
type backend interface {
	read() ([]byte, error) // nil, nil: there is none yet
	write([]byte) error    // all or nothing
	// lock excludes every other Store of the same file, in this process
	// or another, until unlock is called.
	lock() (unlock func(), err error)
}

const (
	// lockWait is how long a change waits for another debugger's: a
	// change takes milliseconds, so a lock held longer is a stuck one.
	lockWait = 10 * time.Second
	// lockStale is when a lock that is a file or an object (which a
	// crash leaves behind) is taken to be abandoned and broken.
	lockStale = 30 * time.Second
)

// inProcess serialises changes by the Stores of one process that share a
// file, whatever the lock between processes is worth on the file system
// or bucket (fileblob, NFS).
var inProcess sync.Map // string → *sync.Mutex

func processLock(where string) func() {
	mu, _ := inProcess.LoadOrStore(where, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

type fileBackend struct {
	path string // absolute
	mode fs.FileMode
}

func newFileBackend(path string, mode fs.FileMode) (*fileBackend, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if mode == 0 {
		mode = 0o666
	}
	return &fileBackend{path: abs, mode: mode.Perm()}, nil
}

func (f *fileBackend) read() ([]byte, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

func (f *fileBackend) lock() (func(), error) {
	unlockProcess := processLock("file:" + f.path)
	unlock, err := lockFile(f.path, f.mode)
	if err != nil {
		unlockProcess()
		return nil, err
	}
	return func() { unlock(); unlockProcess() }, nil
}

// write writes beside the file and renames over it: a crash leaves the
// old file or the new one, never half of one. The new file has the old
// one's permissions; a first one gets the store's mode, less the umask.
func (f *fileBackend) write(data []byte) error {
	st, err := os.Stat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		// Creating it is what applies the umask.
		var created *os.File
		if created, err = os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE, f.mode); err == nil {
			created.Close()
			st, err = os.Stat(f.path)
		}
	}
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(st.Mode().Perm()); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return err
	}
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
	return os.Rename(tmp.Name(), f.path)
}

// ObjectKey is the key of a log's bookmarks in a bucket (--checkpoints):
// the log file's name, so that people can find it, and a hash of its
// absolute path, so that two logs of one name in different directories
// keep their bookmarks apart. The same log opened by another path (a
// symbolic link, another machine's mount) has another key.
func ObjectKey(logPath string) (string, error) {
	abs, err := filepath.Abs(logPath)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Base(abs) + "." + hex.EncodeToString(sum[:6]) + ".bookmarks.json", nil
}

// OpenBucket keeps the bookmarks file as the object key of the bucket at
// url (object storage: s3://, gs://, azblob://, file://, mem://; see
// gocloud.dev/blob). Writes replace the object whole; a change locks the
// object with KEY.lock, created only if absent (a conditional write),
// for as long as it takes.
func OpenBucket[S any](ctx context.Context, url, key string, codec Codec[S], opts Options[S]) (*Store[S], error) {
	if key == "" {
		return nil, fmt.Errorf("bookmarks %s: the object key is empty", url)
	}
	bucket, err := blobstore.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("bookmarks %s: %w", url, err)
	}
	where := strings.TrimSuffix(url, "/") + "/" + key
	return newStore(where, codec, opts, &bucketBackend{bucket: bucket, key: key, where: where})
}

type bucketBackend struct {
	bucket *blob.Bucket
	key    string
	where  string
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

func (b *bucketBackend) lock() (func(), error) {
	unlockProcess := processLock("bucket:" + b.where)
	ctx := context.Background()
	lockKey := b.key + ".lock"
	for deadline, pause := time.Now().Add(lockWait), time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		err := b.bucket.WriteAll(ctx, lockKey, []byte("replaytui\n"), &blob.WriterOptions{IfNotExist: true})
		if err == nil {
			return func() { b.bucket.Delete(ctx, lockKey); unlockProcess() }, nil
		}
		if gcerrors.Code(err) != gcerrors.FailedPrecondition {
			unlockProcess()
			return nil, fmt.Errorf("locking: %w", err)
		}
		if attrs, err := b.bucket.Attributes(ctx, lockKey); err == nil && time.Since(attrs.ModTime) > lockStale {
			b.bucket.Delete(ctx, lockKey) // left by a debugger that died while changing
			continue
		}
		if time.Now().After(deadline) {
			unlockProcess()
			return nil, fmt.Errorf("%w (%s exists; delete it if no replaytui is running)", ErrLocked, lockKey)
		}
		time.Sleep(pause)
	}
}
