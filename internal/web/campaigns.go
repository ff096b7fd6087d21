package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Campaigns (PRODUCT.md §9): the list, the new-campaign wizard
// (campaign_new.go) and a campaign's page, which is its estimate while a
// draft and its live progress afterwards. Starting, pausing, resuming and
// cancelling are API calls from app.js; progress arrives over SSE
// (campaign.progress) and refreshes the [data-live] parts.
func (u *UI) routesCampaigns(m *http.ServeMux) {
	m.HandleFunc("GET /app/campaigns", u.page(conversa.RoleSupervisor, "campaigns.html", u.loadCampaigns))
	m.HandleFunc("GET /app/campaigns/{id}", u.page(conversa.RoleSupervisor, "campaign.html", u.loadCampaign))
	m.HandleFunc("GET /app/campaigns/{id}/progress", u.fragment(conversa.RoleSupervisor, "campaign.html", "campaign-progress", u.loadCampaign))
	m.HandleFunc("GET /app/campaigns/{id}/recipients", u.fragment(conversa.RoleSupervisor, "campaign.html", "campaign-recipients", u.loadCampaign))
	u.routesCampaignWizard(m)
}

// apiProgress is GET /api/v1/campaigns/{id}. The web package keeps its own
// copy of the API's JSON shapes (as for templates and channels), so it
// builds while the campaign engine is being changed.
type apiProgress struct {
	Campaign   conversa.Campaign `json:"campaign"`
	Counts     map[string]int    `json:"counts"`
	Total      int               `json:"total"`
	Done       int               `json:"done"`
	Rate       float64           `json:"rate"`
	ETASeconds float64           `json:"eta_seconds"`
	Replied    int               `json:"replied"` // recipients who wrote back
}

// apiEstimate is POST /api/v1/campaigns/{id}/estimate.
type apiEstimate struct {
	Recipients   int               `json:"recipients"`
	Excluded     map[string]int    `json:"excluded"`
	Rejected     map[string]int    `json:"rejected"`
	Category     conversa.Category `json:"category"`
	ExpectedCost conversa.Money    `json:"expected_cost"`
	ByCountry    []struct {
		Country    string         `json:"country"`
		Recipients int            `json:"recipients"`
		Cost       conversa.Money `json:"cost"`
	} `json:"by_country"`
	TierLimit     int `json:"tier_limit"`
	TierRemaining int `json:"tier_remaining"`
}

// progressView is one campaign's progress with what the screens derive
// from it.
type progressView struct{ apiProgress }

// Percent is how much of the campaign is done, 0–100, rounded down so the
// bar reads 100 only when nothing is left.
func (p progressView) Percent() int {
	if p.Total == 0 {
		return 0
	}
	return p.Done * 100 / p.Total
}

// Count is the number of recipients in an effective status.
func (p progressView) Count(status string) int { return p.Counts[status] }

// Sent counts recipients Meta accepted whose status is not yet known
// ("accepted") together with those it reports as sent.
func (p progressView) Sent() int {
	return p.Counts[string(conversa.RecipientAccepted)] + p.Counts[string(conversa.StatusSent)]
}

// Pending counts recipients not sent yet, including those whose send is
// in flight ("sending").
func (p progressView) Pending() int {
	return p.Counts[string(conversa.RecipientPending)] + p.Counts[string(conversa.RecipientSending)]
}

// Active is true while the engine may still send (the page polls then).
func (p progressView) Active() bool {
	switch p.Campaign.Status {
	case conversa.CampaignRunning, conversa.CampaignScheduled:
		return true
	}
	return false
}

// Can says whether an action applies to the campaign's status; the API
// refuses the others anyway, the page only hides them.
func (p progressView) Can(action string) bool {
	s := p.Campaign.Status
	switch action {
	case "start":
		return s == conversa.CampaignDraft
	case "pause":
		return s == conversa.CampaignRunning || s == conversa.CampaignScheduled
	case "resume":
		return s == conversa.CampaignPaused
	case "cancel":
		return s != conversa.CampaignCompleted && s != conversa.CampaignCancelled && s != conversa.CampaignDraft
	}
	return false
}

// ReportLink opens the reports page on the campaign's channel and days.
// The reports API filters by campaign_id, but the reports page does not
// pass that filter on yet, so the period and channel narrow it instead.
// The days are the viewer's, so the report counts them in the viewer's
// zone too (tz), not the company's: around midnight the two differ.
func (p progressView) ReportLink(v *view) string {
	c := p.Campaign
	q := url.Values{"channel_id": {fmt.Sprint(c.ChannelID)}, "tz": {v.zone.String()}}
	if c.StartedAt != nil {
		q.Set("from", c.StartedAt.In(v.zone).Format(time.DateOnly))
		end := v.Now
		if c.FinishedAt != nil {
			end = *c.FinishedAt
		}
		q.Set("to", end.In(v.zone).Format(time.DateOnly))
	}
	return "/app/reports?" + q.Encode()
}

// recipientStatuses are the filter's choices, in the order people think
// of a send.
var recipientStatuses = []string{"pending", "sent", "delivered", "read", "failed", "excluded"}

type campaignData struct {
	progressView
	Estimate   *apiEstimate
	Recipients []apiRecipient
	Status     string // the recipients filter
	Statuses   []string
}

// Progress is the campaign's progress alone, for the shared progress bar.
func (d *campaignData) Progress() progressView { return d.progressView }

type apiRecipient struct {
	conversa.CampaignRecipient
	Effective string `json:"effective_status"`
}

func (u *UI) loadCampaign(r *http.Request, v *view) error {
	id := r.PathValue("id")
	d := &campaignData{Status: r.URL.Query().Get("status"), Statuses: recipientStatuses}
	if err := u.apiGet(r, v, "/api/v1/campaigns/"+id, &d.apiProgress); err != nil {
		return err
	}
	if d.Campaign.Status == conversa.CampaignDraft {
		d.Estimate = &apiEstimate{}
		if err := u.apiPost(r, v, "/api/v1/campaigns/"+id+"/estimate", nil, d.Estimate); err != nil {
			return err
		}
	}
	var list struct{ Data []apiRecipient }
	q := url.Values{"limit": {"100"}}
	if d.Status != "" {
		q.Set("status", d.Status)
	}
	if err := u.apiGet(r, v, "/api/v1/campaigns/"+id+"/recipients?"+q.Encode(), &list); err != nil {
		return err
	}
	d.Recipients = list.Data
	v.Title, v.Nav, v.Data = d.Campaign.Name, "campaigns", d
	return nil
}

type campaignsData struct {
	Available bool
	Campaigns []progressView
}

// listProgress bounds how many campaigns the list reads progress for (one
// API call each); older ones show their status only.
const listProgress = 30

func (u *UI) loadCampaigns(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("campaigns.title"), "campaigns"
	d := &campaignsData{Available: true}
	v.Data = d
	var list struct{ Data []conversa.Campaign }
	if err := u.apiGet(r, v, "/api/v1/campaigns", &list); err != nil {
		if missing(err) {
			d.Available = false
			return nil
		}
		return err
	}
	for i, c := range list.Data {
		p := progressView{apiProgress{Campaign: c}}
		if i < listProgress {
			if err := u.apiGet(r, v, fmt.Sprintf("/api/v1/campaigns/%d", c.ID), &p.apiProgress); err != nil {
				return err
			}
		}
		d.Campaigns = append(d.Campaigns, p)
	}
	return nil
}

// PauseReason is the engine's reason for an automatic pause, in the
// user's language.
func (l *locale) PauseReason(c conversa.Campaign) string {
	if l.IsPT() && c.PauseReasonPT != "" {
		return c.PauseReasonPT
	}
	return c.PauseReason
}

// HourLabel formats minutes after midnight as 08:00 (both languages use
// the 24-hour clock for sending hours).
func (l *locale) HourLabel(mins int) string { return hourLabel(mins) }

func hourLabel(mins int) string { return fmt.Sprintf("%02d:%02d", mins/60, mins%60) }

// Has reports whether the catalog has key, for codes (such as a
// recipient's error) that are translated only when known.
func (l *locale) Has(key string) bool {
	_, ok := l.msgs[key]
	return ok
}

// Duration formats seconds as people read an ETA: "2 min 5 s", "45 s".
func (l *locale) Duration(secs float64) string {
	d := time.Duration(secs) * time.Second
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case m > 0:
		return fmt.Sprintf("%d min %d s", m, s)
	}
	return fmt.Sprintf("%d s", s)
}

// Decimal formats f with n decimals and the locale's mark: 12,5 or 12.5.
func (l *locale) Decimal(f float64, n int) string {
	s := strconv.FormatFloat(f, 'f', n, 64)
	if l.IsPT() {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}
