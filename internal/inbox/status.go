package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// callbackPrefix marks our own message id in biz_opaque_callback_data, so a
// status can be matched before (or without) the send's wamid being recorded.
const callbackPrefix = "conversa-msg-"

func callbackData(messageID int64) string { return callbackPrefix + strconv.FormatInt(messageID, 10) }

func parseCallbackData(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, callbackPrefix), 10, 64)
	return id, strings.HasPrefix(s, callbackPrefix) && err == nil && id > 0
}

// applyStatusEvent applies one status webhook. A status whose message is
// not known yet is parked and applied when the wamid is recorded.
func (s *Service) applyStatusEvent(ctx context.Context, r intake.Route, st *whatsapp.Status) error {
	var changed []conversa.Message
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		m, err := statusTarget(ctx, tx, r.CompanyID, st)
		if isNotFound(err) {
			raw, err := json.Marshal(st)
			if err != nil {
				return err
			}
			return tx.ParkStatus(ctx, r.CompanyID, r.ChannelID, st.ID, raw)
		}
		if err != nil {
			return err
		}
		changed, err = s.updateDelivery(ctx, tx, m, func(m conversa.Message) conversa.Message { return withStatus(m, st) })
		return err
	})
	if err != nil {
		return err
	}
	for _, m := range changed {
		s.publishMessage(ctx, EventMessageStatus, m)
	}
	if st.Status == string(conversa.StatusFailed) {
		// Meta reports some channel problems only here (131042 billing):
		// the intake retries the event if it can't be noted now.
		at := st.Timestamp.Time()
		if at.IsZero() {
			at = r.ReceivedAt
		}
		_, err = channels.RecordSendError(ctx, s.store, r.CompanyID, r.ChannelID, at, st.StatusError())
	}
	return err
}

// statusTarget finds the outbound message a status is about, locked: by our
// callback data first (works before the wamid is recorded), else by wamid.
func statusTarget(ctx context.Context, tx *store.Store, companyID int64, st *whatsapp.Status) (conversa.Message, error) {
	if id, ok := parseCallbackData(st.BizOpaqueCallbackData); ok {
		m, err := tx.LockMessage(ctx, companyID, id)
		// A message with another wamid is not this one (e.g. a second
		// installation sharing the number): fall back to the wamid.
		if err == nil && m.Direction == conversa.Outbound && (m.WAMID == "" || m.WAMID == st.ID) {
			return m, nil
		}
		if err != nil && !isNotFound(err) {
			return m, err
		}
	}
	m, err := tx.LockMessageByWAMID(ctx, companyID, st.ID)
	if err == nil && m.Direction != conversa.Outbound {
		return m, conversa.Errorf(conversa.ENOTFOUND, "Message not found.")
	}
	return m, err
}

// updateDelivery saves change(m) and, when that records m's wamid for the
// first time, the statuses parked for it. It returns the messages whose
// visible state changed.
func (s *Service) updateDelivery(ctx context.Context, tx *store.Store, m conversa.Message,
	change func(conversa.Message) conversa.Message) ([]conversa.Message, error) {
	before := m
	m = change(m)
	if m.WAMID != "" && before.WAMID == "" {
		parked, err := tx.TakeParkedStatuses(ctx, m.CompanyID, m.WAMID)
		if err != nil {
			return nil, err
		}
		for _, raw := range parked {
			var st whatsapp.Status
			if err := json.Unmarshal(raw, &st); err != nil {
				return nil, errors.Join(errors.New("inbox: parked status"), err)
			}
			m = withStatus(m, &st)
		}
	}
	if err := tx.SaveMessage(ctx, m); err != nil {
		return nil, err
	}
	if visible(m) == visible(before) {
		return nil, nil
	}
	return []conversa.Message{m}, nil
}

type deliveryState struct {
	status     conversa.MessageStatus
	wamid, err string
	send       conversa.SendState
}

// visible is the part of a message whose change is worth a live event.
func visible(m conversa.Message) deliveryState {
	return deliveryState{m.Status, m.WAMID, m.Error, m.SendState}
}

// withStatus folds a status webhook into an outbound message. The status
// only moves forward (conversa.NextStatus), so repeated and reordered
// webhooks end in the same state; any status proves Meta has the message,
// which settles a send whose outcome was unknown.
func withStatus(m conversa.Message, st *whatsapp.Status) conversa.Message {
	incoming := conversa.MessageStatus(st.Status)
	if m.WAMID == "" {
		m.WAMID = st.ID
	}
	m.SendState = conversa.SendIdle
	m.Status = conversa.NextStatus(m.Status, incoming)
	at := st.Timestamp.Time().UTC()
	stamp := func(t **time.Time) {
		if *t == nil && !at.IsZero() {
			*t = &at
		}
	}
	switch incoming {
	case conversa.StatusSent:
		stamp(&m.SentAt)
	case conversa.StatusDelivered:
		stamp(&m.DeliveredAt)
	case conversa.StatusRead:
		stamp(&m.ReadAt)
	}
	if incoming == conversa.StatusFailed && m.Status == conversa.StatusFailed {
		m = withFailure(m, st.StatusError())
	}
	if p := st.Pricing; p != nil {
		billable := p.Billable
		m.Billable, m.PricingType = &billable, p.Type
		if c, err := conversa.ParseCategory(p.Category); err == nil {
			m.Category = c
		}
	}
	return m
}

// withFailure marks m failed with Meta's error as plain sentences.
func withFailure(m conversa.Message, err error) conversa.Message {
	m.Status, m.SendState = conversa.StatusFailed, conversa.SendIdle
	if err == nil {
		return m
	}
	ce := whatsapp.ToConversa(err)
	m.Error, m.ErrorPT = ce.Message, ce.PT
	var we *whatsapp.Error
	if errors.As(err, &we) {
		m.ErrorCode = we.Code
	}
	return m
}
