// Package metasim is an in-memory WhatsApp Business Platform Cloud API
// (Graph API) simulator: the same paths, request and response bodies,
// error codes and signed webhooks as graph.facebook.com, plus a control
// API (/_sim/...) and a customer phone page, so Conversa's client, tests,
// load tests and sandbox can run with no access to Meta.
//
// The package owns its state (accounts, numbers, templates, chats, media,
// webhook deliveries) and never imports internal/whatsapp: an independent
// implementation catches bugs a shared one would mirror. See README.md.
package metasim
