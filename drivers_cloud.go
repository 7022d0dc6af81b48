//go:build cloud

package main

// Object storage for --checkpoints and --bookmarks: S3, Google Cloud
// Storage and Azure Blob. They more than double the binary (36 MB to
// 83 MB), so they come only with -tags cloud; file:// and mem:// are
// always there.
import (
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/s3blob"
)
