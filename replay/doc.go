// Package replay is a typed event-sourcing replay library.
//
// Every state-changing event is appended to a per-stream [Log]; the state
// at any sequence number is rebuilt by [Replay], which folds the events
// after the nearest [Checkpoint] through a pure [Apply] function.
// [Timeline] builds on Replay to seek anywhere in a stream fast, the engine
// of the replaytui debugger.
//
// The package imports only the standard library. Backends live elsewhere
// (sources/jsonl, sources/postgres) and all pass the conformance suite in
// replay/replaytest.
package replay
