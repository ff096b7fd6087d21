package inbox

import (
	"context"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// mediaWorker fetches an inbound attachment with the channel's token and
// keeps it under the data dir: Meta's media URLs expire after minutes and
// the media id after 30 days, so an inbox that only linked to Meta would
// lose its attachments.
type mediaWorker struct {
	river.WorkerDefaults[MediaArgs]
	svc *Service
}

func (w *mediaWorker) Work(ctx context.Context, job *river.Job[MediaArgs]) error {
	return w.svc.downloadMedia(ctx, job.Args.CompanyID, job.Args.MessageID)
}

func (s *Service) downloadMedia(ctx context.Context, companyID, messageID int64) error {
	m, err := s.store.Message(ctx, companyID, messageID)
	if err != nil || m.MediaID == "" || m.MediaPath != "" {
		return ignoreNotFound(err) // gone, nothing to fetch, or done already
	}
	ch, err := s.messageChannel(ctx, m)
	if err != nil {
		return err
	}
	info, err := s.graph.GetMedia(ctx, ch.WABA.AccessToken, m.MediaID)
	if err != nil {
		return mediaErr(err)
	}
	data, ctype, err := s.graph.DownloadMedia(ctx, ch.WABA.AccessToken, info.URL)
	if err != nil {
		return mediaErr(err)
	}
	if m.MediaMime == "" {
		m.MediaMime = ctype
	}
	rel := filepath.Join("media", fmt.Sprint(companyID), fmt.Sprintf("%d%s", m.ID, extension(m.MediaMime)))
	if err := writeFileAtomic(filepath.Join(s.dataDir, rel), data); err != nil {
		return err
	}
	m.MediaPath = rel
	return s.store.SaveMessage(ctx, m)
}

// mediaErr stops retrying what can't succeed (an expired or unknown media
// id); everything else is retried by River with back-off.
func mediaErr(err error) error {
	if whatsapp.Permanent(err) {
		return river.JobCancel(err)
	}
	return err
}

// MediaFile opens a stored attachment of the company's message.
func (s *Service) MediaFile(ctx context.Context, a Actor, messageID int64) (path, mimeType string, err error) {
	m, err := s.store.Message(ctx, a.CompanyID, messageID)
	if err != nil {
		return "", "", err
	}
	if err := s.CanAct(ctx, a, m.ConversationID); err != nil {
		return "", "", err
	}
	if m.MediaPath == "" {
		return "", "", conversa.Errorf(conversa.ENOTFOUND, "This message has no stored media (yet).").
			Pt("Esta mensagem não tem mídia armazenada (ainda).")
	}
	return filepath.Join(s.dataDir, m.MediaPath), m.MediaMime, nil
}

func extension(mimeType string) string {
	base, _, _ := strings.Cut(mimeType, ";")
	if exts, _ := mime.ExtensionsByType(strings.TrimSpace(base)); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// writeFileAtomic never leaves a half-written file under the final name.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".part"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func ignoreNotFound(err error) error {
	if isNotFound(err) {
		return nil
	}
	return err
}
