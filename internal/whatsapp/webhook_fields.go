package whatsapp

import "encoding/json"

// Values of the account-level webhook fields.

// TemplateStatusUpdate: a template was approved, rejected, paused,
// disabled, ... (field message_template_status_update).
type TemplateStatusUpdate struct {
	Event                   string     `json:"event"` // APPROVED, REJECTED, PAUSED, DISABLED, FLAGGED, REINSTATED, ...
	MessageTemplateID       FlexString `json:"message_template_id"`
	MessageTemplateName     string     `json:"message_template_name"`
	MessageTemplateLanguage string     `json:"message_template_language"`
	MessageTemplateCategory string     `json:"message_template_category,omitempty"`
	Reason                  string     `json:"reason,omitempty"` // rejection reason; NONE or null otherwise
	DisableInfo             *struct {
		DisableDate FlexString `json:"disable_date"`
	} `json:"disable_info,omitempty"`
	OtherInfo *struct {
		Title       string `json:"title"` // FIRST_PAUSE, SECOND_PAUSE, UNPAUSE, ...
		Description string `json:"description"`
	} `json:"other_info,omitempty"`
	RejectionInfo *struct {
		Reason         string `json:"reason"`
		Recommendation string `json:"recommendation"`
	} `json:"rejection_info,omitempty"`
}

// TemplateCategoryUpdate: Meta recategorised a template.
type TemplateCategoryUpdate struct {
	MessageTemplateID       FlexString `json:"message_template_id"`
	MessageTemplateName     string     `json:"message_template_name"`
	MessageTemplateLanguage string     `json:"message_template_language"`
	PreviousCategory        string     `json:"previous_category,omitempty"`
	NewCategory             string     `json:"new_category,omitempty"`
	CorrectCategory         string     `json:"correct_category,omitempty"`
}

// PhoneNumberQualityUpdate: the number's throughput or messaging limit
// changed. It names the number only by its display number. Meta's current
// reference lists the events ONBOARDING and THROUGHPUT_UPGRADE; accounts
// may still send the older UPGRADE, DOWNGRADE, FLAGGED and UNFLAGGED
// (quality). Read the limit with MessagingLimit.
type PhoneNumberQualityUpdate struct {
	DisplayPhoneNumber               string    `json:"display_phone_number"`
	Event                            string    `json:"event"`
	CurrentLimit                     string    `json:"current_limit,omitempty"` // to be removed by Meta
	OldLimit                         string    `json:"old_limit,omitempty"`     // messaging limit changes only
	MaxDailyConversationsPerBusiness LimitTier `json:"max_daily_conversations_per_business,omitempty"`
}

// PhoneNumberNameUpdate: the display-name review decided.
type PhoneNumberNameUpdate struct {
	DisplayPhoneNumber    string `json:"display_phone_number"`
	Decision              string `json:"decision"` // APPROVED, REJECTED, DEFERRED
	RequestedVerifiedName string `json:"requested_verified_name,omitempty"`
	RejectionReason       string `json:"rejection_reason,omitempty"`
}

// AccountUpdate: the WhatsApp Business Account changed (violation, ban,
// restriction, deletion, partner install, ...). Event-specific parts not
// modelled here stay in the Change's raw Value.
type AccountUpdate struct {
	Event         string `json:"event"`
	PhoneNumber   string `json:"phone_number,omitempty"`
	Country       string `json:"country,omitempty"`
	ViolationInfo *struct {
		ViolationType string `json:"violation_type"`
	} `json:"violation_info,omitempty"`
	BanInfo *struct {
		WabaBanState string `json:"waba_ban_state"`
		WabaBanDate  string `json:"waba_ban_date"`
	} `json:"ban_info,omitempty"`
	RestrictionInfo []struct {
		RestrictionType string          `json:"restriction_type"`
		Expiration      json.RawMessage `json:"expiration"` // a timestamp or a date string
	} `json:"restriction_info,omitempty"`
}

// AccountReviewUpdate: the account's policy review decided.
type AccountReviewUpdate struct {
	Decision string `json:"decision"` // APPROVED, REJECTED, PENDING, DEFERRED
}
