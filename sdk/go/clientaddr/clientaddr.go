// Package clientaddr finds a request's client address behind trusted
// proxies: the peer's address, or — when the peer is a trusted proxy — the
// address that proxy (and the trusted ones before it) saw, from Forwarded or
// X-Forwarded-For. Stages that key anything by client address (the rate
// limiter, the virtual-keys failed-check limiter) share it, so they agree on
// who the client is.
package clientaddr

import (
	"fmt"
	"net/netip"
	"strings"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Proxies are the trusted proxies' prefixes.
type Proxies []netip.Prefix

// ParseProxies reads a config's list of IPs or CIDR prefixes (field is its
// name in the error, e.g. "trusted_proxies").
func ParseProxies(field string, list []string) (Proxies, error) {
	var out Proxies
	for i, p := range list {
		p = strings.TrimSpace(p)
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return nil, sdk.ConfigError("field %q: %q is not an IP address or CIDR prefix", fmt.Sprintf("%s[%d]", field, i), p)
			}
			pfx = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		if pfx.Addr().Is4In6() {
			pfx = netip.PrefixFrom(pfx.Addr().Unmap(), max(0, pfx.Bits()-96))
		}
		out = append(out, pfx.Masked())
	}
	return out, nil
}

// Contains reports whether a is a trusted proxy.
func (ps Proxies) Contains(a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns the client's address: the peer's, or — when the peer is a
// trusted proxy — the right-most address in Forwarded (or, without it,
// X-Forwarded-For; headers lower-cased) that is not a trusted proxy.
// Addresses left of that one were written by the client and are not
// believed. A hop that does not parse stops the walk at the last address
// known to be right. false when the peer's address does not parse.
func (ps Proxies) Client(peer string, headers map[string]string) (netip.Addr, bool) {
	addr, ok := Parse(peer)
	if !ok || !ps.Contains(addr) {
		return addr, ok
	}
	var hops []string
	if f := headers["forwarded"]; f != "" {
		hops = forwardedFor(f)
	} else if x := headers["x-forwarded-for"]; x != "" {
		hops = strings.Split(x, ",")
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := Parse(hops[i])
		if !ok {
			return addr, true
		}
		addr = a
		if !ps.Contains(a) {
			return a, true
		}
	}
	return addr, true
}

// Parse reads "1.2.3.4", "1.2.3.4:80", "::1", "[::1]:80" and the quoted
// forms of a Forwarded header; IPv4-mapped IPv6 becomes IPv4.
func Parse(s string) (netip.Addr, bool) {
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
