package conversa

import "testing"

// Meta's documented media limits, at and just over each edge.
func TestCheckMedia(t *testing.T) {
	animated := []byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02")
	static := []byte("RIFF\x00\x00\x00\x00WEBPVP8 \x0a\x00\x00\x00\x00")
	tests := []struct {
		kind MediaKind
		mime string
		size int64
		head []byte
		want string // error code; "" = accepted
	}{
		{MediaImage, "image/jpeg", 5 << 20, nil, ""},
		{MediaImage, "image/png", 5<<20 + 1, nil, ETOOLARGE},
		{MediaImage, "image/gif", 10, nil, EMEDIATYPE},
		{MediaImage, "image/webp", 10, nil, EMEDIATYPE}, // WebP goes as a sticker
		{MediaAudio, "audio/ogg", 16 << 20, nil, ""},
		{MediaAudio, "audio/mpeg", 16<<20 + 1, nil, ETOOLARGE},
		{MediaAudio, "audio/wav", 10, nil, EMEDIATYPE},
		{MediaVideo, "video/mp4", 16 << 20, nil, ""},
		{MediaVideo, "video/3gpp", 16<<20 + 1, nil, ETOOLARGE},
		{MediaVideo, "video/quicktime", 10, nil, EMEDIATYPE},
		{MediaDocument, "application/pdf", 100 << 20, nil, ""},
		{MediaDocument, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100<<20 + 1, nil, ETOOLARGE},
		{MediaDocument, "application/zip", 10, nil, EMEDIATYPE},
		{MediaSticker, "image/webp", 100 << 10, static, ""},
		{MediaSticker, "image/webp", 100<<10 + 1, static, ETOOLARGE},
		{MediaSticker, "image/webp", 500 << 10, animated, ""},
		{MediaSticker, "image/webp", 500<<10 + 1, animated, ETOOLARGE},
		{MediaSticker, "image/png", 10, nil, EMEDIATYPE},
		{"gif", "image/gif", 10, nil, EINVALID},
	}
	for _, tt := range tests {
		err := CheckMedia(tt.kind, tt.mime, tt.size, tt.head)
		if got := ErrorCode(err); (tt.want == "") != (err == nil) || err != nil && got != tt.want {
			t.Errorf("CheckMedia(%s, %s, %d) = %v, want %q", tt.kind, tt.mime, tt.size, err, tt.want)
		}
	}
	err := CheckMedia(MediaImage, "image/png", 6<<20, nil)
	if e := err.(*Error); e.Message != "The file has 6 MB; WhatsApp takes image files of up to 5 MB." || e.PT == "" {
		t.Errorf("message = %q / %q", e.Message, e.PT)
	}
}

func TestMediaTypeAndKind(t *testing.T) {
	tests := []struct {
		declared, filename, mime string
		kind                     MediaKind
	}{
		{"image/PNG", "x.png", "image/png", MediaImage},
		{"audio/ogg; codecs=opus", "voz.ogg", "audio/ogg", MediaAudio},
		{"application/octet-stream", "Contrato.PDF", "application/pdf", MediaDocument},
		{"", "planilha.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", MediaDocument},
		{"", "figurinha.webp", "image/webp", MediaSticker},
		{"", "clip.3gp", "video/3gpp", MediaVideo},
	}
	for _, tt := range tests {
		mime := MediaType(tt.declared, tt.filename)
		kind, ok := MediaKindOf(mime)
		if mime != tt.mime || kind != tt.kind || !ok {
			t.Errorf("%q %q: %q %q %v, want %q %q", tt.declared, tt.filename, mime, kind, ok, tt.mime, tt.kind)
		}
	}
	if _, ok := MediaKindOf(MediaType("", "setup.exe")); ok {
		t.Error("an .exe has a media kind")
	}
}
