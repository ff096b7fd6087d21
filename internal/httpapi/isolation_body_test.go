package httpapi_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/report"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// withEveryService adds the services the plain env leaves out, so the
// isolation tests see every route there is.
func withEveryService(e *env, c *httpapi.Config) {
	c.Reports = report.New(e.st, e.clock)
	c.Events = realtime.NewHub()
	// Templates and prices, so previews answer in full (sends still
	// stop short of the missing queue).
	c.Inbox = inbox.New(inbox.Options{Store: e.st, Templates: e.st, Prices: e.st, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)})
}

// missingID exists in no company.
const missingID = int64(1) << 40

// betaFixture is company beta's own data, so that in each request below
// only the one id taken from alpha can be at fault.
type betaFixture struct {
	group, channel, conversation, label, list int64
	admin                                     int64
}

func newBetaFixture(e *env, tok string) betaFixture {
	e.t.Helper()
	f := betaFixture{conversation: betaConversation(e), admin: e.users["admin@beta.com"].ID}
	c, err := e.st.Conversation(ctx, e.beta.ID, f.conversation)
	if err != nil {
		e.t.Fatal(err)
	}
	f.channel = c.ChannelID
	ch, _ := e.st.Channel(ctx, e.beta.ID, f.channel)
	f.group = ch.GroupID
	l, err := e.st.CreateLabel(ctx, conversa.Label{CompanyID: e.beta.ID, Name: "Beta VIP"})
	if err != nil {
		e.t.Fatal(err)
	}
	f.label = l.ID
	if err := e.st.AddConversationLabel(ctx, e.beta.ID, f.conversation, l.ID); err != nil {
		e.t.Fatal(err)
	}
	if _, _, err := e.st.SaveTemplate(ctx, conversa.Template{CompanyID: e.beta.ID, ChannelID: f.channel, MetaID: "m-beta",
		Name: "beta_aviso", Language: "pt_BR", Category: conversa.CategoryUtility, Status: conversa.TemplateApproved,
		Components: templateComponents("Olá {{1}}, tudo certo?")}, nil); err != nil {
		e.t.Fatal(err)
	}
	rec := e.do(req{method: "POST", path: "/api/v1/contact-lists", token: tok, body: map[string]string{"name": "Beta", "csv": campaignCSV}})
	wantStatus(e.t, rec, http.StatusCreated)
	f.list = decode[struct{ ID int64 }](e.t, rec).ID
	return f
}

// bodyIsolationCase is one request of beta's naming an id in its body or
// query string; build puts target there (alpha's id, an id nobody has, or
// beta's own).
type bodyIsolationCase struct {
	name  string
	build func(f betaFixture, target any) req
	alpha func(e *env) any
	own   func(f betaFixture) any // nil: no control request (it would call Meta or send)
	// want is the error code for alpha's id; "" means 200 with an empty
	// {"data":[]} (lists) or empty figures (reports).
	want string
}

func bodyIsolationCases() []bodyIsolationCase {
	id := func(fn func(*env) int64) func(*env) any { return func(e *env) any { return fn(e) } }
	conv := func(f betaFixture, format string) string { return idPath(format, f.conversation) }
	start := func(path string) func(f betaFixture, target any) req {
		return func(f betaFixture, target any) req {
			return req{method: "POST", path: path, body: map[string]any{"channel_id": target, "to": "+5511987654321", "type": "template",
				"template": map[string]any{"name": "beta_aviso", "parameters": []string{"Ana"}}}}
		}
	}
	get := func(format string) func(f betaFixture, target any) req {
		return func(f betaFixture, target any) req { return req{method: "GET", path: fmt.Sprintf(format, target)} }
	}
	campaign := func(field string) func(f betaFixture, target any) req {
		return func(f betaFixture, target any) req {
			body := map[string]any{"name": "Beta", "channel_id": f.channel, "list_id": f.list,
				"template": map[string]string{"name": "beta_aviso"}, "variables": []string{"name"}}
			if field == "template" {
				body["template"] = map[string]any{"name": target}
			} else {
				body[field] = target
			}
			return req{method: "POST", path: "/api/v1/campaigns", body: body}
		}
	}
	return []bodyIsolationCase{
		{"POST /api/v1/messages channel_id", start("/api/v1/messages"), id(alphaChannel), nil, conversa.ENOTFOUND},
		{"POST /api/v1/messages/preview channel_id", start("/api/v1/messages/preview"), id(alphaChannel),
			func(f betaFixture) any { return f.channel }, conversa.ENOTFOUND},
		{"GET /api/v1/conversations?channel_id", get("/api/v1/conversations?status=all&channel_id=%v"), id(alphaChannel),
			func(f betaFixture) any { return f.channel }, ""},
		{"GET /api/v1/conversations?group_id", get("/api/v1/conversations?status=all&group_id=%v"), id(alphaGroup),
			func(f betaFixture) any { return f.group }, ""},
		{"GET /api/v1/conversations?label_id", get("/api/v1/conversations?status=all&label_id=%v"), id(alphaLabel),
			func(f betaFixture) any { return f.label }, ""},
		{"GET /api/v1/templates?channel_id", get("/api/v1/templates?channel_id=%v"), id(alphaChannel),
			func(f betaFixture) any { return f.channel }, ""},
		{"GET /api/v1/reports/summary?channel_id", get("/api/v1/reports/summary?channel_id=%v"), id(alphaChannel), nil, ""},
		{"GET /api/v1/reports/summary?group_id", get("/api/v1/reports/summary?group_id=%v"), id(alphaGroup), nil, ""},
		{"GET /api/v1/reports/summary?agent_id", get("/api/v1/reports/summary?agent_id=%v"), id(alphaAgent), nil, ""},
		{"GET /api/v1/reports/summary?campaign_id", get("/api/v1/reports/summary?campaign_id=%v"), id(alphaCampaign), nil, ""},
		{"POST /api/v1/channels group_id", func(f betaFixture, target any) req {
			return req{method: "POST", path: "/api/v1/channels", body: map[string]any{"group_id": target, "type": "waba", "name": "Beta 2",
				"phone_number_id": "beta-2", "waba_id": "beta-waba", "access_token": "t", "app_secret": "s"}}
		}, id(alphaGroup), nil, conversa.ENOTFOUND},
		{"POST /api/v1/onboarding group_id", func(f betaFixture, target any) req {
			return req{method: "POST", path: "/api/v1/onboarding", body: map[string]any{"group_id": target, "name": "Beta guided"}}
		}, id(alphaGroup), func(f betaFixture) any { return f.group }, conversa.ENOTFOUND},
		{"PATCH /api/v1/channels/{own} group_id", func(f betaFixture, target any) req {
			return req{method: "PATCH", path: idPath("/api/v1/channels/%d", f.channel), body: map[string]any{"group_id": target}}
		}, id(alphaGroup), func(f betaFixture) any { return f.group }, conversa.ENOTFOUND},
		{"PUT /api/v1/channel-groups/{own}/members/{user_id}", func(f betaFixture, target any) req {
			return req{method: "PUT", path: fmt.Sprintf("/api/v1/channel-groups/%d/members/%v", f.group, target)}
		}, id(alphaAgent), func(f betaFixture) any { return f.admin }, conversa.ENOTFOUND},
		{"POST /api/v1/conversations/{own}/transfer group_id", func(f betaFixture, target any) req {
			return req{method: "POST", path: conv(f, "/api/v1/conversations/%d/transfer"), body: map[string]any{"group_id": target}}
		}, id(alphaGroup), func(f betaFixture) any { return f.group }, conversa.ENOTFOUND},
		{"POST /api/v1/conversations/{own}/transfer user_id", func(f betaFixture, target any) req {
			return req{method: "POST", path: conv(f, "/api/v1/conversations/%d/transfer"), body: map[string]any{"user_id": target}}
		}, id(alphaAgent), func(f betaFixture) any { return f.admin }, conversa.ENOTFOUND},
		{"POST /api/v1/conversations/{own}/assign user_id", func(f betaFixture, target any) req {
			return req{method: "POST", path: conv(f, "/api/v1/conversations/%d/assign"), body: map[string]any{"user_id": target}}
		}, id(alphaAgent), func(f betaFixture) any { return f.admin }, conversa.ENOTFOUND},
		{"PUT /api/v1/conversations/{own}/labels/{label_id}", func(f betaFixture, target any) req {
			return req{method: "PUT", path: fmt.Sprintf("/api/v1/conversations/%d/labels/%v", f.conversation, target)}
		}, id(alphaLabel), func(f betaFixture) any { return f.label }, conversa.ENOTFOUND},
		{"DELETE /api/v1/conversations/{own}/labels/{label_id}", func(f betaFixture, target any) req {
			return req{method: "DELETE", path: fmt.Sprintf("/api/v1/conversations/%d/labels/%v", f.conversation, target)}
		}, id(alphaLabel), func(f betaFixture) any { return f.label }, conversa.ENOTFOUND},
		{"POST /api/v1/campaigns list_id", campaign("list_id"), id(alphaContactList), func(f betaFixture) any { return f.list }, conversa.ENOTFOUND},
		{"POST /api/v1/campaigns channel_id", campaign("channel_id"), id(alphaChannel), func(f betaFixture) any { return f.channel },
			conversa.ENOTFOUND},
		// A template is named, not numbered: alpha's name on beta's channel
		// must read exactly like a name nobody uses.
		{"POST /api/v1/campaigns template", campaign("template"), func(e *env) any { alphaTemplate(e); return "pedido_enviado" },
			func(f betaFixture) any { return "beta_aviso" }, conversa.ETEMPLATENOTAPPROVED},
		{"POST /api/v1/templates channel_id", func(f betaFixture, target any) req {
			return req{method: "POST", path: "/api/v1/templates", body: map[string]any{"channel_id": target, "name": "taken_over",
				"category": "UTILITY", "components": templateComponents("Olá {{1}}, tudo certo?")}}
		}, id(alphaChannel), nil, conversa.ENOTFOUND},
	}
}

// Company beta naming company alpha's ids in bodies and query strings gets
// exactly what it gets for an id nobody has — not found, or nothing
// listed — while the same request with beta's own id works; nothing of
// alpha's changes.
func TestTenantIsolationOfIDsInBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, auth.Config{}, withEveryService)
		tok := e.login("beta", "admin@beta.com")
		e.reauth(tok)
		f := newBetaFixture(e, tok)
		cases := bodyIsolationCases()
		targets := make([]any, len(cases)) // alpha's ids, created once before the snapshot
		for i, tc := range cases {
			targets[i] = tc.alpha(e)
		}
		before := alphaSnapshot(e)
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				call := func(target any) *httptest.ResponseRecorder {
					r := tc.build(f, target)
					r.token = tok
					return e.do(r)
				}
				got, missing := call(targets[i]), call(missingFor(targets[i]))
				if got.Code != missing.Code || !bytes.Equal(withoutTarget(got, targets[i]), withoutTarget(missing, missingFor(targets[i]))) {
					t.Errorf("alpha's id answers %d %s, an unknown one %d %s", got.Code, got.Body, missing.Code, missing.Body)
				}
				switch body := got.Body.Bytes(); {
				case tc.want != "":
					wantError(t, got, statusFor(tc.want), tc.want)
				case got.Code != http.StatusOK:
					t.Errorf("status %d: %s", got.Code, body)
				case bytes.Contains(body, []byte(`"data"`)) && !bytes.Contains(body, []byte(`"data":[]`)):
					t.Errorf("lists alpha's data: %s", body)
				}
				if tc.own != nil {
					if own := call(tc.own(f)); own.Code == http.StatusNotFound || own.Code >= 500 ||
						tc.want == "" && bytes.Contains(own.Body.Bytes(), []byte(`"data":[]`)) {
						t.Errorf("beta's own id answers %d %s: the case doesn't test the id", own.Code, own.Body)
					}
				}
			})
		}
		if after := alphaSnapshot(e); after != before {
			t.Fatalf("alpha changed:\nbefore %s\nafter  %s", before, after)
		}
		checkAlphaChannelsUnchanged(t, e)
	})
}

// missingFor is an id (or a template name) no company has, of target's kind.
func missingFor(target any) any {
	if _, ok := target.(string); ok {
		return "nao_existe"
	}
	return missingID
}

// withoutTarget is the body with a named target (a template name) blanked,
// since refusals repeat the name they were given.
func withoutTarget(rec *httptest.ResponseRecorder, target any) []byte {
	if name, ok := target.(string); ok {
		return bytes.ReplaceAll(rec.Body.Bytes(), []byte(name), []byte("…"))
	}
	return rec.Body.Bytes()
}

func statusFor(code string) int {
	if code == conversa.ENOTFOUND {
		return http.StatusNotFound
	}
	return http.StatusUnprocessableEntity
}

// alphaSnapshot sums up what beta's requests could have touched of alpha's.
func alphaSnapshot(e *env) string {
	e.t.Helper()
	conv, _ := e.st.Conversation(ctx, e.alpha.ID, alphaConversation(e))
	members, _ := e.st.GroupMembers(ctx, e.alpha.ID, alphaGroup(e))
	labels, _ := e.st.ConversationLabels(ctx, e.alpha.ID, conv.ID)
	channels, _ := e.st.Channels(ctx, e.alpha.ID)
	onboardings, _ := e.st.Onboardings(ctx, e.alpha.ID)
	campaigns, _ := e.st.Campaigns(ctx, e.alpha.ID)
	group, _ := e.st.ConversationGroup(ctx, e.alpha.ID, conv.ID)
	tpls, _ := e.st.Templates(ctx, e.alpha.ID, store.TemplateFilter{})
	return fmt.Sprintf("assignee %v status %s group %d members %v labels %d channels %d onboardings %d campaigns %d templates %d",
		conv.AssigneeID, conv.Status, group, members, len(labels), len(channels), len(onboardings), len(campaigns), len(tpls))
}
