package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The template picker, shared by "Iniciar conversa" and the inbox composer
// once the 24-hour window has closed: approved templates only, a field per
// variable, and the API's own preview (final text, category, expected
// cost), refreshed as the agent types. Nothing here renders or prices a
// template; the API does.
func (u *UI) routesCompose(m *http.ServeMux) {
	m.HandleFunc("GET /app/compose/picker", u.fragment(conversa.RoleAgent, "newconv.html", "tpl-picker", u.loadPicker))
	m.HandleFunc("GET /app/compose/vars", u.fragment(conversa.RoleAgent, "newconv.html", "tpl-vars", u.loadPicker))
	m.HandleFunc("POST /app/compose/preview", u.fragment(conversa.RoleAgent, "newconv.html", "tpl-preview", u.loadPicker))
}

type apiPreview struct {
	Text            string     `json:"text"`
	Category        string     `json:"category"`
	ExpectedCost    int64      `json:"expected_cost"`
	WindowOpen      bool       `json:"window_open"`
	WindowExpiresAt *time.Time `json:"window_expires_at"`
	ConversationID  int64      `json:"conversation_id"`
}

// Cost is the expected cost as Money, for locale formatting.
func (p apiPreview) Cost() conversa.Money { return conversa.Money(p.ExpectedCost) }

type pickerData struct {
	ChannelID      int64
	ConversationID int64  // composing inside a thread
	To             string // as typed, or the contact's number
	Normalized     string // To in E.164, as it will be sent
	Templates      []apiTemplate
	Selected       *apiTemplate
	Params         []string
	Header         string         // the header's value typed so far: its text, or a media link
	ButtonValues   map[int]string // a button's value typed so far, by index
	Preview        *apiPreview
	Err            string // the API's reason the send can't go as is
}

// Param is the i-th value typed so far (empty when none).
func (d pickerData) Param(i int) string {
	if i < len(d.Params) {
		return d.Params[i]
	}
	return ""
}

func (u *UI) loadPicker(r *http.Request, v *view) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	d, err := u.picker(r, v, formInt(r, "channel_id"), r.Form.Get("to"))
	if err != nil {
		return err
	}
	d.ConversationID = formInt(r, "conversation_id")
	d.Params = r.Form["p"]
	d.Selected = findTemplate(d.Templates, formInt(r, "template"))
	d.Header, d.ButtonValues = r.Form.Get("hdr"), map[int]string{}
	if d.Selected != nil {
		for _, in := range d.Selected.Inputs {
			d.ButtonValues[in.Index] = r.Form.Get("btn" + strconv.Itoa(in.Index))
		}
	}
	if r.Method == http.MethodPost {
		u.preview(r, v, d)
	}
	v.Data = d
	return nil
}

// picker lists the channel's approved templates and normalises the number.
func (u *UI) picker(r *http.Request, v *view, channelID int64, to string) (*pickerData, error) {
	d := &pickerData{ChannelID: channelID, To: strings.TrimSpace(to)}
	if d.To != "" {
		if e164, err := conversa.NormalizePhone(d.To, conversa.DefaultRegion); err == nil {
			d.Normalized = e164
		}
	}
	if channelID == 0 {
		return d, nil
	}
	all, err := u.templates(r, v, channelID)
	if err != nil && !missing(err) {
		return nil, err
	}
	for _, t := range all {
		if t.Status == string(conversa.TemplateApproved) {
			d.Templates = append(d.Templates, t)
		}
	}
	return d, nil
}

// preview asks the API what the send would be and cost; its refusal
// (wrong parameters, opted-out contact, bad number) is shown, not raised.
func (u *UI) preview(r *http.Request, v *view, d *pickerData) {
	if d.Selected == nil || d.To == "" {
		return
	}
	params := make([]string, len(d.Selected.Variables()))
	for i := range params {
		params[i] = d.Param(i)
	}
	tpl := map[string]any{"name": d.Selected.Name, "language": d.Selected.Language, "parameters": params}
	d.addInputs(tpl)
	body := map[string]any{"channel_id": d.ChannelID, "to": d.To, "type": "template", "template": tpl}
	var p apiPreview
	if err := u.apiPost(r, v, "/api/v1/messages/preview", body, &p); err != nil {
		d.Err = u.previewError(v, err)
		return
	}
	d.Preview = &p
}

// addInputs puts the typed header and button values in the template send
// as the API takes them (app.js builders.tplsend does the same for the
// send itself); an empty field is left out, so the API names what is
// missing. A one-time-password button needs nothing: the API fills it with
// the body's code.
func (d *pickerData) addInputs(tpl map[string]any) {
	var buttons []map[string]any
	for _, in := range d.Selected.Inputs {
		switch {
		case strings.TrimSpace(d.valueOf(in)) == "":
			// left out: the API names what is missing
		case in.Kind == conversa.InputHeaderText:
			tpl["header"] = map[string]any{"text": d.Header}
		case in.MediaKind() != "":
			tpl["header"] = map[string]any{in.MediaKind(): map[string]string{"link": d.Header}}
		case in.Kind == conversa.InputButtonURL:
			buttons = append(buttons, map[string]any{"index": in.Index, "text": d.ButtonValues[in.Index]})
		case in.Kind == conversa.InputCouponCode:
			buttons = append(buttons, map[string]any{"index": in.Index, "coupon_code": d.ButtonValues[in.Index]})
		}
	}
	if buttons != nil {
		tpl["buttons"] = buttons
	}
}

func (d *pickerData) valueOf(in conversa.TemplateInput) string {
	if in.IsHeader() {
		return d.Header
	}
	return d.ButtonValues[in.Index]
}

// Button is the value typed so far for the button at index.
func (d pickerData) Button(index int) string { return d.ButtonValues[index] }

// previewError shows the API's refusal (wrong parameters, an opted-out
// contact, a bad number) and hides anything else behind the generic message.
func (u *UI) previewError(v *view, err error) string {
	if ae, ok := err.(*apiError); ok && ae.Status < 500 {
		return ae.Message
	}
	u.cfg.Logger.Warn("web: template preview", "path", v.Path, "err", err)
	return v.T("error.generic")
}

func findTemplate(list []apiTemplate, id int64) *apiTemplate {
	for i := range list {
		if list[i].ID == id {
			return &list[i]
		}
	}
	return nil
}

func formInt(r *http.Request, key string) int64 {
	n, _ := strconv.ParseInt(r.Form.Get(key), 10, 64)
	return n
}
