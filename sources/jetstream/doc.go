// Package jetstream keeps replay logs and checkpoints in NATS JetStream,
// with nats.go's jetstream package: a replay.Log over one JetStream stream
// and a replay.Snapshotter over a key-value bucket.
//
// # Subjects
//
// Every replay stream is one subject of the JetStream stream:
// <prefix>.<token>, where the token is the stream key itself when the key
// is made only of ASCII letters, digits, '-' and '_' (so "orders.42" is
// stream "42" under prefix "orders", as an event-sourced system already
// publishes it), and otherwise '=' followed by the key in base32 (the
// extended-hex alphabet, 0-9A-V, no padding): "acct 7" is "=C5HM6T106S",
// the empty key is "=". The mapping is reversible and its tokens are
// valid both in subjects and in key-value keys; a plain token never
// starts with '=', so the two forms never collide.
//
// # Seqs
//
// A replay stream's seqs are 1..n per subject. Each message carries its
// seq in the Replay-Seq header (and the event time, when there is one,
// in Replay-Time, RFC 3339). Append takes the last message of the subject
// (what this Log appended last, else a direct get) and publishes the next
// seq with Nats-Expected-Last-Subject-Sequence set to that message's
// JetStream sequence, so the server accepts exactly one of two writers
// racing for a seq: the loser of an explicit seq gets
// replay.ErrSeqMismatch (after asking the server, never on the Log's
// memory alone), the loser of an assigned one (seq 0) tries again with
// the next. Seq k is therefore always the k-th message of its
// subject. Read finds the JetStream sequence of its first seq by a
// binary search over direct gets of "the next message of this subject at
// or after sequence x" (a few round trips; none when reading on from
// where the previous read stopped, which the Log remembers). A short
// batch is then fetched by direct gets; a longer one is pulled through an
// ephemeral consumer filtered by the subject, which the Log keeps (up to
// eight, pulling ahead) for the read that goes on from where this one
// stopped, so reading a whole stream makes one consumer. Close deletes
// them; the server also removes one idle for a minute.
//
// The JetStream stream must keep every message (no per-subject limit, no
// age or size limit that discards, no work-queue retention): a removed
// message would make the seqs after it unreachable, and Read says so
// rather than renumber. Messages published to the subjects by something
// other than this package need the Replay-Seq header.
//
// An append whose acknowledgement is lost (the connection closed after
// the publish left) may or may not be stored: its error says the append
// failed, and LastSeq tells which.
package jetstream
