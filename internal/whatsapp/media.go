package whatsapp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
)

// MediaInfo is GET /{media-id}: a short-lived download URL (about 5 minutes)
// and the file's metadata.
type MediaInfo struct {
	MessagingProduct string `json:"messaging_product"`
	URL              string `json:"url"`
	MimeType         string `json:"mime_type"`
	SHA256           string `json:"sha256"`
	FileSize         int64  `json:"file_size"`
	ID               string `json:"id"`
}

// idResponse is the {"id": "..."} answer of uploads and creations.
type idResponse struct {
	ID string `json:"id"`
}

// UploadMedia uploads a file for phoneNumberID (multipart, as Meta requires)
// and returns the media id to send it with.
func (c *Client) UploadMedia(ctx context.Context, token, phoneNumberID, filename, mimeType string, r io.Reader) (string, error) {
	body, ctype, err := c.multipartMedia(filename, mimeType, r)
	if err != nil {
		return "", err
	}
	var out idResponse
	err = c.call(ctx, request{method: http.MethodPost, path: []string{phoneNumberID, "media"}, token: token, raw: body, ctype: ctype}, &out)
	return out.ID, err
}

// multipartMedia builds the form: messaging_product, type, and the file part
// with its own Content-Type (Meta reads the media type from it).
func (c *Client) multipartMedia(filename, mimeType string, r io.Reader) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("messaging_product", "whatsapp")
	_ = w.WriteField("type", mimeType)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", mimeType)
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	n, err := io.Copy(part, io.LimitReader(r, c.maxMedia+1))
	if err != nil {
		return nil, "", fmt.Errorf("whatsapp: read media: %w", err)
	}
	if n > c.maxMedia {
		return nil, "", fmt.Errorf("whatsapp: media larger than %d bytes", c.maxMedia)
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// GetMedia returns the download URL and metadata of a media id (an inbound
// attachment or an upload).
func (c *Client) GetMedia(ctx context.Context, token, mediaID string) (*MediaInfo, error) {
	var out MediaInfo
	if err := c.call(ctx, request{method: http.MethodGet, path: []string{mediaID}, token: token}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteMedia deletes an uploaded media id.
func (c *Client) DeleteMedia(ctx context.Context, token, mediaID string) error {
	return c.expectSuccess(ctx, request{method: http.MethodDelete, path: []string{mediaID}, token: token})
}

// DownloadMedia fetches the bytes behind a MediaInfo.URL. The URL is not on
// the Graph host but still needs the bearer token. Files above MaxMediaBytes
// are refused rather than read into memory.
func (c *Client) DownloadMedia(ctx context.Context, token, mediaURL string) (data []byte, contentType string, err error) {
	u, err := url.Parse(mediaURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, "", fmt.Errorf("whatsapp: invalid media URL")
	}
	err = c.withRetry(ctx, true, func() error {
		return c.once(ctx, http.MethodGet, mediaURL, token, nil, "", func(resp *http.Response) error {
			data, contentType, err = c.readMedia(resp, mediaURL)
			return err
		})
	})
	return data, contentType, err
}

func (c *Client) readMedia(resp *http.Response, u string) ([]byte, string, error) {
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, "", decodeError(resp.StatusCode, resp.Header, http.MethodGet, b)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxMedia+1))
	if err != nil {
		return nil, "", newTransportError(http.MethodGet, u, err, true)
	}
	if int64(len(data)) > c.maxMedia {
		return nil, "", fmt.Errorf("whatsapp: media larger than %d bytes", c.maxMedia)
	}
	// Keep parameters: "audio/ogg; codecs=opus" says how to play it.
	return data, resp.Header.Get("Content-Type"), nil
}
