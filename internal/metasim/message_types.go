package metasim

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sendRequest is the body of POST /{phone-number-id}/messages.
type sendRequest struct {
	MessagingProduct string        `json:"messaging_product"`
	RecipientType    string        `json:"recipient_type"`
	To               string        `json:"to"`
	Type             string        `json:"type"`
	Status           string        `json:"status"`     // "read": mark-as-read
	MessageID        string        `json:"message_id"` // with status "read"
	Context          *msgContext   `json:"context"`
	BizOpaque        string        `json:"biz_opaque_callback_data"`
	Text             *textObj      `json:"text"`
	Template         *sendTemplate `json:"template"`
	Image            *mediaObj     `json:"image"`
	Audio            *mediaObj     `json:"audio"`
	Video            *mediaObj     `json:"video"`
	Document         *mediaObj     `json:"document"`
	Sticker          *mediaObj     `json:"sticker"`
	Interactive      *interactive  `json:"interactive"`
	Reaction         *reactionObj  `json:"reaction"`
	Location         *locationObj  `json:"location"`
	Contacts         []any         `json:"contacts"`
}

type msgContext struct {
	MessageID string `json:"message_id"`
}

type textObj struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url"`
}

type mediaObj struct {
	ID       string `json:"id"`
	Link     string `json:"link"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type reactionObj struct {
	MessageID string  `json:"message_id"`
	Emoji     *string `json:"emoji"`
}

type interactive struct {
	Type   string          `json:"type"`
	Header json.RawMessage `json:"header"`
	Body   *struct {
		Text string `json:"text"`
	} `json:"body"`
	Footer json.RawMessage `json:"footer"`
	Action struct {
		Buttons []struct {
			Type  string `json:"type"`
			Reply struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"reply"`
		} `json:"buttons"`
		Button   string `json:"button"`
		Sections []struct {
			Title string `json:"title"`
			Rows  []struct {
				ID          string `json:"id"`
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"rows"`
		} `json:"sections"`
		Name       string `json:"name"`
		Parameters *struct {
			DisplayText string `json:"display_text"`
			URL         string `json:"url"`
		} `json:"parameters"`
	} `json:"action"`
}

// outMsg is what a validated request becomes in the customer's chat.
type outMsg struct {
	text    string
	buttons []chatBtn
	mediaID string
}

func missing(param string) *metaError {
	return metaErr(131008, "The parameter "+param+" is required.")
}

func invalid(details string) *metaError { return metaErr(131009, details) }

// validateMessage checks the non-template types like Meta and renders the
// message for the chat view.
func (s *Sim) validateMessage(req *sendRequest) (outMsg, *metaError) {
	switch req.Type {
	case "text", "":
		if req.Text == nil || req.Text.Body == "" {
			return outMsg{}, missing("text['body']")
		}
		if utf8.RuneCountInString(req.Text.Body) > 4096 {
			return outMsg{}, invalid("Param text['body'] must be at most 4096 characters long.")
		}
		return outMsg{text: req.Text.Body}, nil
	case "image", "audio", "video", "document", "sticker":
		return s.validateMedia(req.Type, req.media())
	case "interactive":
		return validateInteractive(req.Interactive)
	case "reaction":
		if req.Reaction == nil || req.Reaction.MessageID == "" {
			return outMsg{}, missing("reaction['message_id']")
		}
		if req.Reaction.Emoji == nil {
			return outMsg{}, missing("reaction['emoji']")
		}
		return outMsg{text: *req.Reaction.Emoji}, nil
	case "location":
		l := req.Location
		if err := checkPin(l, "location", 131008, 131009); err != nil {
			return outMsg{}, err
		}
		return outMsg{text: strings.TrimSpace("📍 " + l.Name + " " + l.Address + " (" +
			strconv.FormatFloat(l.Latitude.v, 'f', 5, 64) + ", " + strconv.FormatFloat(l.Longitude.v, 'f', 5, 64) + ")")}, nil
	case "contacts":
		if len(req.Contacts) == 0 {
			return outMsg{}, missing("contacts")
		}
		return outMsg{text: "👤 " + strconv.Itoa(len(req.Contacts)) + " contact(s)"}, nil
	}
	return outMsg{}, metaErr(100, "Param type must be one of {audio, contacts, document, image, interactive, location, reaction, sticker, template, text, video} - got \""+req.Type+"\".")
}

func (r *sendRequest) media() *mediaObj {
	switch r.Type {
	case "image":
		return r.Image
	case "audio":
		return r.Audio
	case "video":
		return r.Video
	case "document":
		return r.Document
	case "sticker":
		return r.Sticker
	}
	return nil
}

func (s *Sim) validateMedia(typ string, m *mediaObj) (outMsg, *metaError) {
	if m == nil || (m.ID == "" && m.Link == "") {
		return outMsg{}, missing(typ + "['id'] or " + typ + "['link']")
	}
	if m.ID != "" && s.media.get(m.ID) == nil {
		return outMsg{}, metaErr(100, "Param "+typ+"['id'] is not a valid whatsapp business account media attachment ID")
	}
	if m.Link != "" && !strings.HasPrefix(m.Link, "http://") && !strings.HasPrefix(m.Link, "https://") {
		return outMsg{}, metaErr(100, "Param "+typ+"['link'] is not a valid URI.")
	}
	text := "[" + typ + "]"
	if m.Caption != "" {
		text += " " + m.Caption
	} else if m.Filename != "" {
		text += " " + m.Filename
	}
	return outMsg{text: text, mediaID: m.ID}, nil
}

// validateInteractive applies Meta's limits: up to 3 reply buttons (title
// ≤ 20), lists with ≤ 10 sections and ≤ 10 rows (title ≤ 24), cta_url.
func validateInteractive(in *interactive) (outMsg, *metaError) {
	if in == nil {
		return outMsg{}, missing("interactive")
	}
	if in.Body == nil || in.Body.Text == "" {
		return outMsg{}, missing("interactive['body']['text']")
	}
	out := outMsg{text: in.Body.Text}
	switch in.Type {
	case "button":
		bs := in.Action.Buttons
		if len(bs) == 0 || len(bs) > 3 {
			return outMsg{}, invalid("Param interactive['action']['buttons'] must have between 1 and 3 buttons.")
		}
		for _, b := range bs {
			if b.Reply.ID == "" || b.Reply.Title == "" || utf8.RuneCountInString(b.Reply.Title) > 20 {
				return outMsg{}, invalid("Each reply button needs an id and a title of at most 20 characters.")
			}
			out.buttons = append(out.buttons, chatBtn{Kind: "reply", ID: b.Reply.ID, Title: b.Reply.Title})
		}
	case "list":
		if in.Action.Button == "" || utf8.RuneCountInString(in.Action.Button) > 20 {
			return outMsg{}, invalid("Param interactive['action']['button'] is required, at most 20 characters.")
		}
		secs, rows := in.Action.Sections, 0
		if len(secs) == 0 || len(secs) > 10 {
			return outMsg{}, invalid("Param interactive['action']['sections'] must have between 1 and 10 sections.")
		}
		for _, sec := range secs {
			for _, row := range sec.Rows {
				rows++
				if row.ID == "" || row.Title == "" || utf8.RuneCountInString(row.Title) > 24 {
					return outMsg{}, invalid("Each list row needs an id and a title of at most 24 characters.")
				}
				out.buttons = append(out.buttons, chatBtn{Kind: "list_row", ID: row.ID, Title: row.Title, Section: sec.Title})
			}
		}
		if rows == 0 || rows > 10 {
			return outMsg{}, invalid("A list message must have between 1 and 10 rows in total.")
		}
	case "cta_url":
		p := in.Action.Parameters
		if in.Action.Name != "cta_url" || p == nil || p.DisplayText == "" || p.URL == "" {
			return outMsg{}, missing("interactive['action'] with name cta_url, parameters.display_text and parameters.url")
		}
		out.buttons = []chatBtn{{Kind: "url", ID: p.URL, Title: p.DisplayText}}
	default:
		return outMsg{}, metaErr(100, "Param interactive['type'] must be one of {button, cta_url, list} - got \""+in.Type+"\".")
	}
	return out, nil
}

// normalizeTo turns "+55 (11) 98765-4321" into "5511987654321"; "" when the
// number is not a plausible E.164 number.
func normalizeTo(to string) string {
	b := make([]byte, 0, 16)
	for i := 0; i < len(to); i++ {
		c := to[i]
		switch {
		case c >= '0' && c <= '9':
			b = append(b, c)
		case c == '+' && len(b) == 0, c == ' ', c == '-', c == '(', c == ')', c == '.':
		default:
			return ""
		}
	}
	if len(b) < 8 || len(b) > 15 || b[0] == '0' {
		return ""
	}
	return string(b)
}
