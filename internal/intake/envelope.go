package intake

import (
	"errors"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
)

// routingKeys are what a delivery names: the business numbers of its
// "messages" changes and the accounts of its other changes.
type routingKeys struct {
	phoneNumberIDs []string
	wabaIDs        []string
}

var errEnvelope = errors.New("intake: not a webhook envelope")

// parseRoutingKeys validates the body as JSON and extracts the little the
// hot path needs to find its channels: the object, entry ids (WABA ids)
// and each "messages" change's metadata.phone_number_id, deduplicated.
// Everything else stays raw and unparsed until the processing job runs
// ParseWebhook on the stored copy. It scans the body in place (gjson)
// instead of decoding it: this runs for every delivery Meta sends.
//
// Values of unknown shape are left alone; the body must be an object, and
// what routing reads must have the types Meta documents (a "messages"
// change whose metadata is not an object is refused).
func parseRoutingKeys(body []byte) (routingKeys, string, error) {
	if !gjson.ValidBytes(body) {
		return routingKeys{}, "", errors.New("intake: invalid JSON")
	}
	// Parse scans a string: view body as one instead of copying it
	// (ParseBytes would). body is never modified, and the ids kept below are
	// cloned, so nothing outlives it by reference.
	root := gjson.Parse(unsafe.String(unsafe.SliceData(body), len(body)))
	object := root.Get("object")
	if !root.IsObject() || !is(object, gjson.String) {
		return routingKeys{}, "", errEnvelope
	}
	var k routingKeys
	ok := each(root.Get("entry"), func(e gjson.Result) bool {
		id := e.Get("id")
		return is(id, gjson.String) && each(e.Get("changes"), func(c gjson.Result) bool {
			return k.addChange(id.String(), c)
		})
	})
	if !ok {
		return routingKeys{}, "", errEnvelope
	}
	return k, strings.Clone(object.String()), nil
}

// addChange records one change's routing key; false when it has the wrong
// shape.
func (k *routingKeys) addChange(wabaID string, c gjson.Result) bool {
	field := c.Get("field")
	if !is(field, gjson.String) {
		return false
	}
	if field.String() != "messages" {
		k.wabaIDs = appendNew(k.wabaIDs, wabaID)
		return true
	}
	value := c.Get("value")
	if !value.Exists() || value.Type == gjson.Null {
		return true
	}
	metadata := value.Get("metadata")
	phone := metadata.Get("phone_number_id")
	if !value.IsObject() || !(isNull(metadata) || metadata.IsObject()) || !is(phone, gjson.String) {
		return false
	}
	k.phoneNumberIDs = appendNew(k.phoneNumberIDs, phone.String())
	return true
}

// each calls f for every element of the array a (absent or null: none);
// false when a is something else, an element is not an object, or f says
// so.
func each(a gjson.Result, f func(gjson.Result) bool) bool {
	if isNull(a) {
		return true
	}
	if !a.IsArray() {
		return false
	}
	ok := true
	a.ForEach(func(_, v gjson.Result) bool {
		ok = v.IsObject() && f(v)
		return ok
	})
	return ok
}

// is reports whether r is of type t, absent or null.
func is(r gjson.Result, t gjson.Type) bool { return isNull(r) || r.Type == t }

func isNull(r gjson.Result) bool { return !r.Exists() || r.Type == gjson.Null }

func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, strings.Clone(s)) // s points into the body
}
