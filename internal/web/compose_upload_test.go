package web

import (
	"strings"
	"testing"
)

// The composer offers what the API takes, with WhatsApp's limits, derived
// from the domain's rules.
func TestComposerUploads(t *testing.T) {
	got := map[string]uploadKind{}
	for _, k := range composerUploads {
		got[k.Kind] = k
	}
	for kind, want := range map[string]struct{ size, label, mime string }{
		"image":    {"5 MB", "JPG, JPEG, PNG", "image/png"},
		"audio":    {"16 MB", "MP3, M4A, AAC, AMR, OGG, OPUS", "audio/ogg"},
		"video":    {"16 MB", "MP4, 3GP", "video/mp4"},
		"document": {"100 MB", "PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, TXT", "application/pdf"},
	} {
		k := got[kind]
		if k.Size() != want.size || k.Label() != want.label || !strings.Contains(strings.Join(k.Types, ","), want.mime) {
			t.Errorf("%s: %s %q %v, want %s %q with %s", kind, k.Size(), k.Label(), k.Types, want.size, want.label, want.mime)
		}
	}
	if len(composerUploads) != 4 || strings.Contains(composerUploads.Accept(), "webp") {
		t.Errorf("composer offers %s", composerUploads.Accept())
	}
}
