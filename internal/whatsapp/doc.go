// Package whatsapp speaks Meta's WhatsApp Cloud API (the Graph API over
// net/http) and reads its webhooks.
//
// It owns no data. One *Client serves every company's channels: the access
// token is passed on each call, never stored in the client, so a token for
// one tenant can never leak into another tenant's request.
//
// Errors from Meta come back as *Error, which keeps the numeric code, the
// subcode, fbtrace_id and a plain sentence in English and pt-BR from the
// catalog. Callers decide what to do with the helpers Retryable, Permanent,
// ChannelProblem, IsWindowClosed and IsAmbiguous, and turn any error into a
// domain error with ToConversa.
//
// The client retries only safe calls (GETs). It never re-sends a POST on its
// own: a send that timed out after the request was written may have reached
// WhatsApp, so IsAmbiguous reports it and the caller reconciles through the
// status webhooks (biz_opaque_callback_data) instead of sending twice.
package whatsapp
