package conversa

import "time"

// OnboardingStep is where a guided WhatsApp connection (Meta's Embedded
// Signup, PRODUCT.md §3) stands. The steps run in this order; every one is
// saved, so an admin who closes the browser resumes where they left off.
type OnboardingStep string

const (
	StepSignup   OnboardingStep = "signup"   // waiting for the Embedded Signup code
	StepAccount  OnboardingStep = "account"  // pick or create the WhatsApp Business Account
	StepPhone    OnboardingStep = "phone"    // add the phone number
	StepCode     OnboardingStep = "code"     // request the verification code (SMS or voice)
	StepVerify   OnboardingStep = "verify"   // type the code received
	StepRegister OnboardingStep = "register" // register the number (PIN), subscribe webhooks
	StepDone     OnboardingStep = "connected"
	StepStopped  OnboardingStep = "stopped" // too many wrong codes: check the number, then restart
)

// Verification rules from the seed guide: a new code may be asked for only
// after CodeResendAfter without one, and MaxFailedCodes wrong codes stop the
// flow so the admin checks that the number really receives SMS or calls.
const (
	CodeResendAfter = 2 * time.Minute
	MaxFailedCodes  = 2
)

// Onboarding is one attempt at connecting a number through the guided flow.
type Onboarding struct {
	ID          int64
	CompanyID   int64
	UserID      int64 // the admin who started it
	GroupID     int64
	ChannelName string
	Step        OnboardingStep

	BusinessID         string // Meta business portfolio
	WABAID             string
	WABAName           string
	DisplayName        string // verified_name requested for the number
	PhoneNumberID      string
	DisplayPhoneNumber string
	CodeMethod         string // SMS or VOICE
	CodeRequests       int
	FailedAttempts     int
	CodeRequestedAt    *time.Time
	Registered         bool
	ChannelID          *int64
	SignupCodeHash     string // the exchanged code, so a repeated POST is recognised
	LastError          *Error // why the last step failed, shown on resume

	AccessToken string // from the code exchange; sealed at rest, never serialised

	CreatedAt time.Time
	UpdatedAt time.Time
}
