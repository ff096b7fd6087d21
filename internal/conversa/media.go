package conversa

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// MediaKind is how a file is sent on WhatsApp: the message type.
type MediaKind string

const (
	MediaImage    MediaKind = "image"
	MediaAudio    MediaKind = "audio"
	MediaVideo    MediaKind = "video"
	MediaDocument MediaKind = "document"
	MediaSticker  MediaKind = "sticker"
)

// mediaRule is what Meta accepts for one kind: MIME types and the largest
// file. Source: Cloud API reference, "Supported media types" (the same
// table appears in Meta's partners' documentation).
type mediaRule struct {
	types []string
	max   int64 // bytes
}

// Static stickers are smaller than animated ones (100 KB vs 500 KB).
const (
	maxStaticSticker   = 100 << 10
	maxAnimatedSticker = 500 << 10
)

var mediaRules = map[MediaKind]mediaRule{
	MediaImage: {[]string{"image/jpeg", "image/png"}, 5 << 20},
	MediaAudio: {[]string{"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}, 16 << 20},
	MediaVideo: {[]string{"video/mp4", "video/3gpp", "video/3gp"}, 16 << 20},
	MediaDocument: {[]string{"text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel",
		"application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation"}, 100 << 20},
	MediaSticker: {[]string{"image/webp"}, maxAnimatedSticker},
}

// MaxMediaBytes is the largest file of any kind (a document).
const MaxMediaBytes = 100 << 20

// mediaExtensions names the MIME type of the extensions Meta lists, for
// files a browser sent as application/octet-stream. A table of our own,
// because the system's MIME database differs between machines.
var mediaExtensions = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
	".aac": "audio/aac", ".amr": "audio/amr", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".opus": "audio/ogg",
	".mp4": "video/mp4", ".3gp": "video/3gpp",
	".txt": "text/plain", ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
	".ppt":  "application/vnd.ms-powerpoint",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// MediaType is the MIME type of an uploaded file: the declared one without
// parameters ("audio/ogg; codecs=opus" is audio/ogg), else the one of its
// extension.
func MediaType(declared, filename string) string {
	base, _, _ := strings.Cut(declared, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	if base != "" && base != "application/octet-stream" {
		return base
	}
	if t, ok := mediaExtensions[strings.ToLower(path.Ext(filename))]; ok {
		return t
	}
	return base
}

// MediaKindOf is how a file of mimeType is sent when the agent doesn't say:
// JPEG and PNG as images, WebP as a sticker, and so on. ok is false for
// types WhatsApp doesn't take.
func MediaKindOf(mimeType string) (MediaKind, bool) {
	for _, k := range []MediaKind{MediaImage, MediaSticker, MediaAudio, MediaVideo, MediaDocument} {
		if slices.Contains(mediaRules[k].types, mimeType) {
			return k, true
		}
	}
	return "", false
}

// CheckMedia refuses, before anything is uploaded, a file Meta would
// refuse: a type the kind doesn't take (unsupported_media) or a file over
// the kind's size (too_large). head is the file's first bytes (a WebP
// sticker's limit depends on whether it is animated).
func CheckMedia(kind MediaKind, mimeType string, size int64, head []byte) error {
	rule, ok := mediaRules[kind]
	if !ok {
		return Errorf(EINVALID, "A file is sent as image, audio, video, document or sticker, not %q.", kind).
			Pt("Um arquivo é enviado como image, audio, video, document ou sticker, não %q.", kind)
	}
	if !slices.Contains(rule.types, mimeType) {
		return Errorf(EMEDIATYPE, "WhatsApp doesn't take %s files as %s; it takes %s.", orUnknown(mimeType), kind, strings.Join(rule.types, ", ")).
			Pt("O WhatsApp não aceita arquivos %s como %s; aceita %s.", orUnknown(mimeType), kind, strings.Join(rule.types, ", "))
	}
	limit := rule.max
	if kind == MediaSticker && !WebPAnimated(head) {
		limit = maxStaticSticker
	}
	if size > limit {
		return Errorf(ETOOLARGE, "The file has %s; WhatsApp takes %s files of up to %s.", byteSize(size), kind, byteSize(limit)).
			Pt("O arquivo tem %s; o WhatsApp aceita arquivos %s de até %s.", byteSize(size), kind, byteSize(limit))
	}
	return nil
}

// WebPAnimated reports whether a WebP file (its first 21 bytes suffice) is
// animated: an extended ("VP8X") header with the animation flag.
func WebPAnimated(head []byte) bool {
	return len(head) >= 21 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WEBP" &&
		string(head[12:16]) == "VP8X" && head[20]&0x02 != 0
}

func orUnknown(mimeType string) string {
	if mimeType == "" {
		return "unknown"
	}
	return mimeType
}

// byteSize writes n as people read file sizes (KB and MB of 1,024).
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
