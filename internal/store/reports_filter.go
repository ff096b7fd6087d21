package store

import (
	"context"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// conds collects the AND-ed conditions of a report query and their args.
type conds struct {
	list []string
	args []any
}

func (c *conds) add(cond string, args ...any) {
	c.list, c.args = append(c.list, cond), append(c.args, args...)
}

func (c *conds) where() (string, []any) { return strings.Join(c.list, " AND "), c.args }

// addConversation adds the conversation-level filters on alias a: channel,
// group (the conversation's own, else its channel's) and agent (assignee).
func (c *conds) addConversation(a string, companyID int64, f ReportFilter) {
	if f.ChannelID > 0 {
		c.add(a+".channel_id = ?", f.ChannelID)
	}
	if f.GroupID > 0 {
		c.add("("+a+".group_id = ? OR ("+a+".group_id IS NULL AND "+a+
			".channel_id IN (SELECT id FROM channels WHERE company_id = ? AND group_id = ?)))", f.GroupID, companyID, f.GroupID)
	}
	if f.AgentID > 0 {
		c.add(a+".assignee_id = ?", f.AgentID)
	}
}

func hasConversationFilter(f ReportFilter) bool {
	return f.ChannelID > 0 || f.GroupID > 0 || f.AgentID > 0
}

// messageWhere selects the messages (alias m) created in the period that
// pass the filters: template and campaign on the message itself, the rest
// through its conversation.
func (s *Store) messageWhere(ctx context.Context, companyID int64, f ReportFilter) (string, []any, error) {
	if err := s.checkCampaignFilter(ctx, f); err != nil {
		return "", nil, err
	}
	var c conds
	c.add("m.company_id = ? AND m.created_at >= ? AND m.created_at < ?", companyID, f.From, f.To)
	if f.Template != "" {
		c.add("m.template_name = ?", f.Template)
	}
	if f.CampaignID > 0 {
		c.add("m.id IN (SELECT message_id FROM campaign_recipients WHERE company_id = ? AND campaign_id = ?)", companyID, f.CampaignID)
	}
	if hasConversationFilter(f) {
		var cc conds
		cc.add("fc.id = m.conversation_id")
		cc.addConversation("fc", companyID, f)
		w, a := cc.where()
		c.add("EXISTS (SELECT 1 FROM conversations fc WHERE "+w+")", a...)
	}
	w, a := c.where()
	return w, a, nil
}

// conversationWhere selects the conversations (alias c) whose event is in
// the period and that pass the filters; with a template or campaign filter,
// those in which that template or campaign sent a message.
func (s *Store) conversationWhere(ctx context.Context, companyID int64, f ReportFilter, ev conversationEvent) (string, []any, error) {
	if err := s.checkCampaignFilter(ctx, f); err != nil {
		return "", nil, err
	}
	var c conds
	c.add("c.company_id = ?", companyID)
	period, args := slotRange(ev, f)
	c.add(period, args...)
	c.addConversation("c", companyID, f)
	if w, a := campaignOrTemplateConversation(companyID, f, "c.id"); w != "" {
		c.add(w, a...)
	}
	w, a := c.where()
	return w, a, nil
}

// slotRange is "ev is in f's period" as the index seeks it: the event's
// slot range, which is the period itself when it starts and ends on slot
// boundaries (local midnights do); otherwise the slots around it are read
// and the event's time decides.
func slotRange(ev conversationEvent, f ReportFilter) (string, []any) {
	from, to := f.From.Unix()/bucketSeconds, f.To.Unix()/bucketSeconds
	if onSlot(f.From) && onSlot(f.To) {
		return ev.slot + " >= ? AND " + ev.slot + " < ?", []any{from, to}
	}
	return ev.slot + " >= ? AND " + ev.slot + " <= ? AND " + ev.at + " >= ? AND " + ev.at + " < ?", []any{from, to, f.From, f.To}
}

func onSlot(t time.Time) bool { return t.Equal(t.Truncate(bucketSeconds * time.Second)) }

// rollupAnswers reports whether report_message_rollup has the dimensions f
// filters by: channel and template do; a group or agent (through the
// conversation, which can move) and a campaign don't.
func rollupAnswers(f ReportFilter) bool {
	return f.GroupID == 0 && f.AgentID == 0 && f.CampaignID == 0
}

// rollupWhere selects f's rows of report_message_rollup of one bucket
// width whose buckets pass the condition buckets.
func rollupWhere(companyID int64, f ReportFilter, width int64, buckets string, args ...any) (string, []any) {
	var c conds
	c.add("company_id = ? AND width = ?", companyID, width)
	c.add(buckets, args...)
	if f.ChannelID > 0 {
		c.add("channel_id = ?", f.ChannelID)
	}
	if f.Template != "" {
		c.add("template = ?", f.Template)
	}
	return c.where()
}

// campaignOrTemplateConversation is the condition "conversation id sent a
// message of the filtered template / was reached by the filtered
// campaign", or "" without such filters. IN (subquery) lets both databases
// build the campaign's conversation set once instead of probing per row.
func campaignOrTemplateConversation(companyID int64, f ReportFilter, id string) (string, []any) {
	var c conds
	if f.Template != "" {
		c.add("EXISTS (SELECT 1 FROM messages tm WHERE tm.company_id = ? AND tm.conversation_id = "+id+
			" AND tm.template_name = ?)", companyID, f.Template)
	}
	if f.CampaignID > 0 {
		c.add(id+" IN (SELECT conversation_id FROM campaign_recipients WHERE company_id = ? AND campaign_id = ?)",
			companyID, f.CampaignID)
	}
	return c.where()
}

// checkCampaignFilter refuses a campaign filter cleanly on a database
// without campaigns (campaign_recipients, migration 00008) instead of
// failing with an SQL error.
func (s *Store) checkCampaignFilter(ctx context.Context, f ReportFilter) error {
	if f.CampaignID <= 0 {
		return nil
	}
	rows, err := s.r.query(ctx, "SELECT 1 FROM campaign_recipients WHERE 1 = 0")
	if err == nil {
		rows.Close()
		return nil
	}
	return conversa.Errorf(conversa.EINVALID, "Reports by campaign need campaigns, which this server doesn't have yet.").
		Pt("Relatórios por campanha precisam de campanhas, que este servidor ainda não tem.")
}
