package httpapi

import (
	"context"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/conversa"
)

// Contact lists and campaigns (PRODUCT.md §9), supervisor and admin only:
//
//	GET  /api/v1/contact-lists                 → {"data":[list without rejected rows]}
//	POST /api/v1/contact-lists                 multipart (name, file=CSV) or JSON {"name","csv"} | {"name","header","rows"}
//	                                           → 201 {"id","name","columns","members","rejected":[{"line","phone","reason","detail","detail_pt"}]}
//	GET  /api/v1/contact-lists/{id}            → the list with its rejected rows
//	GET  /api/v1/contact-lists/{id}/members?limit= → {"data":[member]} the first members (default 10, at most 100)
//	GET  /api/v1/campaigns                     → {"data":[campaign]}
//	POST /api/v1/campaigns                     {"name","channel_id","list_id","template":{"name","language"},"variables":[col...],
//	                                            "header"?:{"column"}|{"link"|"id"},"buttons"?:[{"index","column"}],
//	                                            "scheduled_at"?,"sending_hours"?:{"start","end" (minutes),"time_zone"}} → 201 draft
//	GET  /api/v1/campaigns/{id}                → {"campaign", "counts":{status:n}, "total", "done", "rate", "eta_seconds"}
//	POST /api/v1/campaigns/{id}/estimate       → recipients, exclusions, expected cost by country, tier room
//	POST /api/v1/campaigns/{id}/start|pause|resume|cancel → the campaign
//	GET  /api/v1/campaigns/{id}/recipients?status=&after=&limit= → {"data":[recipient]} (limit 100 by default, at most 1,000)
func (s *Server) routesCampaigns(m *router) {
	if s.campaigns == nil {
		return
	}
	m.authed("GET /api/v1/contact-lists", conversa.RoleSupervisor, s.listContactLists)
	m.authed("POST /api/v1/contact-lists", conversa.RoleSupervisor, s.importContactList)
	m.authed("GET /api/v1/contact-lists/{id}", conversa.RoleSupervisor, s.getContactList)
	m.authed("GET /api/v1/contact-lists/{id}/members", conversa.RoleSupervisor, s.contactListMembers)
	m.authed("GET /api/v1/campaigns", conversa.RoleSupervisor, s.listCampaigns)
	m.authed("POST /api/v1/campaigns", conversa.RoleSupervisor, s.createCampaign)
	m.authed("GET /api/v1/campaigns/{id}", conversa.RoleSupervisor, s.getCampaign)
	m.authed("POST /api/v1/campaigns/{id}/estimate", conversa.RoleSupervisor, s.estimateCampaign)
	m.authed("GET /api/v1/campaigns/{id}/recipients", conversa.RoleSupervisor, s.campaignRecipients)
	m.authed("POST /api/v1/campaigns/{id}/start", conversa.RoleSupervisor, s.campaignTransition(s.campaigns.Start))
	m.authed("POST /api/v1/campaigns/{id}/pause", conversa.RoleSupervisor, s.campaignTransition(s.campaigns.Pause))
	m.authed("POST /api/v1/campaigns/{id}/resume", conversa.RoleSupervisor, s.campaignTransition(s.campaigns.Resume))
	m.authed("POST /api/v1/campaigns/{id}/cancel", conversa.RoleSupervisor, s.campaignTransition(s.campaigns.Cancel))
}

type campaignAction = func(ctx context.Context, companyID, id int64) (conversa.Campaign, error)

// maxListUpload bounds a CSV upload (500,000 rows of a few columns).
const maxListUpload = 64 << 20

func (s *Server) importContactList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in campaigns.ListImport
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxListUpload)
		f, _, err := r.FormFile("file")
		if err != nil {
			return conversa.Errorf(conversa.EINVALID, "Send the CSV as the \"file\" field.").Pt("Envie o CSV no campo \"file\".")
		}
		defer f.Close()
		raw, err := io.ReadAll(f)
		if err != nil {
			return badJSON(err)
		}
		in.Name, in.CSV = r.FormValue("name"), string(raw)
	} else if err := decode(w, r, &in); err != nil {
		return err
	}
	l, err := s.campaigns.ImportList(r.Context(), p.Company.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *Server) listContactLists(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ls, err := s.store.ContactLists(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(ls, func(l conversa.ContactList) conversa.ContactList { return l }))
	return nil
}

func (s *Server) getContactList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	l, err := s.store.ContactList(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// contactListMembers shows the head of a list, for the campaign wizard's
// preview of the first recipient; lists can be huge, so it is bounded.
func (s *Server) contactListMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.store.ContactList(r.Context(), p.Company.ID, id); err != nil {
		return err // another company's list is "not found", not an empty page
	}
	limit, err := queryInt(r, "limit", 10, 1, 100)
	if err != nil {
		return err
	}
	ms, err := s.store.ListMembersHead(r.Context(), p.Company.ID, id, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(ms, func(m conversa.ListMember) conversa.ListMember { return m }))
	return nil
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	cs, err := s.store.Campaigns(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(cs, func(c conversa.Campaign) conversa.Campaign { return c }))
	return nil
}

func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in campaigns.NewCampaign
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.campaigns.Create(r.Context(), p.Company.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pr, err := s.campaigns.Progress(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pr)
	return nil
}

func (s *Server) estimateCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.campaigns.Estimate(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) campaignTransition(act campaignAction) authedFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		c, err := act(r.Context(), p.Company.ID, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, c)
		return nil
	}
}

func (s *Server) campaignRecipients(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	after, err := queryInt(r, "after", 0, 0, math.MaxInt)
	if err != nil {
		return err
	}
	rs, err := s.campaigns.Recipients(r.Context(), p.Company.ID, id, r.URL.Query().Get("status"), int64(after), limit)
	if err != nil {
		return err
	}
	type view struct {
		conversa.CampaignRecipient
		Effective string `json:"effective_status"`
	}
	writeJSON(w, http.StatusOK, listOf(rs, func(x conversa.CampaignRecipient) view { return view{x, x.Effective()} }))
	return nil
}
