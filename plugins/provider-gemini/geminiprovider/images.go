package geminiprovider

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Images: Gemini takes image bytes inline ({"inlineData":{mimeType,data}}).
// A data: URL is decoded and checked here; an https URL is fetched by the
// plugin, because Gemini's fileData.fileUri does not take arbitrary URLs.
// Fetching a URL a client chose is a server-side request forgery risk, so
// the fetcher only speaks https, refuses every address that is not public
// (checked on the resolved IP at dial time, so DNS tricks and redirects are
// caught too), bounds size and time, and accepts only what sniffs as an
// image.

// Defaults of the image knobs.
const (
	DefaultImageMaxBytes     = 20 << 20
	DefaultImageFetchTimeout = 10 * time.Second
	maxImageRedirects        = 5
)

// errPrivateAddress is the dial-time refusal of a non-public address.
var errPrivateAddress = errors.New("the address is not public")

// imageFetcher loads image_url parts.
type imageFetcher struct {
	enabled  bool // https URLs may be fetched
	maxBytes int64
	timeout  time.Duration
	client   *http.Client
}

// newImageFetcher builds the fetcher. allowed decides, at dial time, whether
// an "ip:port" may be connected to (publicAddress in production; tests
// widen it); tlsConf is nil in production.
func newImageFetcher(enabled bool, maxBytes int64, timeout time.Duration, allowed func(netip.AddrPort) bool, tlsConf *tls.Config) *imageFetcher {
	dialer := &net.Dialer{
		Timeout: timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !allowed(ap) {
				return errPrivateAddress
			}
			return nil
		},
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would hide the address the check must see
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxImageRedirects {
				return fmt.Errorf("more than %d redirects", maxImageRedirects)
			}
			if req.URL.Scheme != "https" {
				return errors.New("a redirect left https")
			}
			return nil
		},
	}
	return &imageFetcher{enabled: enabled, maxBytes: maxBytes, timeout: timeout, client: client}
}

// publicAddress reports whether an address is on the public internet: not
// loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with cloud
// metadata services, fe80::/10), shared (100.64/10), unspecified, multicast
// or reserved; IPv4-mapped IPv6 is checked as IPv4.
func publicAddress(ap netip.AddrPort) bool {
	a := ap.Addr().Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// nonPublic are the special-purpose ranges the netip predicates miss.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may embed a private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: may embed a private IPv4
}

// geminiImageTypes are the image types Gemini documents; others that sniff
// as images are still sent (the API decides), these are the ones a sniffer
// may not recognise (HEIC/HEIF), taken from the declared type then.
var geminiImageTypes = map[string]bool{"image/heic": true, "image/heif": true}

// imagePart loads one image_url part (a data: URL or an https URL) as an
// inlineData part. budget is what is left of image_max_bytes for the
// request's images (Gemini's 20 MB limit is on the whole request, and it
// bounds the memory one request can take); the image's size is taken from
// it. Its errors are the caller's (a 400 naming the part).
func (f *imageFetcher) imagePart(ctx context.Context, raw string, budget *int64) (part, error) {
	var (
		data     []byte
		declared string
		err      error
	)
	limit := min(f.maxBytes, *budget)
	switch {
	case strings.HasPrefix(strings.ToLower(raw), "data:"):
		data, declared, err = decodeDataURL(raw, limit)
	case strings.HasPrefix(strings.ToLower(raw), "https://"):
		data, declared, err = f.fetch(ctx, raw, limit)
	case strings.HasPrefix(strings.ToLower(raw), "http://"):
		err = errors.New("only https image URLs are fetched")
	default:
		err = errors.New("the image URL must be https:// or a data: URL")
	}
	if err != nil {
		return part{}, err
	}
	mime, err := imageType(data, declared)
	if err != nil {
		return part{}, err
	}
	*budget -= int64(len(data))
	return part{InlineData: &blob{MimeType: mime, Data: base64.StdEncoding.EncodeToString(data)}}, nil
}

// decodeDataURL decodes data:[<type>][;…];base64,<data> of at most limit
// bytes.
func decodeDataURL(raw string, limit int64) ([]byte, string, error) {
	meta, payload, ok := strings.Cut(raw[len("data:"):], ",")
	if !ok {
		return nil, "", errors.New("the data URL has no comma before its data")
	}
	params := strings.Split(meta, ";")
	if len(params) < 2 || !strings.EqualFold(strings.TrimSpace(params[len(params)-1]), "base64") {
		return nil, "", errors.New("the data URL must be base64-encoded (data:image/png;base64,…)")
	}
	if int64(base64.StdEncoding.DecodedLen(len(payload))) > limit+3 {
		return nil, "", tooLarge(limit)
	}
	payload = strings.TrimRight(strings.TrimSpace(payload), "=")
	data, err := base64.RawStdEncoding.DecodeString(payload)
	if err != nil {
		if data, err = base64.RawURLEncoding.DecodeString(payload); err != nil {
			return nil, "", errors.New("the data URL's base64 data is invalid")
		}
	}
	if int64(len(data)) > limit {
		return nil, "", tooLarge(limit)
	}
	return data, strings.ToLower(strings.TrimSpace(params[0])), nil
}

// tooLarge is the refusal of an image over the limit.
func tooLarge(limit int64) error {
	return fmt.Errorf("the image is larger than %d bytes (what is left of image_max_bytes for the request's images)", limit)
}

// fetch downloads an https image of at most limit bytes within the time
// limit.
func (f *imageFetcher) fetch(ctx context.Context, raw string, limit int64) ([]byte, string, error) {
	if !f.enabled {
		return nil, "", errors.New("image URLs are not fetched by this provider (image_fetch = false): send a data: URL")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", errors.New("the image URL is not a valid URL")
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", errors.New("the image URL is not a valid URL")
	}
	req.Header.Set("Accept", "image/*")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", fetchError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("fetching the image URL answered HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > limit {
		return nil, "", tooLarge(limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, "", fetchError(ctx, err)
	}
	if int64(len(data)) > limit {
		return nil, "", tooLarge(limit)
	}
	declared, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	return data, strings.ToLower(strings.TrimSpace(declared)), nil
}

// fetchError says why a fetch failed without Go's error text (which names
// the URL, possibly with credentials in it).
func fetchError(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, errPrivateAddress):
		return errors.New("the image URL leads to an address that is not public (loopback, private or link-local)")
	case ctx.Err() != nil || isTimeout(err):
		return errors.New("fetching the image URL took too long")
	case strings.Contains(err.Error(), "redirect"):
		return errors.New("the image URL redirects too often or away from https")
	}
	return errors.New("the image URL could not be fetched")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// imageType is the MIME type sent with the data: what the bytes sniff as,
// which must be an image (the declared type is not trusted), or a declared
// HEIC/HEIF, which the sniffer does not know.
func imageType(data []byte, declared string) (string, error) {
	if len(data) == 0 {
		return "", errors.New("the image is empty")
	}
	sniffed := http.DetectContentType(data)
	if strings.HasPrefix(sniffed, "image/") {
		return sniffed, nil
	}
	if sniffed == "application/octet-stream" && geminiImageTypes[declared] {
		return declared, nil
	}
	return "", fmt.Errorf("the data is not an image (it looks like %s)", sniffed)
}
