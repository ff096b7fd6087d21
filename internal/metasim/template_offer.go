package metasim

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Limited-time offer templates, as Meta's "Limited-time offer templates"
// page documents them: a LIMITED_TIME_OFFER component {text (up to 16
// characters), has_expiration}, only in MARKETING templates, without a
// footer, with an optional IMAGE or VIDEO header, a body of up to 600
// characters and an offer code (COPY_CODE example) of up to 15. A send
// gives the offer's end in a limited_time_offer component.

type limitedTimeOffer struct {
	Text          string `json:"text"`
	HasExpiration bool   `json:"has_expiration,omitempty"`
}

// offerParam is the send-time value: the offer's end in Unix milliseconds.
type offerParam struct {
	ExpirationTimeMS int64 `json:"expiration_time_ms"`
}

func validateOffer(o *limitedTimeOffer) *metaError {
	if o == nil {
		return missing("components[LIMITED_TIME_OFFER]['limited_time_offer']")
	}
	if n := utf8.RuneCountInString(o.Text); n == 0 || n > 16 {
		return tplErr(subInvalidParam, "Invalid offer text", "The limited-time offer text must have between 1 and 16 characters.")
	}
	return nil
}

// validateOfferTemplate applies the limits an offer puts on the rest of
// the template.
func validateOfferTemplate(t *template) *metaError {
	bad := func(msg string) *metaError {
		return tplErr(subInvalidParam, "Invalid limited-time offer template", msg)
	}
	switch h := t.component("HEADER"); {
	case t.Category != "MARKETING":
		return bad("Only MARKETING templates can have a limited-time offer.")
	case t.component("FOOTER") != nil:
		return bad("A limited-time offer template can't have a footer.")
	case utf8.RuneCountInString(bodyComponentText(t)) > 600:
		return bad("The body of a limited-time offer template must have at most 600 characters.")
	case h != nil && h.Format != "IMAGE" && h.Format != "VIDEO":
		return bad("The header of a limited-time offer template must be an IMAGE or a VIDEO.")
	}
	for _, b := range t.buttons() {
		if b.Type == "COPY_CODE" && utf8.RuneCountInString(b.Example[0]) > 15 {
			return bad("The offer code example must have at most 15 characters.")
		}
	}
	return nil
}

// checkOffer validates a send's limited_time_offer component against the
// template and renders the offer line: an offer with has_expiration needs
// its expiration_time_ms; a template without an offer takes none.
func checkOffer(t *template, c *sendComponent) (string, *metaError) {
	spec := t.component("LIMITED_TIME_OFFER")
	if spec == nil || spec.LimitedTimeOffer == nil {
		if c != nil {
			return "", metaErr(132000, "The template has no limited-time offer, but limited_time_offer parameters were sent.")
		}
		return "", nil
	}
	line := "⏳ " + spec.LimitedTimeOffer.Text
	if c == nil && !spec.LimitedTimeOffer.HasExpiration {
		return line, nil
	}
	if c == nil || len(c.Parameters) != 1 {
		return "", metaErr(132000, "The limited-time offer needs one limited_time_offer parameter with its expiration_time_ms.")
	}
	p := c.Parameters[0]
	if p.Type != "limited_time_offer" || p.LimitedTimeOffer == nil || p.LimitedTimeOffer.ExpirationTimeMS <= 0 {
		return "", metaErr(132012, "The limited-time offer parameter needs type limited_time_offer and a positive expiration_time_ms.")
	}
	end := time.UnixMilli(p.LimitedTimeOffer.ExpirationTimeMS).UTC().Format("2006-01-02 15:04 UTC")
	return strings.TrimSpace(line + " (until " + end + ")"), nil
}
