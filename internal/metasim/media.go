package metasim

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Media: uploads (POST /{phone-number-id}/media), metadata (GET /{media-id})
// and the download URL, which like Meta's needs the bearer token. Customer
// media sent through the control API lands here too.

type mediaItem struct {
	ID       string `json:"id"`
	PhoneID  string `json:"phone_number_id"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Filename string `json:"filename,omitempty"`
	Data     []byte `json:"data"`
}

type mediaStore struct {
	mu    sync.RWMutex
	items map[string]*mediaItem
}

func newMediaStore() *mediaStore { return &mediaStore{items: map[string]*mediaItem{}} }

func (m *mediaStore) reset() {
	m.mu.Lock()
	m.items = map[string]*mediaItem{}
	m.mu.Unlock()
}

func (m *mediaStore) get(id string) *mediaItem {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.items[id]
}

func (m *mediaStore) put(it *mediaItem) {
	m.mu.Lock()
	m.items[it.ID] = it
	m.mu.Unlock()
}

func (m *mediaStore) delete(id string) {
	m.mu.Lock()
	delete(m.items, id)
	m.mu.Unlock()
}

// storeMedia keeps data as a new media object of phoneID.
func (s *Sim) storeMedia(phoneID, mime, filename string, data []byte) *mediaItem {
	sum := sha256.Sum256(data)
	it := &mediaItem{ID: s.ids.object(), PhoneID: phoneID, MimeType: mime,
		SHA256: hex.EncodeToString(sum[:]), Filename: filename, Data: data}
	s.media.put(it)
	return it
}

// maxUpload is Meta's largest media size (documents, 100 MB).
const maxUpload = 100 << 20

func (s *Sim) handleUpload(c *graphCall) {
	if err := c.r.ParseMultipartForm(32 << 20); err != nil {
		s.writeMetaError(c.w, metaErr(100, "Upload must be multipart/form-data with a file part."))
		return
	}
	if c.r.FormValue("messaging_product") != "whatsapp" {
		s.writeMetaError(c.w, missing("messaging_product"))
		return
	}
	f, hdr, err := c.r.FormFile("file")
	if err != nil {
		s.writeMetaError(c.w, missing("file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil || len(data) > maxUpload {
		s.writeMetaError(c.w, metaErr(131053, "The file is larger than the maximum size."))
		return
	}
	mime := c.r.FormValue("type")
	if mime == "" {
		mime = hdr.Header.Get("Content-Type")
	}
	if mime == "" {
		mime = http.DetectContentType(data)
	}
	it := s.storeMedia(c.id, mime, hdr.Filename, data)
	writeJSON(c.w, http.StatusOK, map[string]string{"id": it.ID})
}

func (s *Sim) handleGetMedia(c *graphCall) {
	it := s.media.get(c.id)
	writeJSON(c.w, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"url":               s.mediaURL(c.r, it),
		"mime_type":         it.MimeType,
		"sha256":            it.SHA256,
		"file_size":         len(it.Data),
		"id":                it.ID,
	})
}

func (s *Sim) handleDeleteMedia(c *graphCall) {
	s.media.delete(c.id)
	success(c.w)
}

// mediaURL is where the bytes can be fetched (with the bearer token).
func (s *Sim) mediaURL(r *http.Request, it *mediaItem) string {
	return mediaURLAt(baseURL(r, s.opts.BasePath), it)
}

// mediaURLAt is a media item's download URL under base (scheme://host and
// mount prefix); webhooks, which have no request, use the public URL.
func mediaURLAt(base string, it *mediaItem) string {
	return base + "/_sim/media/" + it.ID + "?mid=" + it.ID + "&ext=" +
		strconv.Itoa(len(it.Data)) + "&hash=" + it.SHA256[:16]
}

// baseURL is how the client reached us: scheme://host plus the mount prefix.
func baseURL(r *http.Request, base string) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host + base
}

// serveMediaBytes is the download URL; like Meta's, it needs a valid token.
func (s *Sim) serveMediaBytes(w http.ResponseWriter, r *http.Request) {
	tok := s.authenticate(r)
	if tok == nil {
		s.writeMetaError(w, metaErr(190, ""))
		return
	}
	it := s.media.get(r.PathValue("id"))
	if it == nil || (tok.BusinessID != "" && tok.BusinessID != s.businessOf(it.PhoneID)) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", it.MimeType)
	w.Header().Set("Content-Length", strconv.Itoa(len(it.Data)))
	_, _ = w.Write(it.Data)
}
