package campaigns_test

import (
	"testing"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/campaigns/campaigntest"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// A customer's reply lands in the conversation the campaign opened and
// links back to the campaign: its recipient row says replied, and the
// campaign counts it.
func TestRepliesLinkBackToTheCampaign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		c := e.campaign(campaigntest.CSV(1, 3), campaigntest.Utility)
		if got := e.run(c, campaigns.EngineOptions{}); got.Status != conversa.CampaignCompleted {
			t.Fatalf("status = %s (%s)", got.Status, got.PauseReason)
		}
		rs := e.recipients(c.ID)
		answered := rs[1]
		if _, _, err := st.InsertMessage(ctx, conversa.Message{CompanyID: e.company(), ConversationID: *answered.ConversationID,
			Direction: conversa.Inbound, Type: "text", Text: "Quero!", Status: conversa.StatusReceived, WAMID: "wamid.reply"}); err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.Progress(ctx, e.company(), c.ID)
		if err != nil || p.Replied != 1 {
			t.Fatalf("progress = %+v, %v; want 1 reply", p, err)
		}
		list, err := e.svc.Recipients(ctx, e.company(), c.ID, "", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.Replied != (r.ID == answered.ID) {
				t.Errorf("recipient %d (%s): replied = %v", r.ID, r.Name, r.Replied)
			}
		}
	})
}
