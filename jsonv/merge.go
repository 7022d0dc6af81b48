package jsonv

// MergePatch applies an RFC 7386 JSON merge patch to target and returns
// the result: members of an object patch are merged recursively, a null
// member deletes, any other patch replaces the target. target is not
// modified; the result shares every member the patch does not touch.
func MergePatch(target, patch any) any {
	switch p := patch.(type) {
	case map[string]any:
		obj, _ := FromPlain(target).(*Object)
		for k, v := range p {
			obj = mergeMember(obj, k, v)
		}
		return obj
	case *Object:
		obj, _ := FromPlain(target).(*Object)
		for k, v := range p.All() {
			obj = mergeMember(obj, k, v)
		}
		return obj
	}
	return FromPlain(patch)
}

func mergeMember(obj *Object, k string, v any) *Object {
	if v == nil {
		return obj.Delete(k)
	}
	old, _ := obj.Get(k)
	return obj.Set(k, MergePatch(old, v))
}
