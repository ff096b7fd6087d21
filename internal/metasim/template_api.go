package metasim

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Graph endpoints for templates: GET|POST|DELETE /{waba-id}/message_templates,
// GET|POST /{template-id}.

var defaultTemplateFields = []string{"name", "parameter_format", "components", "language", "status", "category"}

// templateFields are the requested fields, or the defaults plus
// rejected_reason for rejected templates.
func templateFields(r *http.Request, t *template) []string {
	if want := fields(r, nil); want != nil {
		return want
	}
	if t.Status == "REJECTED" {
		return append(defaultTemplateFields[:len(defaultTemplateFields):len(defaultTemplateFields)], "rejected_reason")
	}
	return defaultTemplateFields
}

func templateJSON(t *template) map[string]any {
	m := map[string]any{"id": t.ID, "name": t.Name, "parameter_format": t.ParameterFormat,
		"components": t.Components, "language": t.Language, "status": t.Status,
		"category": t.Category}
	if t.Status == "REJECTED" {
		m["rejected_reason"] = t.RejectedReason
	} else {
		m["rejected_reason"] = "NONE"
	}
	return m
}

// handleListTemplates supports fields, limit, after/before cursors and the
// name/status/category/language filters.
func (s *Sim) handleListTemplates(c *graphCall) {
	w := s.wabaByID(c.id)
	s.settleWABA(w)
	q := c.r.URL.Query()
	w.mu.RLock()
	var all []map[string]any
	for _, t := range w.Templates {
		if matchFilter(q, "name", t.Name) && matchFilter(q, "status", t.Status) &&
			matchFilter(q, "category", t.Category) && matchFilter(q, "language", t.Language) {
			all = append(all, pick(templateJSON(t), templateFields(c.r, t)))
		}
	}
	w.mu.RUnlock()
	writeJSON(c.w, http.StatusOK, page(c.r, all))
}

// matchFilter: name matches as a substring, like Meta's search; others exactly.
func matchFilter(q url.Values, key, v string) bool {
	f := q.Get(key)
	if f == "" {
		return true
	}
	if key == "name" {
		return strings.Contains(v, f)
	}
	return strings.EqualFold(f, v)
}

// page cuts items by limit (default 25) and the opaque after/before
// cursors, returning {"data","paging":{"cursors","next","previous"}}.
func page(r *http.Request, items []map[string]any) map[string]any {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 25
	}
	start := 0
	if a := decodeCursor(q.Get("after")); a >= 0 {
		start = a + 1
	} else if b := decodeCursor(q.Get("before")); b >= 0 {
		start = max(0, b-limit)
	}
	start = min(start, len(items))
	end := min(start+limit, len(items))
	data := items[start:end]
	if data == nil {
		data = []map[string]any{}
	}
	out := map[string]any{"data": data}
	if len(data) == 0 {
		return out
	}
	paging := map[string]any{"cursors": map[string]string{
		"before": encodeCursor(start), "after": encodeCursor(end - 1)}}
	link := func(k, v string) string {
		u := *r.URL
		qq := u.Query()
		qq.Del("after")
		qq.Del("before")
		qq.Set(k, v)
		u.RawQuery = qq.Encode()
		return baseURL(r, "") + u.Path + "?" + u.RawQuery
	}
	if end < len(items) {
		paging["next"] = link("after", encodeCursor(end-1))
	}
	if start > 0 {
		paging["previous"] = link("before", encodeCursor(start))
	}
	out["paging"] = paging
	return out
}

func encodeCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("idx:" + strconv.Itoa(i)))
}

func decodeCursor(c string) int {
	if c == "" {
		return -1
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "idx:"))
	if err != nil {
		return -1
	}
	return n
}

func (s *Sim) handleCreateTemplate(c *graphCall) {
	var req templateRequest
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	t, e := buildTemplate(&req)
	if e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	w := s.wabaByID(c.id)
	w.mu.RLock()
	_, dup := w.templateIndex[t.key()]
	w.mu.RUnlock()
	if dup {
		s.writeMetaError(c.w, tplErr(subDuplicate, "Message template already exists",
			"There is already "+t.Language+" content for this template. You can create a new template and try again."))
		return
	}
	t.Status, t.ReviewAt = "PENDING", s.now().Add(s.opts.ReviewDelay)
	s.insertTemplate(w, t)
	writeJSON(c.w, http.StatusOK, map[string]string{"id": t.ID, "status": "PENDING", "category": t.Category})
}

// handleDeleteTemplates deletes by name (every language) or, with hsm_id,
// that one template.
func (s *Sim) handleDeleteTemplates(c *graphCall) {
	q := c.r.URL.Query()
	name, hsm := q.Get("name"), q.Get("hsm_id")
	if name == "" && hsm == "" {
		s.writeMetaError(c.w, missing("name"))
		return
	}
	n := s.removeTemplates(s.wabaByID(c.id), func(t *template) bool {
		return (name == "" || t.Name == name) && (hsm == "" || t.ID == hsm)
	})
	if n == 0 {
		s.writeMetaError(c.w, tplErr(2593002, "Message template not found",
			"Message template \""+name+hsm+"\" can't be found."))
		return
	}
	success(c.w)
}

func (s *Sim) handleGetTemplate(c *graphCall) {
	t, w := s.templateByID(c.id)
	if t == nil {
		s.writeMetaError(c.w, objectNotFound(c.id, http.MethodGet))
		return
	}
	s.settleWABA(w)
	w.mu.RLock()
	out := pick(templateJSON(t), templateFields(c.r, t))
	w.mu.RUnlock()
	writeJSON(c.w, http.StatusOK, out)
}

// handleEditTemplate is POST /{template-id}: new components and/or
// category; approved, rejected and paused templates go back to review.
func (s *Sim) handleEditTemplate(c *graphCall) {
	t, w := s.templateByID(c.id)
	if t == nil {
		s.writeMetaError(c.w, objectNotFound(c.id, http.MethodPost))
		return
	}
	var req templateRequest
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	w.mu.RLock()
	req.Name, req.Language = t.Name, t.Language
	if req.Category == "" {
		req.Category = t.Category
	}
	if req.Components == nil {
		req.Components = t.Components
	}
	if req.ParameterFormat == "" {
		req.ParameterFormat = t.ParameterFormat
	}
	status := t.Status
	w.mu.RUnlock()
	if status == "PENDING" || status == "DISABLED" {
		s.writeMetaError(c.w, tplErr(2388025, "Template can't be edited",
			"Templates that are "+status+" can't be edited."))
		return
	}
	nt, e := buildTemplate(&req)
	if e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	w.mu.Lock()
	t.Category, t.ParameterFormat, t.Components = nt.Category, nt.ParameterFormat, nt.Components
	t.Status, t.RejectedReason, t.ReviewAt = "PENDING", "", s.now().Add(s.opts.ReviewDelay)
	t.derive()
	w.mu.Unlock()
	success(c.w)
}
