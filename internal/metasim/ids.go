package metasim

import (
	crand "crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
)

// idGen makes ids cheaply: a per-process random base plus an atomic counter,
// so the send path never takes a lock or reads the OS entropy pool.
type idGen struct {
	numBase uint64 // 15-digit Graph object ids start here
	seq     atomic.Uint64
	salt    [6]byte
}

func newIDGen() *idGen {
	g := &idGen{numBase: 100_000_000_000_000 + rand.Uint64N(800_000_000_000_000)}
	_, _ = crand.Read(g.salt[:])
	return g
}

// object returns a new Graph-style numeric id ("109876543210987").
func (g *idGen) object() string {
	return strconv.FormatUint(g.numBase+g.seq.Add(1)*7, 10)
}

// wamid returns a message id in Meta's style: "wamid." followed by a
// base64 blob that embeds the recipient, as Meta's do.
func (g *idGen) wamid(waID string) string {
	n := g.seq.Add(1)
	buf := make([]byte, 0, 48)
	buf = append(buf, 0x18, byte(len(waID)))
	buf = append(buf, waID...)
	buf = append(buf, 0x15, 0x02, 0x00, 0x11, 0x18, 0x12)
	buf = append(buf, g.salt[:]...)
	buf = strconv.AppendUint(buf, n, 16)
	return "wamid.HB" + base64.StdEncoding.EncodeToString(buf)
}

// trace returns an fbtrace_id-like token.
func (g *idGen) trace() string {
	var b [9]byte
	v := rand.Uint64()
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
	b[8] = byte(g.seq.Load())
	return "A" + base64.RawURLEncoding.EncodeToString(b[:])
}

// secret returns n random bytes hex-encoded, for tokens and app secrets.
func secret(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// token returns an access token in Meta's style ("EAAG...").
func token() string { return "EAAG" + secret(40) }

// sixDigits returns a verification code or similar.
func sixDigits() string {
	return strconv.Itoa(100000 + rand.IntN(900000))
}
