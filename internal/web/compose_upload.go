package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// The composer's files: which ones it offers and how large each kind may
// be, shown before the agent picks one and checked in the browser before
// uploading. Both come from the domain's own rules (conversa.MediaType,
// MediaKindOf and CheckMedia, which the API applies), so the form can't
// promise what the API refuses; this file only lists the extensions worth
// offering. Stickers are left out: agents send pictures, not stickers.

var composerExtensions = []string{".jpg", ".jpeg", ".png", ".mp3", ".m4a", ".aac", ".amr", ".ogg", ".opus",
	".mp4", ".3gp", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt"}

// uploadKind is one kind of file the composer sends.
type uploadKind struct {
	Kind  string   `json:"kind"`
	Max   int64    `json:"max"`   // bytes
	Types []string `json:"types"` // MIME types
	Exts  []string `json:"exts"`
}

// Label is the kind's extensions for people: "JPG, JPEG, PNG".
func (k uploadKind) Label() string {
	return strings.ToUpper(strings.ReplaceAll(strings.Join(k.Exts, ", "), ".", ""))
}

// Size is the limit as people read it: "5 MB".
func (k uploadKind) Size() string {
	if k.Max%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", k.Max>>20)
	}
	return fmt.Sprintf("%d KB", k.Max>>10)
}

// uploadRules are the composer's kinds, in the order the hint lists them.
type uploadRules []uploadKind

var composerUploads = deriveUploads(composerExtensions)

func deriveUploads(exts []string) uploadRules {
	var out uploadRules
	for _, kind := range []conversa.MediaKind{conversa.MediaImage, conversa.MediaAudio, conversa.MediaVideo, conversa.MediaDocument} {
		k := uploadKind{Kind: string(kind)}
		for _, ext := range exts {
			mime := conversa.MediaType("", "file"+ext)
			if got, ok := conversa.MediaKindOf(mime); ok && got == kind {
				k.Exts = append(k.Exts, ext)
				if !slices.Contains(k.Types, mime) {
					k.Types = append(k.Types, mime)
				}
			}
		}
		if len(k.Types) > 0 {
			k.Max = largestAccepted(kind, k.Types[0])
			out = append(out, k)
		}
	}
	return out
}

// largestAccepted finds the kind's size limit by asking CheckMedia (a
// binary search: the domain keeps its table to itself).
func largestAccepted(kind conversa.MediaKind, mime string) int64 {
	lo, hi := int64(0), int64(conversa.MaxMediaBytes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if conversa.CheckMedia(kind, mime, mid, nil) == nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// Accept is the file input's accept attribute.
func (r uploadRules) Accept() string {
	var parts []string
	for _, k := range r {
		parts = append(parts, k.Types...)
		parts = append(parts, k.Exts...)
	}
	return strings.Join(parts, ",")
}

// JSON is the rules for app.js's checks before uploading.
func (r uploadRules) JSON() string {
	b, _ := json.Marshal(r)
	return string(b)
}
