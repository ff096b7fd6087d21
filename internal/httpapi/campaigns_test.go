package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

const campaignCSV = "name,phone,pedido\nAna,11 98765-4321,#1\nAna,+55 11 8765-4321,#2\nBia,123,#3\n"

func alphaContactList(e *env) int64 {
	tok := e.login("alpha", "admin@alpha.com")
	rec := e.do(req{method: "POST", path: "/api/v1/contact-lists", token: tok, body: map[string]string{"name": "Clientes", "csv": campaignCSV}})
	wantStatus(e.t, rec, http.StatusCreated)
	return decode[struct{ ID int64 }](e.t, rec).ID
}

func alphaCampaign(e *env) int64 {
	alphaTemplate(e)
	tok := e.login("alpha", "admin@alpha.com")
	rec := e.do(req{method: "POST", path: "/api/v1/campaigns", token: tok, body: map[string]any{"name": "Black Friday",
		"channel_id": alphaChannel(e), "list_id": alphaContactList(e), "template": map[string]string{"name": "pedido_enviado"},
		"variables": []string{"name"}}})
	wantStatus(e.t, rec, http.StatusCreated)
	return decode[struct{ ID int64 }](e.t, rec).ID
}

// The API path of a campaign: CSV import with its report, draft, estimate,
// start, progress, recipients; agents are refused.
func TestCampaignAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tok := e.login("alpha", "admin@alpha.com")
		rec := e.do(req{method: "POST", path: "/api/v1/contact-lists", token: tok, body: map[string]string{"name": "Clientes", "csv": campaignCSV}})
		wantStatus(t, rec, http.StatusCreated)
		l := decode[conversa.ContactList](t, rec)
		if l.Members != 1 || len(l.Rejected) != 2 || l.Rejected[0].Reason != "duplicate" || l.Rejected[1].Reason != "invalid_phone" {
			t.Fatalf("list = %+v", l)
		}
		id := alphaCampaign(e)
		rec = e.do(req{method: "POST", path: idPath("/api/v1/campaigns/%d/estimate", id), token: tok})
		wantStatus(t, rec, http.StatusOK)
		est := decode[struct {
			Recipients   int
			ExpectedCost int64 `json:"expected_cost"`
		}](t, rec)
		if est.Recipients != 1 || est.ExpectedCost <= 0 {
			t.Fatalf("estimate = %s", rec.Body)
		}
		wantStatus(t, e.do(req{method: "POST", path: idPath("/api/v1/campaigns/%d/start", id), token: tok}), http.StatusOK)
		wantStatus(t, e.do(req{method: "POST", path: idPath("/api/v1/campaigns/%d/pause", id), token: tok}), http.StatusOK)
		wantError(t, e.do(req{method: "POST", path: idPath("/api/v1/campaigns/%d/pause", id), token: tok}), http.StatusConflict, conversa.ECONFLICT)
		rec = e.do(req{method: "GET", path: idPath("/api/v1/campaigns/%d", id), token: tok})
		wantStatus(t, rec, http.StatusOK)
		pr := decode[struct {
			Campaign conversa.Campaign
			Total    int
		}](t, rec)
		if pr.Campaign.Status != conversa.CampaignPaused || pr.Total != 1 {
			t.Fatalf("progress = %s", rec.Body)
		}
		rec = e.do(req{method: "GET", path: idPath("/api/v1/campaigns/%d/recipients?status=pending", id), token: tok})
		wantStatus(t, rec, http.StatusOK)
		if rs := decode[struct{ Data []conversa.CampaignRecipient }](t, rec); len(rs.Data) != 1 || rs.Data[0].WAID != "5511987654321" {
			t.Fatalf("recipients = %s", rec.Body)
		}
		for _, bad := range []string{"limit=100000", "limit=0", "limit=x", "after=-1"} {
			wantError(t, e.do(req{method: "GET", path: idPath("/api/v1/campaigns/%d/recipients?", id) + bad, token: tok}),
				http.StatusBadRequest, conversa.EINVALID)
		}
		agent := e.login("alpha", "agent@alpha.com")
		wantError(t, e.do(req{method: "GET", path: "/api/v1/campaigns", token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)
	})
}
