package whatsapp

import (
	"iter"
	"time"
)

// Event is one thing that happened, flattened out of a Notification with
// what the intake needs to route it: the account and the business number.
// Exactly one of Message, Status, Error or Other is set.
type Event struct {
	WABAID             string
	Field              string
	Time               time.Time // entry time; zero when Meta omits it
	PhoneNumberID      string    // "messages" changes only
	DisplayPhoneNumber string    // also set for number quality/name updates

	Message *InboundMessage // customer message
	Contact *WebhookContact // sender's profile, when Meta sent it
	Status  *Status         // outbound message status
	Error   *WebhookError   // error about the number itself
	Other   *Change         // any other field, typed or raw
}

// Events yields every message, status and error of every "messages"
// change, then one event per other change, in delivery order.
func (n *Notification) Events() iter.Seq[Event] {
	return func(yield func(Event) bool) {
		for i := range n.Entry {
			e := &n.Entry[i]
			for j := range e.Changes {
				base := Event{WABAID: e.ID, Field: e.Changes[j].Field, Time: e.Time.Time()}
				if !yieldChange(base, &e.Changes[j], yield) {
					return
				}
			}
		}
	}
}

func yieldChange(base Event, c *Change, yield func(Event) bool) bool {
	if c.Messages == nil {
		base.Other = c
		base.DisplayPhoneNumber = displayNumberOf(c)
		return yield(base)
	}
	v := c.Messages
	base.PhoneNumberID, base.DisplayPhoneNumber = v.Metadata.PhoneNumberID, v.Metadata.DisplayPhoneNumber
	for i := range v.Messages {
		ev := base
		ev.Message, ev.Contact = &v.Messages[i], v.Contact(v.Messages[i].From)
		if !yield(ev) {
			return false
		}
	}
	for i := range v.Statuses {
		ev := base
		ev.Status = &v.Statuses[i]
		if !yield(ev) {
			return false
		}
	}
	for i := range v.Errors {
		ev := base
		ev.Error = &v.Errors[i]
		if !yield(ev) {
			return false
		}
	}
	return true
}

// displayNumberOf finds the business number named by a non-message change.
func displayNumberOf(c *Change) string {
	switch {
	case c.Quality != nil:
		return c.Quality.DisplayPhoneNumber
	case c.NameUpdate != nil:
		return c.NameUpdate.DisplayPhoneNumber
	case c.Account != nil:
		return c.Account.PhoneNumber
	}
	return ""
}
