package httpapi

import (
	_ "embed"
	"net/http"
)

// The API's own description (API-CONTRACT.md: "document all of it in
// OpenAPI"), public so tools and integrators can fetch it:
//
//	GET /api/v1/openapi.yaml   → the OpenAPI 3.1 document (application/yaml)
//
// openapi_test.go fails when a route registered here is missing from
// openapi.yaml or the document lists one the server does not serve, so add
// every new route to both.
func (s *Server) routesOpenAPI(m *router) {
	m.public("GET /api/v1/openapi.yaml", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(openAPISpec) // a failed write means the client left
		return nil
	})
}

//go:embed openapi.yaml
var openAPISpec []byte
