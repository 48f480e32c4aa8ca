package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
)

// clientAddr returns the client's address: the peer's, or — when the peer is
// a trusted proxy — the right-most address in Forwarded (or, without it,
// X-Forwarded-For) that is not a trusted proxy. Addresses left of that one
// were written by the client and are not believed. A hop that does not parse
// stops the walk at the last address known to be right.
func (s *Stage) clientAddr(peer string, headers map[string]string) (netip.Addr, bool) {
	addr, ok := parseAddr(peer)
	if !ok || !s.isTrusted(addr) {
		return addr, ok
	}
	var hops []string
	if f := headers["forwarded"]; f != "" {
		hops = forwardedFor(f)
	} else if x := headers["x-forwarded-for"]; x != "" {
		hops = strings.Split(x, ",")
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(hops[i])
		if !ok {
			return addr, true
		}
		addr = a
		if !s.isTrusted(a) {
			return a, true
		}
	}
	return addr, true
}

func (s *Stage) isTrusted(a netip.Addr) bool {
	for _, p := range s.cfg.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ipKey is the limit key of an address: IPv4 as is, IPv6 by its prefix
// (a /64 by default: one subscriber usually holds a whole /64).
func (s *Stage) ipKey(a netip.Addr) string {
	if a.Is6() && s.cfg.ipv6Prefix < 128 {
		p, _ := a.Prefix(s.cfg.ipv6Prefix)
		return p.String()
	}
	return a.String()
}

// parseAddr reads "1.2.3.4", "1.2.3.4:80", "::1", "[::1]:80" and the quoted
// forms of a Forwarded header; IPv4-mapped IPv6 becomes IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if s == "" {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.WithZone("").Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone("").Unmap(), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.WithZone("").Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// forwardedFor returns the for= value of each element of an RFC 7239
// Forwarded header, in order ("" for an element without one).
func forwardedFor(h string) []string {
	elems := strings.Split(h, ",")
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		v := ""
		for pair := range strings.SplitSeq(e, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
				v = strings.TrimSpace(val)
			}
		}
		out = append(out, v)
	}
	return out
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
