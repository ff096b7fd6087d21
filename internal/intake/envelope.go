package intake

import "encoding/json"

// envelope is the little of a webhook the hot path reads to find its
// channels: entry ids (WABA ids) and each "messages" change's
// phone_number_id. Everything else stays raw and unparsed until the
// processing job runs ParseWebhook on the stored copy.
type envelope struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string          `json:"field"`
			Value json.RawMessage `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type metadataOnly struct {
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
}

// routingKeys are what a delivery names: the business numbers of its
// "messages" changes and the accounts of its other changes.
type routingKeys struct {
	phoneNumberIDs []string
	wabaIDs        []string
}

// parseRoutingKeys validates the body as JSON and extracts its routing
// keys, deduplicated. Values of unknown shape are left alone; only a
// "messages" change whose metadata is not an object is refused.
func parseRoutingKeys(body []byte) (routingKeys, string, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return routingKeys{}, "", err
	}
	var k routingKeys
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			if c.Field != "messages" {
				k.wabaIDs = appendNew(k.wabaIDs, e.ID)
				continue
			}
			var v metadataOnly
			if len(c.Value) == 0 {
				continue
			}
			if err := json.Unmarshal(c.Value, &v); err != nil {
				return routingKeys{}, "", err
			}
			k.phoneNumberIDs = appendNew(k.phoneNumberIDs, v.Metadata.PhoneNumberID)
		}
	}
	return k, env.Object, nil
}

func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
