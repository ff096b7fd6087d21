package metasim

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// metaError is one Graph API error as Meta returns it, both synchronously
// (the HTTP error body) and asynchronously (inside a failed status webhook).
type metaError struct {
	Code     int
	Subcode  int
	Title    string // short, Meta's "title" ("Re-engagement message")
	Details  string // error_data.details
	HTTP     int    // status of a synchronous answer
	UserMsg  string // error_user_msg, for the few errors Meta explains to people
	UserHead string // error_user_title
	Plain    bool   // true: message is Title alone, without the "(#code) " prefix
}

// knownErrors holds Meta's titles and details for the codes we produce or
// let the control API inject; unknown injected codes get a generic title.
var knownErrors = map[int]metaError{
	100:    {Title: "Invalid parameter", Details: "Invalid parameter"},
	131000: {Title: "Something went wrong", Details: "Message failed to send due to an unknown error.", HTTP: 500},
	131005: {Title: "Access denied", Details: "Permission is either not granted or has been removed."},
	131008: {Title: "Required parameter is missing", Details: "The request is missing a required parameter."},
	131009: {Title: "Parameter value is not valid", Details: "One or more parameter values are invalid."},
	131016: {Title: "Service unavailable", Details: "A service is temporarily unavailable. Please check the status page before trying again.", HTTP: 503},
	131021: {Title: "Recipient cannot be sender", Details: "Sender and recipient phone number is the same."},
	131026: {Title: "Message undeliverable", Details: "Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted the new Terms of Service; the recipient is using an old WhatsApp version."},
	131031: {Title: "Business Account locked", Details: "Business account has been locked."},
	131042: {Title: "Business eligibility payment issue", Details: "Message failed to send because there were one or more errors related to your payment method."},
	131045: {Title: "Incorrect certificate", Details: "Message failed to send due to a phone number registration error."},
	131047: {Title: "Re-engagement message", Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
	131048: {Title: "Spam rate limit hit", Details: "Message failed to send because there are restrictions on how many messages can be sent from this phone number."},
	131049: {Title: "This message was not delivered to maintain healthy ecosystem engagement.", Details: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."},
	131051: {Title: "Unsupported message type", Details: "Unsupported message type."},
	131052: {Title: "Media download error", Details: "Unable to download the media sent by the user."},
	131053: {Title: "Media upload error", Details: "Unable to upload the media used in the message."},
	131056: {Title: "(Business Account, Consumer Account) pair rate limit hit", Details: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."},
	130429: {Title: "Rate limit hit", Details: "Cloud API message throughput has been reached."},
	130472: {Title: "User's number is part of an experiment", Details: "Failed to send message because this user's phone number is part of an experiment."},
	80007:  {Title: "Rate limit issues", Details: "The WhatsApp Business Account has reached its rate limit."},
	132000: {Title: "Number of parameters does not match the expected number of params", Details: "The number of variable parameter values included in the request did not match the number of variable parameters defined in the template."},
	132001: {Title: "Template name does not exist in the translation", Details: "The template does not exist in the specified language or the template has not been approved."},
	132005: {Title: "Translated text too long", Details: "Translated text is too long."},
	132007: {Title: "Template format character policy violated", Details: "Template content violates a WhatsApp policy."},
	132012: {Title: "Parameter format does not match format in the created template", Details: "Variable parameter values formatted incorrectly."},
	132015: {Title: "Template is Paused", Details: "Template is paused due to low quality so it cannot be sent in a template message."},
	132016: {Title: "Template is Disabled", Details: "Template has been paused too many times due to low quality and is now permanently disabled."},
	133005: {Title: "Two step verification PIN Mismatch", Details: "Two-step verification PIN incorrect."},
	133006: {Title: "Phone number re-verification needed", Details: "Phone number needs to be verified before registering."},
	133010: {Title: "Account not registered", Details: "Phone number not registered on the Whatsapp Business Platform."},
	136024: {Title: "Request code error", Details: "Verification code request failed. Wait before requesting another code."},
	136025: {Title: "Verify code error", Details: "Code couldn't be verified, You have entered the wrong code."},
	368:    {Title: "Temporarily blocked for policies violations", Details: "The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy."},
	190:    {Title: "Invalid OAuth access token - Cannot parse access token", Plain: true, HTTP: http.StatusUnauthorized},
	200:    {Title: "Permissions error", Details: "Permissions error"},
	2200:   {Title: "Callback verification failed", Details: "Callback verification failed"},
	2388001: {
		Code: 100, Subcode: 2388001, Title: "Invalid parameter",
		Details:  "Phone number is already registered with a WhatsApp account.",
		UserHead: "Phone number already in use",
		UserMsg:  "This phone number is already registered with a WhatsApp account. Delete the account from the WhatsApp app or from the other Business Solution Provider, then try again.",
	},
}

// metaErr returns the catalogue entry for code, with details overridden
// when the caller has something more specific to say.
func metaErr(code int, details string) *metaError {
	e, ok := knownErrors[code]
	if !ok {
		e = metaError{Title: "Error " + strconv.Itoa(code), Details: "Injected error"}
	}
	if e.Code == 0 {
		e.Code = code
	}
	if details != "" {
		e.Details = details
	}
	if e.HTTP == 0 {
		e.HTTP = http.StatusBadRequest
	}
	return &e
}

// objectNotFound is Graph's answer for unknown ids and ids the token may not
// see: the two are indistinguishable on purpose.
func objectNotFound(id, method string) *metaError {
	verb := "get"
	if method == http.MethodPost {
		verb = "post"
	} else if method == http.MethodDelete {
		verb = "delete"
	}
	return &metaError{Code: 100, Subcode: 33, HTTP: http.StatusBadRequest, Plain: true,
		Title: "Unsupported " + verb + " request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"}
}

func (e *metaError) message() string {
	if e.Plain {
		return e.Title
	}
	return "(#" + strconv.Itoa(e.Code) + ") " + e.Title
}

// errorBody is the synchronous error body, fields in Meta's order.
type errorBody struct {
	Error errorInner `json:"error"`
}

type errorInner struct {
	Message     string         `json:"message"`
	Type        string         `json:"type"`
	Code        int            `json:"code"`
	Subcode     int            `json:"error_subcode,omitempty"`
	IsTransient *bool          `json:"is_transient,omitempty"`
	UserTitle   string         `json:"error_user_title,omitempty"`
	UserMsg     string         `json:"error_user_msg,omitempty"`
	ErrorData   *errorDataBody `json:"error_data,omitempty"`
	FBTraceID   string         `json:"fbtrace_id"`
}

type errorDataBody struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

func (e *metaError) body(trace string) errorBody {
	in := errorInner{Message: e.message(), Type: "OAuthException", Code: e.Code,
		Subcode: e.Subcode, FBTraceID: trace}
	if e.Details != "" && !e.Plain {
		in.ErrorData = &errorDataBody{MessagingProduct: "whatsapp", Details: e.Details}
	}
	if e.UserMsg != "" {
		f := false
		in.IsTransient, in.UserTitle, in.UserMsg = &f, e.UserHead, e.UserMsg
	}
	return errorBody{Error: in}
}

// statusError is the shape inside statuses[].errors[] of a failed status.
type statusError struct {
	Code      int             `json:"code"`
	Title     string          `json:"title"`
	Message   string          `json:"message"`
	ErrorData statusErrorData `json:"error_data"`
	Href      string          `json:"href"`
}

type statusErrorData struct {
	Details string `json:"details"`
}

func (e *metaError) asStatusError() statusError {
	return statusError{Code: e.Code, Title: e.Title, Message: e.Title,
		ErrorData: statusErrorData{Details: e.Details},
		Href:      "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}
}

func (s *Sim) writeMetaError(w http.ResponseWriter, e *metaError) {
	writeJSON(w, e.HTTP, e.body(s.ids.trace()))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
