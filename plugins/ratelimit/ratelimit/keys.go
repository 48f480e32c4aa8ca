package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
)

// ipKey is the limit key of an address: IPv4 as is, IPv6 by its prefix
// (a /64 by default: one subscriber usually holds a whole /64).
func (s *Stage) ipKey(a netip.Addr) string {
	if a.Is6() && s.cfg.ipv6Prefix < 128 {
		p, _ := a.Prefix(s.cfg.ipv6Prefix)
		return p.String()
	}
	return a.String()
}

// keyPart turns a client-supplied value into a safe, bounded key part:
// short printable values are kept (readable in Redis), others hashed.
func keyPart(v string) string {
	if len(v) <= 64 {
		printable := true
		for i := 0; i < len(v); i++ {
			if v[i] <= ' ' || v[i] > '~' {
				printable = false
				break
			}
		}
		if printable {
			return "=" + v
		}
	}
	sum := sha256.Sum256([]byte(v))
	return "#" + hex.EncodeToString(sum[:16])
}
