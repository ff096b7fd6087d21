package secrets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key, err := LoadKey("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	box, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal("EAAG-token", "channel:1:access_token")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "EAAG") {
		t.Fatal("plaintext visible in ciphertext")
	}
	again, _ := box.Seal("EAAG-token", "channel:1:access_token")
	if again == sealed {
		t.Error("same plaintext sealed twice gives the same ciphertext (nonce reuse)")
	}
	if got, err := box.Open(sealed, "channel:1:access_token"); err != nil || got != "EAAG-token" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := box.Open(sealed, "channel:2:access_token"); err == nil {
		t.Error("opened with another row's context")
	}
	other, _ := New(bytes.Repeat([]byte{7}, 32))
	if _, err := other.Open(sealed, "channel:1:access_token"); err == nil {
		t.Error("opened with another key")
	}
	if _, err := box.Open("v1:not-base64!", "x"); err == nil {
		t.Error("malformed input accepted")
	}
}

func TestLoadKeyPersistsAndHonoursConfig(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadKey("", dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := LoadKey("", dir)
	if !bytes.Equal(k1, k2) {
		t.Error("key file not reused")
	}
	info, err := os.Stat(filepath.Join(dir, keyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, %v", info.Mode(), err)
	}
	p1, _ := LoadKey("correct horse battery staple", dir)
	p2, _ := LoadKey("correct horse battery staple", t.TempDir())
	if !bytes.Equal(p1, p2) || bytes.Equal(p1, k1) {
		t.Error("configured passphrase must give the same key everywhere and override the file")
	}
}
