package inbox

import "context"

// Deliver runs the send job's work once (tests drive it without River).
func (s *Service) Deliver(ctx context.Context, companyID, messageID int64) error {
	return s.deliver(ctx, companyID, messageID)
}
