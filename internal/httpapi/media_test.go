package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
)

// photo is a valid PNG (1×1), as a customer's phone would send it.
var photo, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

// A customer's image goes simulator → webhook → inbox → media job, which
// fetches it through the Graph client (GET /{media-id}, then the URL with
// the channel's token: the simulator refuses it without) and keeps it
// under the data dir; the API serves the same bytes to alpha only.
func TestInboundMediaIsStoredAndServed(t *testing.T) {
	eachLive(t, func(t *testing.T, e *liveEnv) {
		conv := e.customerSays(ana, "Ana", metasim.CustomerMessage{Type: "image", Text: "Foto do pedido",
			MediaBase64: base64.StdEncoding.EncodeToString(photo), MimeType: "image/png"})
		msgs, err := e.st.Messages(ctx, e.alpha.ID, conv.ID, 0, 10)
		if err != nil || len(msgs) != 1 || msgs[0].Type != "image" || msgs[0].MediaID == "" {
			t.Fatalf("stored %+v, %v", msgs, err)
		}
		id := msgs[0].ID
		eventually(t, "the image downloaded", func() bool { return e.message(id).MediaPath != "" })
		m := e.message(id)
		if dir := filepath.Join("media", idPath("%d", e.alpha.ID)); filepath.Dir(m.MediaPath) != dir || m.MediaMime != "image/png" {
			t.Fatalf("stored as %q (%s), want under %s", m.MediaPath, m.MediaMime, dir)
		}
		if onDisk, err := os.ReadFile(filepath.Join(e.dataDir, m.MediaPath)); err != nil || !bytes.Equal(onDisk, photo) {
			t.Fatalf("file on disk: %v (%d bytes)", err, len(onDisk))
		}
		agent := e.login("alpha", "agent@alpha.com")
		rec := e.do(req{method: "GET", path: idPath("/api/v1/messages/%d/media", id), token: agent})
		wantStatus(t, rec, http.StatusOK)
		if !bytes.Equal(rec.Body.Bytes(), photo) || rec.Header().Get("Content-Type") != "image/png" ||
			rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("served %d bytes, headers %v", rec.Body.Len(), rec.Header())
		}
		if got := e.do(req{method: "GET", path: idPath("/api/v1/conversations/%d/messages", conv.ID), token: agent}).Body.String(); !strings.Contains(got, `"media_stored":true`) ||
			!strings.Contains(got, `"text":"Foto do pedido"`) {
			t.Fatalf("thread = %s", got)
		}
		beta := e.login("beta", "admin@beta.com")
		wantError(t, e.do(req{method: "GET", path: idPath("/api/v1/messages/%d/media", id), token: beta}), http.StatusNotFound, conversa.ENOTFOUND)
		// A file removed from disk is gone, not a server error.
		if err := os.Remove(filepath.Join(e.dataDir, m.MediaPath)); err != nil {
			t.Fatal(err)
		}
		wantError(t, e.do(req{method: "GET", path: idPath("/api/v1/messages/%d/media", id), token: agent}), http.StatusNotFound, conversa.ENOTFOUND)
	})
}

var contract = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// An agent's file: uploaded to Meta for the channel's number, sent
// referring to the media id, kept and served like an inbound one; the same
// Idempotency-Key uploads and sends once; refusals come before any upload.
func TestSendMediaUploadsThenSends(t *testing.T) {
	eachLive(t, func(t *testing.T, e *liveEnv) {
		conv := e.customerSays(ana, "Ana", metasim.CustomerMessage{Text: "Pode mandar o comprovante?"})
		tok := e.login("alpha", "agent@alpha.com")
		path := idPath("/api/v1/conversations/%d/media", conv.ID)
		upload := func(r req) req { r.method, r.path, r.token = "POST", path, tok; return r }
		pdf := upload(multipartBody(map[string]string{"caption": "Segue o comprovante"}, "comprovante.pdf", "application/pdf", contract))
		pdf.header["Idempotency-Key"] = "upload-1"
		first, again := e.do(pdf), e.do(pdf)
		wantStatus(t, first, http.StatusCreated)
		wantStatus(t, again, http.StatusCreated)
		sent := decode[struct {
			ID          int64
			Type        string
			Text        string
			Direction   string
			HasMedia    bool `json:"has_media"`
			MediaStored bool `json:"media_stored"`
		}](t, first)
		if sent.Type != "document" || sent.Text != "Segue o comprovante" || sent.Direction != "out" || !sent.HasMedia || !sent.MediaStored ||
			decode[struct{ ID int64 }](t, again).ID != sent.ID {
			t.Fatalf("sent %s, then %s", first.Body, again.Body)
		}
		e.waitStatus(sent.ID, conversa.StatusDelivered)
		if n := e.sim.Sent(e.acc.PhoneNumberID, ana); n != 1 {
			t.Fatalf("the simulator received %d messages, want 1", n)
		}
		checkUploadReachedMeta(t, e, sent.ID)
		rec := e.do(req{method: "GET", path: idPath("/api/v1/messages/%d/media", sent.ID), token: tok})
		if !bytes.Equal(rec.Body.Bytes(), contract) || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("our copy: %d %q %v", rec.Code, rec.Body, rec.Header())
		}

		big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 5<<20)...)
		refusals := []struct {
			name   string
			r      req
			status int
			code   string
		}{
			{"image over 5 MB", multipartBody(nil, "foto.png", "image/png", big), http.StatusRequestEntityTooLarge, conversa.ETOOLARGE},
			{"a type WhatsApp doesn't take", multipartBody(nil, "setup.zip", "application/zip", []byte("PK\x03\x04")), http.StatusUnprocessableEntity, conversa.EMEDIATYPE},
			{"a PDF as an image", multipartBody(map[string]string{"type": "image"}, "c.pdf", "application/pdf", contract), http.StatusUnprocessableEntity, conversa.EMEDIATYPE},
			{"a sticker", multipartBody(nil, "fig.webp", "image/webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 ")), http.StatusUnprocessableEntity, conversa.EMEDIATYPE},
			{"audio with a caption", multipartBody(map[string]string{"caption": "ouça"}, "a.ogg", "audio/ogg", []byte("OggS")), http.StatusBadRequest, conversa.EINVALID},
			{"an empty file", multipartBody(nil, "vazio.pdf", "application/pdf", nil), http.StatusBadRequest, conversa.EINVALID},
			{"no file field", multipartBody(map[string]string{"caption": "x"}, "", "", nil), http.StatusBadRequest, conversa.EINVALID},
			{"JSON instead of a form", req{body: map[string]string{"file": "x"}}, http.StatusBadRequest, conversa.EINVALID},
		}
		for _, tt := range refusals {
			wantError(t, e.do(upload(tt.r)), tt.status, tt.code)
		}
		beta := e.login("beta", "admin@beta.com")
		r := upload(multipartBody(nil, "c.pdf", "application/pdf", contract))
		r.token = beta
		wantError(t, e.do(r), http.StatusNotFound, conversa.ENOTFOUND)

		e.clock.Advance(24*time.Hour + time.Minute)
		tok = e.login("alpha", "agent@alpha.com")
		wantError(t, e.do(upload(multipartBody(nil, "c.pdf", "application/pdf", contract))), http.StatusUnprocessableEntity, conversa.EWINDOWCLOSED)
		if files, _ := filepath.Glob(filepath.Join(e.dataDir, "media", idPath("%d", e.alpha.ID), "out-*")); len(files) != 1 {
			t.Fatalf("uploads kept: %v, want the one sent", files)
		}
		if n := e.sim.Sent(e.acc.PhoneNumberID, ana); n != 1 {
			t.Fatalf("refused uploads reached Meta as messages: %d", n)
		}
	})
}

// checkUploadReachedMeta: the simulator's chat has the document with our
// media id, and that id holds our bytes at Meta.
func checkUploadReachedMeta(t *testing.T, e *liveEnv, id int64) {
	t.Helper()
	m := e.message(id)
	chat, err := e.sim.Chat(e.acc.PhoneNumberID, ana)
	if err != nil {
		t.Fatal(err)
	}
	last := chat.Messages[len(chat.Messages)-1]
	if last.Direction != "out" || last.Type != "document" || last.MediaID != m.MediaID || m.MediaID == "" {
		t.Fatalf("the simulator got %+v; our message %+v", last, m)
	}
	info, err := e.graph.GetMedia(ctx, e.acc.AccessToken, m.MediaID)
	if err != nil {
		t.Fatal(err)
	}
	data, ctype, err := e.graph.DownloadMedia(ctx, e.acc.AccessToken, info.URL)
	if err != nil || !bytes.Equal(data, contract) || ctype != "application/pdf" {
		t.Fatalf("at Meta: %q %q, %v", data, ctype, err)
	}
}

// multipartBody is a multipart/form-data request with fields and, when
// filename is set, a "file" part.
func multipartBody(fields map[string]string, filename, ctype string, data []byte) req {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if filename != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
		h.Set("Content-Type", ctype)
		part, _ := w.CreatePart(h)
		_, _ = part.Write(data)
	}
	_ = w.Close()
	return req{body: buf.String(), header: map[string]string{"Content-Type": w.FormDataContentType()}}
}
