package inbox

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// MediaUpload is a file an agent sends in a conversation.
type MediaUpload struct {
	Kind     conversa.MediaKind // "" = by its type (conversa.MediaKindOf)
	MimeType string             // as conversa.MediaType resolved it
	Filename string
	Caption  string
	Data     []byte
}

// SendMedia sends a file in a conversation in one step, as the composer's
// attach button needs: the window and Meta's type and size limits are
// checked first, the file is uploaded to Meta (POST /{phone-number-id}/media)
// and kept under the data dir — the thread shows what the agent sent, and
// Meta's media ids expire after 30 days — and the message then goes like
// Send, referring to the media id. The same Idempotency-Key answers the
// first message without uploading again.
func (s *Service) SendMedia(ctx context.Context, by Sender, conversationID int64, up MediaUpload) (conversa.Message, error) {
	if m, done, err := s.replay(ctx, by, conversationID); done {
		return m, err
	}
	kind, err := checkUpload(up)
	if err != nil {
		return conversa.Message{}, err
	}
	media := whatsapp.Media{Caption: up.Caption}
	if kind == conversa.MediaDocument {
		media.Filename = filepath.Base(up.Filename)
	}
	probe := media
	probe.ID = "pending-upload" // Send's checks need some id
	o, err := mediaMessage(kind, &probe)
	if err != nil {
		return conversa.Message{}, err
	}
	ch, err := s.checkSendable(ctx, by.CompanyID, conversationID, o)
	if err != nil {
		return conversa.Message{}, err
	}
	if media.ID, err = s.upload(ctx, ch, up); err != nil {
		return conversa.Message{}, err
	}
	o, _ = mediaMessage(kind, &media)
	rel := filepath.Join("media", fmt.Sprint(by.CompanyID), "out-"+safeName.ReplaceAllString(media.ID, "_")+extension(up.MimeType))
	if err := writeFileAtomic(filepath.Join(s.dataDir, rel), up.Data); err != nil {
		return conversa.Message{}, err
	}
	m, err := s.Send(ctx, by, conversationID, o)
	if err != nil {
		_ = os.Remove(filepath.Join(s.dataDir, rel)) // nothing refers to it
		return m, err
	}
	if err := s.store.SetMessageMedia(ctx, by.CompanyID, m.ID, media.ID, up.MimeType, rel); err != nil {
		return m, err
	}
	m.MediaID, m.MediaMime, m.MediaPath = media.ID, up.MimeType, rel
	s.publishMessage(ctx, EventMessageStatus, m) // the thread can show the attachment now
	return m, nil
}

// safeName keeps Meta's media id usable as a file name whatever it holds.
var safeName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// checkUpload refuses what Meta would refuse and returns the kind the file
// goes as.
func checkUpload(up MediaUpload) (conversa.MediaKind, error) {
	if len(up.Data) == 0 {
		return "", invalid("The file is empty.", "O arquivo está vazio.")
	}
	kind := up.Kind
	if kind == "" {
		var ok bool
		if kind, ok = conversa.MediaKindOf(up.MimeType); !ok {
			return "", conversa.Errorf(conversa.EMEDIATYPE, "WhatsApp doesn't take %s files; send an image (JPEG, PNG), audio, video (MP4, 3GP) or a document (PDF, Office, text).", up.MimeType).
				Pt("O WhatsApp não aceita arquivos %s; envie uma imagem (JPEG, PNG), áudio, vídeo (MP4, 3GP) ou documento (PDF, Office, texto).", up.MimeType)
		}
	}
	return kind, conversa.CheckMedia(kind, up.MimeType, int64(len(up.Data)), up.Data[:min(len(up.Data), 64)])
}

// mediaMessage is the message carrying media as kind.
func mediaMessage(kind conversa.MediaKind, media *whatsapp.Media) (Outgoing, error) {
	o := Outgoing{Type: string(kind)}
	switch kind {
	case conversa.MediaImage:
		o.Image = media
	case conversa.MediaVideo:
		o.Video = media
	case conversa.MediaAudio:
		o.Audio = media
	case conversa.MediaDocument:
		o.Document = media
	default: // stickers: Outgoing (compose.go) has no sticker content yet
		return o, conversa.Errorf(conversa.EMEDIATYPE, "Stickers can't be sent from Conversa yet; send the picture as an image.").
			Pt("Ainda não é possível enviar figurinhas pelo Conversa; envie a imagem como foto.")
	}
	return o, nil
}

// checkSendable runs Send's checks (channel, window, content) on o before
// anything is uploaded, and returns the channel to upload for.
func (s *Service) checkSendable(ctx context.Context, companyID, conversationID int64, o Outgoing) (conversa.Channel, error) {
	conv, err := s.store.Conversation(ctx, companyID, conversationID)
	if err != nil {
		return conversa.Channel{}, err
	}
	contact, err := s.store.Contact(ctx, companyID, conv.ContactID)
	if err != nil {
		return conversa.Channel{}, err
	}
	ch, err := s.store.Channel(ctx, companyID, conv.ChannelID)
	if err != nil {
		return ch, err
	}
	if _, err := s.plan(ctx, ch, contact, conv.LastInboundAt, o); err != nil {
		return ch, err
	}
	if ch.WABA == nil {
		return ch, invalid("This channel is not a WhatsApp channel.", "Este canal não é do WhatsApp.")
	}
	return ch, nil
}

// upload sends the file to Meta for the channel's number.
func (s *Service) upload(ctx context.Context, ch conversa.Channel, up MediaUpload) (string, error) {
	name := filepath.Base(up.Filename)
	if name == "." || name == string(filepath.Separator) {
		name = "file" + extension(up.MimeType)
	}
	id, err := s.graph.UploadMedia(ctx, ch.WABA.AccessToken, ch.WABA.PhoneNumberID, name, up.MimeType, bytes.NewReader(up.Data))
	switch {
	case err == nil && id == "":
		return "", conversa.Errorf(conversa.EUPSTREAM, "WhatsApp accepted the file but gave no media id; try again.").
			Pt("O WhatsApp aceitou o arquivo mas não devolveu o id da mídia; tente de novo.")
	case whatsapp.IsAmbiguous(err):
		// Uploading again is harmless (an unused media id expires), so say so.
		return "", conversa.Errorf(conversa.EUNAVAILABLE, "The upload to WhatsApp did not finish; try again.").
			Pt("O envio do arquivo ao WhatsApp não terminou; tente de novo.")
	case err != nil:
		return "", whatsapp.ToConversa(err)
	}
	return id, nil
}
