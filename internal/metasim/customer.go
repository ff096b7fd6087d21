package metasim

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Customers: what a simulated WhatsApp user sends to a business number.
// Each message opens (or restarts) the 24-hour window and reaches the
// business as Meta's inbound "messages" webhook.

// CustomerMessage is one message from a customer. Only From and a payload
// for the type are required; PhoneNumberID defaults to the test number.
type CustomerMessage struct {
	PhoneNumberID string  `json:"phone_number_id"`
	From          string  `json:"from"`       // customer wa_id, digits
	Name          string  `json:"name"`       // profile name
	Type          string  `json:"type"`       // text (default), image, audio, video, document, sticker, location, contacts, button, interactive, reaction
	Text          string  `json:"text"`       // body, caption, or the button's text
	ContextID     string  `json:"context_id"` // wamid this replies to
	Payload       string  `json:"payload"`    // quick-reply button payload
	ReplyKind     string  `json:"reply_kind"` // interactive: button_reply (default) or list_reply
	ReplyID       string  `json:"reply_id"`
	ReplyTitle    string  `json:"reply_title"`
	Emoji         string  `json:"emoji"`      // reaction
	MessageID     string  `json:"message_id"` // reaction target
	MediaBase64   string  `json:"media_base64"`
	MimeType      string  `json:"mime_type"`
	Filename      string  `json:"filename"`
	Latitude      float64 `json:"latitude"`
	Longitude     float64 `json:"longitude"`
	Address       string  `json:"address"`  // location
	Referral      bool    `json:"referral"` // came from a click-to-WhatsApp ad: 72-hour free entry point
	ID            string  `json:"id"`       // wamid to use (default: a new one); replays documented payloads
}

type inboundValue struct {
	MessagingProduct string           `json:"messaging_product"`
	Metadata         metadata         `json:"metadata"`
	Contacts         []inboundContact `json:"contacts"`
	Messages         []map[string]any `json:"messages"`
}

type inboundContact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WAID string `json:"wa_id"`
}

// tinyPNG is sent when a customer "sends an image" without choosing one.
var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

// CustomerSend delivers a customer's message to a business number and
// returns its wamid.
func (s *Sim) CustomerSend(m CustomerMessage) (string, error) {
	if m.PhoneNumberID == "" {
		m.PhoneNumberID = s.TestAccount().PhoneNumberID
	}
	p := s.phoneByID(m.PhoneNumberID)
	if p == nil {
		return "", errors.New("unknown phone_number_id " + m.PhoneNumberID)
	}
	if !p.isRegistered() {
		return "", errors.New("business number is not registered")
	}
	digits := normalizeTo(m.From)
	if digits == "" {
		return "", errors.New("from must be a plausible E.164 number")
	}
	waID, _ := s.customerFor(digits) // a typed number maps to its wa_id (9th digit)
	if m.Type == "" {
		m.Type = "text"
	}
	body, view, err := s.inboundBody(p, &m)
	if err != nil {
		return "", err
	}
	now := s.now()
	id := m.ID
	if id == "" {
		id = s.ids.wamid(waID)
	}
	body["from"], body["id"], body["timestamp"], body["type"] = waID, id, strconv.FormatInt(now.Unix(), 10), m.Type
	if m.ContextID != "" {
		body["context"] = map[string]string{"from": p.display(), "id": m.ContextID}
	}
	ch := p.chatOf(waID)
	ch.mu.Lock()
	if m.Name != "" {
		ch.Name = m.Name
	}
	name := ch.Name
	ch.LastInbound = now
	if m.Referral {
		ch.EntryPointUntil = now.Add(72 * time.Hour)
		body["referral"] = map[string]string{"source_url": "https://fb.me/sim-ad", "source_id": "120200000000000000",
			"source_type": "ad", "headline": "Fale com a gente", "body": "Anúncio simulado", "media_type": "image",
			"ctwa_clid": "sim" + id[len(id)-8:]}
	}
	view.ID, view.Direction, view.Type, view.Status, view.Timestamp, view.ContextID =
		id, "in", m.Type, "received", now.Unix(), m.ContextID
	ch.add(view)
	ch.mu.Unlock()
	s.msgIndex.Store(id, &msgRef{phone: p, chat: ch, msg: view})
	contact := inboundContact{WAID: waID}
	contact.Profile.Name = name
	s.emit(p.WABAID, "messages", inboundValue{MessagingProduct: "whatsapp",
		Metadata: metadata{DisplayPhoneNumber: p.display(), PhoneNumberID: p.ID},
		Contacts: []inboundContact{contact}, Messages: []map[string]any{body}}, p.ID+":"+waID)
	return id, nil
}

// inboundBody builds the type-specific part of an inbound message and its
// chat view.
func (s *Sim) inboundBody(p *phone, m *CustomerMessage) (map[string]any, *chatMsg, error) {
	body := map[string]any{}
	view := &chatMsg{Text: m.Text}
	switch m.Type {
	case "text":
		if m.Text == "" {
			return nil, nil, errors.New("text is required")
		}
		body["text"] = map[string]string{"body": m.Text}
	case "image", "audio", "video", "document", "sticker":
		obj, err := s.inboundMedia(p, m)
		if err != nil {
			return nil, nil, err
		}
		body[m.Type] = obj
		view.MediaID, _ = obj["id"].(string)
		view.Text = strings.TrimSpace("[" + m.Type + "] " + m.Text)
	case "location":
		body["location"] = inboundLocation(m)
		view.Text = strings.TrimSpace("📍 " + m.Text + " " + m.Address)
	case "contacts":
		body["contacts"] = []map[string]any{{"name": map[string]string{"formatted_name": m.Text, "first_name": m.Text},
			"phones": []map[string]string{{"phone": "+" + m.Payload, "type": "CELL"}}}}
	case "button":
		if m.ContextID == "" || m.Text == "" {
			return nil, nil, errors.New("a button reply needs context_id (the template's wamid) and text")
		}
		payload := m.Payload
		if payload == "" {
			payload = m.Text
		}
		body["button"] = map[string]string{"payload": payload, "text": m.Text}
	case "interactive":
		kind := m.ReplyKind
		if kind == "" {
			kind = "button_reply"
		}
		if m.ReplyID == "" || m.ReplyTitle == "" {
			return nil, nil, errors.New("an interactive reply needs reply_id and reply_title")
		}
		body["interactive"] = map[string]any{"type": kind, kind: map[string]string{"id": m.ReplyID, "title": m.ReplyTitle}}
		view.Text = m.ReplyTitle
	case "reaction":
		if m.MessageID == "" {
			return nil, nil, errors.New("a reaction needs message_id")
		}
		body["reaction"] = map[string]string{"message_id": m.MessageID, "emoji": m.Emoji}
		view.Text = m.Emoji
	default:
		return nil, nil, errors.New("unsupported type " + m.Type)
	}
	return body, view, nil
}

func (s *Sim) inboundMedia(p *phone, m *CustomerMessage) (map[string]any, error) {
	data, mime := tinyPNG, "image/png"
	if m.MediaBase64 != "" {
		var err error
		if data, err = base64.StdEncoding.DecodeString(m.MediaBase64); err != nil {
			return nil, errors.New("media_base64 is not valid base64")
		}
		mime = m.MimeType
	}
	if m.MimeType != "" {
		mime = m.MimeType
	}
	it := s.storeMedia(p.ID, mime, m.Filename, data)
	// url: Meta has been adding the download URL to media webhooks since
	// November 2025 (image webhook reference).
	obj := map[string]any{"mime_type": it.MimeType, "sha256": it.SHA256, "id": it.ID,
		"url": mediaURLAt(s.graphBase(), it)}
	if m.Text != "" && m.Type != "audio" && m.Type != "sticker" {
		obj["caption"] = m.Text
	}
	switch m.Type {
	case "document":
		if m.Filename != "" {
			obj["filename"] = m.Filename
		}
	case "audio": // a voice note is recorded as Opus in Ogg
		obj["voice"] = strings.HasPrefix(it.MimeType, "audio/ogg")
	case "sticker":
		obj["animated"] = false
	}
	return obj, nil
}

// inboundLocation is a shared pin; name and address only for a place.
func inboundLocation(m *CustomerMessage) map[string]any {
	loc := map[string]any{"latitude": m.Latitude, "longitude": m.Longitude}
	if m.Text != "" {
		loc["name"] = m.Text
	}
	if m.Address != "" {
		loc["address"] = m.Address
	}
	return loc
}
