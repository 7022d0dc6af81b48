package jsonv

import (
	"sync"

	"github.com/replaytui/replaytui/internal/jsonscan"
)

// MergePatch applies an RFC 7386 JSON merge patch to target and returns
// the result: members of an object patch are merged recursively, a null
// member deletes, any other patch replaces the target. target is not
// modified; the result shares every member the patch does not touch, and
// each node on a changed path is copied once, however many members of it
// the patch changes.
func MergePatch(target, patch any) any {
	return mergePatch(newEditor(), target, patch)
}

func mergePatch(ed editor, target, patch any) any {
	switch p := patch.(type) {
	case map[string]any:
		obj, _ := FromPlain(target).(*Object)
		for k, v := range p {
			obj = mergeMember(ed, obj, k, v)
		}
		return obj
	case *Object:
		obj, _ := FromPlain(target).(*Object)
		for k, v := range p.All() {
			obj = mergeMember(ed, obj, k, v)
		}
		return obj
	}
	return FromPlain(patch)
}

func mergeMember(ed editor, obj *Object, k string, v any) *Object {
	if v == nil {
		return obj.deleteIn(ed, k)
	}
	old, _ := obj.Get(k)
	return obj.setIn(ed, k, mergePatch(ed, old, v))
}

// decoders lend key caches to MergePatchJSON.
var decoders = sync.Pool{New: func() any { return new(jsonscan.Decoder) }}

// MergePatchJSON is MergePatch with the patch given as JSON text. It
// merges straight from the text, without building the patch as Go maps
// first: the cheapest way to fold a merge-patch log.
func MergePatchJSON(target any, patch []byte) (any, error) {
	d := decoders.Get().(*jsonscan.Decoder)
	defer decoders.Put(d)
	return mergeJSON(newEditor(), d, target, patch)
}

func mergeJSON(ed editor, d *jsonscan.Decoder, target any, patch []byte) (any, error) {
	v, end, err := mergeJSONAt(ed, d, target, patch, jsonscan.SkipSpace(patch, 0))
	if err != nil {
		return nil, err
	}
	if end = jsonscan.SkipSpace(patch, end); end != len(patch) {
		_, err := jsonscan.Decode(patch) // for its error message
		return nil, err
	}
	return v, nil
}

// mergeJSONAt merges the patch value at patch[i] into target and returns
// the result and the offset after the patch value.
func mergeJSONAt(ed editor, d *jsonscan.Decoder, target any, patch []byte, i int) (any, int, error) {
	if i >= len(patch) || patch[i] != '{' {
		v, end, err := d.ValueAt(patch, i)
		if err != nil {
			return nil, end, err
		}
		return FromPlain(v), end, nil
	}
	obj, _ := FromPlain(target).(*Object)
	end, err := jsonscan.MembersFunc(patch, i, func(rawKey []byte, start int) (int, error) {
		k, err := d.Key(rawKey)
		if err != nil {
			return start, err
		}
		if start < len(patch) && patch[start] == 'n' { // null deletes
			end, err := jsonscan.Skip(patch, start)
			if err == nil {
				obj = obj.deleteIn(ed, k)
			}
			return end, err
		}
		var end int
		obj, err = obj.updateIn(ed, k, func(old any) (any, error) {
			var v any
			var err error
			v, end, err = mergeJSONAt(ed, d, old, patch, start)
			return v, err
		})
		return end, err
	})
	return obj, end, err
}
