package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// ConversationTimes are the conversations of one assignee that a report
// counts, and the durations measured for them in milliseconds (unsorted;
// a conversation without one is counted but has none).
type ConversationTimes struct {
	AssigneeID int64 // 0 = unassigned, or everyone when not split by assignee
	Count      int64
	Millis     []int64
}

// conversationEvent is what a conversation report counts: the event's time
// and its slot (generated columns, migration 00010) and the duration
// measured for it.
type conversationEvent struct{ at, slot, millis string }

var (
	// Only customer-initiated conversations have a first response time: a
	// business-initiated thread "responds" when it is created.
	openedEvent = conversationEvent{"c.created_at", "c.opened_slot", "CASE WHEN c.origin = 'service' THEN c.first_response_ms END"}
	// A reopened conversation counts again when it is resolved again
	// (resolved_at holds the latest resolution).
	resolvedEvent = conversationEvent{"c.resolved_at", "c.resolved_slot", "c.resolution_ms"}
)

// ReportOpened returns the conversations created in the period with their
// first response times, in one entry or one per assignee.
func (s *Store) ReportOpened(ctx context.Context, companyID int64, f ReportFilter, byAssignee bool) ([]ConversationTimes, error) {
	return s.conversationTimes(ctx, companyID, f, openedEvent, byAssignee)
}

// ReportResolved returns the conversations resolved in the period with the
// time from opening to resolution, in one entry or one per assignee.
func (s *Store) ReportResolved(ctx context.Context, companyID int64, f ReportFilter, byAssignee bool) ([]ConversationTimes, error) {
	return s.conversationTimes(ctx, companyID, f, resolvedEvent, byAssignee)
}

// ReportOpenedSlots counts the conversations created in the period per slot.
func (s *Store) ReportOpenedSlots(ctx context.Context, companyID int64, f ReportFilter) ([]SlotCount, error) {
	return s.conversationSlots(ctx, companyID, f, openedEvent)
}

// ReportResolvedSlots counts the conversations resolved in the period per
// slot.
func (s *Store) ReportResolvedSlots(ctx context.Context, companyID int64, f ReportFilter) ([]SlotCount, error) {
	return s.conversationSlots(ctx, companyID, f, resolvedEvent)
}

// conversationSlots groups by the slot the index is ordered by, so the
// counts need no sort.
func (s *Store) conversationSlots(ctx context.Context, companyID int64, f ReportFilter, ev conversationEvent) ([]SlotCount, error) {
	where, args, err := s.conversationWhere(ctx, companyID, f, ev)
	if err != nil {
		return nil, err
	}
	return s.slotCounts(ctx, "SELECT "+ev.slot+", 0, COUNT(*) FROM conversations c WHERE "+where+" GROUP BY "+ev.slot, args...)
}

// conversationTimes aggregates the durations into one comma-separated text
// (string_agg skips NULLs): a period's conversations are a hundred thousand
// values, and database/sql's cost per row would be most of the time. Split
// by assignee, each item is "assignee:millis", millis empty when there is
// none.
func (s *Store) conversationTimes(ctx context.Context, companyID int64, f ReportFilter, ev conversationEvent, byAssignee bool) ([]ConversationTimes, error) {
	where, args, err := s.conversationWhere(ctx, companyID, f, ev)
	if err != nil {
		return nil, err
	}
	var list sql.NullString
	if !byAssignee {
		var t ConversationTimes
		err := s.r.queryRow(ctx, "SELECT COUNT(*), string_agg(CAST("+ev.millis+" AS TEXT), ',') FROM conversations c WHERE "+
			where, args...).Scan(&t.Count, &list)
		if err != nil {
			return nil, err
		}
		t.Millis, err = parseMillis(list.String)
		return []ConversationTimes{t}, err
	}
	item := "CAST(COALESCE(c.assignee_id, 0) AS TEXT) || ':' || COALESCE(CAST(" + ev.millis + " AS TEXT), '')"
	if err := s.r.queryRow(ctx, "SELECT string_agg("+item+", ',') FROM conversations c WHERE "+where, args...).Scan(&list); err != nil {
		return nil, err
	}
	return parseAssigned(list.String)
}

// parseMillis reads "1,2,3"; "" is none.
func parseMillis(list string) ([]int64, error) {
	if list == "" {
		return nil, nil
	}
	out := make([]int64, 0, strings.Count(list, ",")+1)
	for item := range strings.SplitSeq(list, ",") {
		ms, err := strconv.ParseInt(item, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("store: report durations: %w", err)
		}
		out = append(out, ms)
	}
	return out, nil
}

// parseAssigned reads "assignee:millis" items into one entry per assignee.
func parseAssigned(list string) ([]ConversationTimes, error) {
	if list == "" {
		return nil, nil
	}
	index := map[int64]int{}
	var out []ConversationTimes
	for item := range strings.SplitSeq(list, ",") {
		a, ms, _ := strings.Cut(item, ":")
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("store: report durations: %w", err)
		}
		i, ok := index[id]
		if !ok {
			i, index[id] = len(out), len(out)
			out = append(out, ConversationTimes{AssigneeID: id})
		}
		out[i].Count++
		if ms == "" {
			continue
		}
		v, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("store: report durations: %w", err)
		}
		out[i].Millis = append(out[i].Millis, v)
	}
	return out, nil
}
