package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func sampleTemplate(companyID, channelID int64, name string, status conversa.TemplateStatus) conversa.Template {
	return conversa.Template{CompanyID: companyID, ChannelID: channelID, MetaID: "meta-" + name, Name: name, Language: "pt_BR",
		Category: conversa.CategoryUtility, Status: status, StatusAt: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC),
		Components: []conversa.TemplateComponent{{Type: "BODY", Text: "Olá {{1}}, tudo bem?",
			Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana"}}}}}}
}

func TestTemplateSaveIsIdempotentPerChannelNameLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "tpl", 2)
		ch, err := s.CreateChannel(ctx, wabaChannel(c, g, "700"))
		if err != nil {
			t.Fatal(err)
		}
		first, wrote, err := s.SaveTemplate(ctx, sampleTemplate(c.ID, ch.ID, "pedido", conversa.TemplatePending), nil)
		if err != nil || !wrote || first.ID == 0 {
			t.Fatalf("SaveTemplate = %+v %v %v", first, wrote, err)
		}
		again := sampleTemplate(c.ID, ch.ID, "pedido", conversa.TemplateApproved)
		second, _, err := s.SaveTemplate(ctx, again, nil)
		if err != nil || second.ID != first.ID || second.Status != conversa.TemplateApproved || !second.CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("second save = %+v, %v (first id %d)", second, err, first.ID)
		}
		// Another language is another template; a merge that declines writes nothing.
		en := sampleTemplate(c.ID, ch.ID, "pedido", conversa.TemplateApproved)
		en.Language = "en_US"
		if got, _, _ := s.SaveTemplate(ctx, en, nil); got.ID == first.ID {
			t.Fatal("en_US reused the pt_BR row")
		}
		kept, wrote, err := s.SaveTemplate(ctx, sampleTemplate(c.ID, ch.ID, "pedido", conversa.TemplateRejected),
			func(conversa.Template) (conversa.Template, bool) { return conversa.Template{}, false })
		if err != nil || wrote || kept.Status != conversa.TemplateApproved {
			t.Fatalf("declined merge = %+v %v %v", kept, wrote, err)
		}
		got, err := s.Template(ctx, c.ID, first.ID)
		if err != nil || got.Components[0].Text != "Olá {{1}}, tudo bem?" || got.Components[0].Example.BodyText[0][0] != "Ana" {
			t.Fatalf("Template = %+v, %v", got, err)
		}
		if list, _ := s.Templates(ctx, c.ID, store.TemplateFilter{ChannelID: ch.ID}); len(list) != 2 {
			t.Fatalf("list = %d templates, want 2", len(list))
		}
	})
}

func TestTemplateFiltersAndApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "tplf", 2)
		ch, _ := s.CreateChannel(ctx, wabaChannel(c, g, "701"))
		for name, st := range map[string]conversa.TemplateStatus{"boas_vindas": conversa.TemplateApproved, "promo_x": conversa.TemplatePaused,
			"antigo": conversa.TemplateDeleted, "pedido_novo": conversa.TemplatePending} {
			if _, _, err := s.SaveTemplate(ctx, sampleTemplate(c.ID, ch.ID, name, st), nil); err != nil {
				t.Fatal(err)
			}
		}
		count := func(f store.TemplateFilter) int {
			list, err := s.Templates(ctx, c.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		if n := count(store.TemplateFilter{}); n != 3 {
			t.Errorf("default list = %d, want 3 (deleted hidden)", n)
		}
		if n := count(store.TemplateFilter{Status: conversa.TemplateApproved}); n != 1 {
			t.Errorf("approved = %d", n)
		}
		if n := count(store.TemplateFilter{Query: "O_N"}); n != 1 { // "_" is literal, case-insensitive
			t.Errorf("q=O_N matched %d, want pedido_novo only", n)
		}
		if n := count(store.TemplateFilter{Category: conversa.CategoryMarketing}); n != 0 {
			t.Errorf("marketing = %d", n)
		}

		if tpl, err := s.ApprovedTemplate(ctx, c.ID, ch.ID, "boas_vindas", ""); err != nil || tpl.Name != "boas_vindas" {
			t.Errorf("ApprovedTemplate(approved, default language) = %+v, %v", tpl, err)
		}
		// Not approved: the template comes back with template_not_approved.
		tpl, err := s.ApprovedTemplate(ctx, c.ID, ch.ID, "promo_x", "pt_BR")
		if conversa.ErrorCode(err) != conversa.ETEMPLATENOTAPPROVED || tpl.Status != conversa.TemplatePaused {
			t.Errorf("paused: %+v, %v", tpl, err)
		}
		for _, name := range []string{"antigo", "nao_existe"} {
			if _, err := s.ApprovedTemplate(ctx, c.ID, ch.ID, name, "pt_BR"); conversa.ErrorCode(err) != conversa.ETEMPLATENOTAPPROVED {
				t.Errorf("%s: %v, want template_not_approved", name, err)
			}
		}
	})
}

func TestTemplateUpdateAndIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "tpli", 1)
		ch, _ := s.CreateChannel(ctx, wabaChannel(c, g, "702"))
		tpl, _, _ := s.SaveTemplate(ctx, sampleTemplate(c.ID, ch.ID, "pedido", conversa.TemplatePending), nil)
		got, changed, err := s.UpdateTemplate(ctx, c.ID, tpl.ID, func(t *conversa.Template) bool {
			return t.ApplyStatus(conversa.TemplateStatusChange{Status: conversa.TemplateApproved, At: t.StatusAt.Add(time.Second)})
		})
		if err != nil || !changed || got.Status != conversa.TemplateApproved {
			t.Fatalf("UpdateTemplate = %+v %v %v", got, changed, err)
		}

		other, _ := newChannelCompany(t, s, "tpli2", 1)
		if _, err := s.Template(ctx, other.ID, tpl.ID); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Errorf("cross-company read: %v", err)
		}
		if _, _, err := s.UpdateTemplate(ctx, other.ID, tpl.ID, func(*conversa.Template) bool { return true }); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Errorf("cross-company update: %v", err)
		}
		if list, _ := s.Templates(ctx, other.ID, store.TemplateFilter{ChannelID: ch.ID}); len(list) != 0 {
			t.Errorf("other company lists %d templates of a foreign channel", len(list))
		}
		if _, err := s.ApprovedTemplate(ctx, other.ID, ch.ID, "pedido", "pt_BR"); conversa.ErrorCode(err) != conversa.ETEMPLATENOTAPPROVED {
			t.Errorf("cross-company ApprovedTemplate: %v", err)
		}
		// A template cannot be attached to another company's channel.
		if _, _, err := s.SaveTemplate(ctx, sampleTemplate(other.ID, ch.ID, "intruso", conversa.TemplateApproved), nil); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Errorf("template on a foreign channel: %v", err)
		}
	})
}

func TestPriceTableSeedAndEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := newChannelCompany(t, s, "prices", 1)
		other, _ := newChannelCompany(t, s, "prices2", 1)
		table, err := s.PriceTable(ctx, c.ID)
		if err != nil || table.Currency != "USD" || table.For("BR") != conversa.DefaultPriceTable().For("BR") || len(table.Rates) != len(conversa.DefaultPriceTable().Rates) {
			t.Fatalf("seeded table = %+v, %v", table, err)
		}
		edited := conversa.PriceTable{Currency: "USD", Rates: map[string]conversa.Rates{
			"BR": {Marketing: 70_000, Utility: 8_000, Authentication: 8_000}, conversa.OtherRegion: {Marketing: 1, Utility: 2, Authentication: 3}}}
		if err := s.SetPriceTable(ctx, c.ID, edited); err != nil {
			t.Fatal(err)
		}
		got, _ := s.PriceTable(ctx, c.ID)
		if len(got.Rates) != 2 || got.For("BR").Marketing != 70_000 || got.For("AR").Authentication != 3 {
			t.Fatalf("edited table = %+v", got)
		}
		bad := conversa.PriceTable{Currency: "USD", Rates: map[string]conversa.Rates{conversa.OtherRegion: {Marketing: -1}}}
		if err := s.SetPriceTable(ctx, c.ID, bad); conversa.ErrorCode(err) != conversa.EINVALID {
			t.Errorf("negative rate: %v", err)
		}
		if again, _ := s.PriceTable(ctx, c.ID); again.For("BR").Marketing != 70_000 {
			t.Error("a refused edit changed the table")
		}
		// The other company keeps the defaults.
		if theirs, _ := s.PriceTable(ctx, other.ID); theirs.For("BR") != conversa.DefaultPriceTable().For("BR") {
			t.Errorf("other company's table = %+v", theirs)
		}
	})
}
