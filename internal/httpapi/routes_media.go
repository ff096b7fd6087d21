package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
)

// Attachments an agent sends (PRODUCT.md §8 "composer: attachments"):
//
//	POST /api/v1/conversations/{id}/media   multipart/form-data: file (required), caption?, type?
//	     (image|audio|video|document; default: by the file's type) (+ Idempotency-Key)
//	     → 201 message, like POST /api/v1/conversations/{id}/messages
//
// One request sends the file: the composer's attach button needs nothing
// else, and a refusal comes before anything is uploaded. The window, the
// channel and Meta's limits are checked first (422 window_closed; 422
// unsupported_media for a type WhatsApp doesn't take as that kind; 413
// too_large over the kind's size: image JPEG/PNG 5 MB, audio AAC/AMR/MP3/
// M4A/OGG 16 MB, video MP4/3GP 16 MB, document PDF/Office/text 100 MB),
// then the file is uploaded to Meta (POST /{phone-number-id}/media) and a
// copy is kept, served by GET /api/v1/messages/{id}/media like an inbound
// attachment (Meta's media ids expire after 30 days), and the message goes
// out referring to the media id. A repeated Idempotency-Key answers the
// first message without uploading again. Sending by link or by a media id
// uploaded elsewhere stays with POST .../messages ({"type":"image",
// "image":{"link"|"id"}}).
func (s *Server) routesMedia(m *router) {
	if s.inbox == nil {
		return
	}
	m.authed("POST /api/v1/conversations/{id}/media", conversa.RoleAgent, s.sendMedia)
}

// maxUploadBody is Meta's largest file (a 100 MB document) plus the form
// around it.
const maxUploadBody = conversa.MaxMediaBytes + 1<<20

// uploadMemory is how much of an upload is held in memory; the rest of a
// large file waits in a temporary file until the request ends.
const uploadMemory = 8 << 20

func (s *Server) sendMedia(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Tenancy and the agent's rights first: nobody uploads 100 MB into a
	// conversation they can't act on.
	if err := s.inbox.CanAct(r.Context(), actor(p), id); err != nil {
		return err
	}
	up, err := readUpload(w, r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		return err
	}
	m, err := s.inbox.SendMedia(r.Context(), sender(r, p), id, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewMessage(m, r.Header.Get("Accept-Language")))
	return nil
}

// readUpload reads the multipart form of sendMedia.
func readUpload(w http.ResponseWriter, r *http.Request) (inbox.MediaUpload, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return inbox.MediaUpload{}, errNoFile()
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return inbox.MediaUpload{}, conversa.Errorf(conversa.ETOOLARGE, "The upload is larger than 100 MB, WhatsApp's largest file (a document).").
				Pt("O envio passa de 100 MB, o maior arquivo do WhatsApp (um documento).")
		}
		return inbox.MediaUpload{}, errNoFile()
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return inbox.MediaUpload{}, errNoFile()
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return inbox.MediaUpload{}, err
	}
	return inbox.MediaUpload{Kind: conversa.MediaKind(r.FormValue("type")), Filename: hdr.Filename, Caption: r.FormValue("caption"),
		MimeType: conversa.MediaType(hdr.Header.Get("Content-Type"), hdr.Filename), Data: data}, nil
}

func errNoFile() error {
	return conversa.Errorf(conversa.EINVALID, "Send the file as multipart/form-data, in the \"file\" field.").
		Pt("Envie o arquivo como multipart/form-data, no campo \"file\".")
}
