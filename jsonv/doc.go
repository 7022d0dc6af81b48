// Package jsonv holds JSON values as replaytui folds them: states whose
// objects are persistent (an update copies only the path it changes, so
// keyframes of a large state are cheap), the JSON event payload type, and
// what the debugger does with values — encode, diff, merge-patch, paths.
//
// A value is one of nil, bool, float64, string, []any or *Object. Plain
// map[string]any values (from encoding/json, gojq or expr) are accepted
// wherever a value is read, and FromPlain turns them into Objects.
// Values are immutable once built: functions here never modify their
// arguments. A nil *Object is the empty object {}; only an untyped nil is
// JSON null.
package jsonv
