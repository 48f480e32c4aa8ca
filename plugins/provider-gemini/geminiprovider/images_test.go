package geminiprovider

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// tinyPNG is a real 2×2 PNG.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tlsFetcher is a fetcher that trusts srv's certificate and lets allowed
// decide which addresses may be dialled.
func tlsFetcher(srv *httptest.Server, maxBytes int64, timeout time.Duration, allowed func(netip.AddrPort) bool) *imageFetcher {
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	return newImageFetcher(true, maxBytes, timeout, allowed, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
}

func allowAll(netip.AddrPort) bool { return true }

// loadImage loads one image as the only one of its request.
func loadImage(f *imageFetcher, raw string) (part, error) {
	budget := f.maxBytes
	return f.imagePart(context.Background(), raw, &budget)
}

func TestDataURLImagesBecomeInlineData(t *testing.T) {
	pngBytes := tinyPNG(t)
	b64 := base64.StdEncoding.EncodeToString(pngBytes)
	f := newImageFetcher(true, 1<<20, time.Second, publicAddress, nil)
	// The declared type is not trusted: the bytes are a PNG.
	p, err := loadImage(f, "data:image/jpeg;base64,"+b64)
	if err != nil {
		t.Fatal(err)
	}
	if p.InlineData == nil || p.InlineData.MimeType != "image/png" || p.InlineData.Data != b64 {
		t.Errorf("part %+v", p.InlineData)
	}
	// URL-safe base64 without padding is normalised for Gemini.
	raw := base64.RawURLEncoding.EncodeToString(pngBytes)
	if p, err := loadImage(f, "data:image/png;base64,"+raw); err != nil || p.InlineData.Data != b64 {
		t.Errorf("url-safe: %v %+v", err, p.InlineData)
	}
	bad := map[string]string{
		"data:image/png;base64,!!!!": "base64 data is invalid",
		"data:image/png,rawbytes":    "must be base64-encoded",
		"data:image/png;base64":      "no comma",
		"data:text/plain;base64," + base64.StdEncoding.EncodeToString([]byte("hello")): "not an image (it looks like text/plain",
		"data:image/png;base64,": "the image is empty",
		"data:image/png;base64," + base64.StdEncoding.EncodeToString(make([]byte, 2<<20)): "larger than 1048576 bytes",
		"http://example.com/cat.png": "only https image URLs",
		"ftp://example.com/cat.png":  "must be https:// or a data: URL",
	}
	for in, want := range bad {
		if _, err := loadImage(f, in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: %v, want %q", in, err, want)
		}
	}
	// image_max_bytes bounds all of a request's images together.
	budget := int64(len(pngBytes)*2 - 1)
	small := newImageFetcher(true, budget, time.Second, publicAddress, nil)
	if _, err := small.imagePart(context.Background(), "data:image/png;base64,"+b64, &budget); err != nil || budget != int64(len(pngBytes)-1) {
		t.Fatalf("first image: %v, budget left %d", err, budget)
	}
	if _, err := small.imagePart(context.Background(), "data:image/png;base64,"+b64, &budget); err == nil || !strings.Contains(err.Error(), "for the request's images") {
		t.Errorf("second image over the request's budget: %v", err)
	}
	// HEIC is not sniffed; the declared type is taken for it.
	heic := append([]byte{0, 0, 0, 0x18}, []byte("ftypheic\x00\x00\x00\x00")...)
	if p, err := loadImage(f, "data:image/heic;base64,"+base64.StdEncoding.EncodeToString(heic)); err != nil || p.InlineData.MimeType != "image/heic" {
		t.Errorf("heic: %v %+v", err, p)
	}
}

func TestImagePartsReachTheRequest(t *testing.T) {
	rp := newReplay(t, reply{file: "generate_success.json"})
	p := providerFor(t, rp.srv.URL)
	b64 := base64.StdEncoding.EncodeToString(tinyPNG(t))
	req := chatRequest()
	req.Request.Messages = []*sdk.Message{{Role: "user", Content: "What is this?", Parts: []*sdk.ContentPart{
		{Type: "text", Text: "What is this?"},
		{Type: "image_url", ImageUrl: "data:image/png;base64," + b64, ImageDetail: "low"},
	}}}
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Contents json.RawMessage `json:"contents"`
	}
	_ = json.Unmarshal(rp.last().body, &body)
	sameJSON(t, "contents", body.Contents, []byte(`[{"role":"user","parts":[{"text":"What is this?"},{"inlineData":{"mimeType":"image/png","data":"`+b64+`"}}]}]`))

	// A bad image is the caller's 400, naming the part; nothing is sent.
	calls := len(rp.got)
	req.Request.Messages[0].Parts[1].ImageUrl = "data:image/png;base64,@@@"
	_, err := p.Complete(context.Background(), req)
	if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest || !strings.Contains(pe.Message, "messages[0].content[1]: the data URL's base64 data is invalid") {
		t.Errorf("bad image: %v", pe)
	}
	if len(rp.got) != calls {
		t.Error("the upstream was called with a bad image")
	}
}

func TestImageFetch(t *testing.T) {
	pngBytes := tinyPNG(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/cat.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream") // sniffed, not trusted
		_, _ = w.Write(pngBytes)
	})
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png") // lies
		_, _ = w.Write([]byte("<html><body>not an image</body></html>"))
	})
	mux.HandleFunc("/big.png", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(append(pngBytes, make([]byte, 4096)...))
	})
	// The slow image answers nothing until the test ends — not until its
	// request's context ends, which the server may cancel early (a busy CI
	// run once saw an empty 200 from it instead of the client's timeout).
	stop := make(chan struct{})
	mux.HandleFunc("/slow.png", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/missing.png", http.NotFound)
	mux.HandleFunc("/to-http", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/cat.png", http.StatusFound)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: srv.Close waits for the handler

	f := tlsFetcher(srv, 1024, 300*time.Millisecond, allowAll)
	p, err := loadImage(f, srv.URL+"/cat.png")
	if err != nil || p.InlineData.MimeType != "image/png" || p.InlineData.Data != base64.StdEncoding.EncodeToString(pngBytes) {
		t.Fatalf("fetch: %v %+v", err, p.InlineData)
	}
	bad := map[string]string{
		"/page.html":   "not an image",
		"/big.png":     "larger than 1024 bytes",
		"/slow.png":    "took too long",
		"/missing.png": "HTTP 404",
		"/to-http":     "redirects too often or away from https",
	}
	for path, want := range bad {
		_, err := loadImage(f, srv.URL+path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
		if err != nil && strings.Contains(err.Error(), srv.URL) {
			t.Errorf("%s: the error names the URL: %v", path, err)
		}
	}

	off := newImageFetcher(false, 1024, time.Second, allowAll, nil)
	if _, err := loadImage(off, srv.URL+"/cat.png"); err == nil || !strings.Contains(err.Error(), "image_fetch = false") {
		t.Errorf("fetching disabled: %v", err)
	}
}

// TestImageFetchRefusesPrivateAddresses checks the guard where it acts: at
// dial time, on the resolved address, for the first request and for a
// redirect alike.
func TestImageFetchRefusesPrivateAddresses(t *testing.T) {
	pngBytes := tinyPNG(t)
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pngBytes) }))
	t.Cleanup(target.Close)
	var hits atomic.Int32
	inner := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write(pngBytes)
	}))
	inner.StartTLS()
	t.Cleanup(inner.Close)
	var redirects atomic.Int32
	redirector := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirects.Add(1)
		http.Redirect(w, r, inner.URL+"/secret.png", http.StatusFound)
	}))
	redirector.StartTLS()
	t.Cleanup(redirector.Close)

	// The production policy: loopback is refused.
	f := tlsFetcher(target, 1<<20, time.Second, publicAddress)
	_, err := loadImage(f, target.URL+"/cat.png")
	if err == nil || !strings.Contains(err.Error(), "not public") {
		t.Errorf("loopback: %v", err)
	}
	// "localhost" resolves to loopback: refused after resolution.
	_, err = loadImage(f, strings.Replace(target.URL, "127.0.0.1", "localhost", 1)+"/cat.png")
	if err == nil || !strings.Contains(err.Error(), "not public") {
		t.Errorf("localhost: %v", err)
	}

	// The redirector stands for a public host (allowed by its port); its
	// redirect to another loopback server is refused at dial time.
	redirPort := netip.MustParseAddrPort(redirector.Listener.Addr().String()).Port()
	policy := func(ap netip.AddrPort) bool { return ap.Port() == redirPort || publicAddress(ap) }
	f = tlsFetcher(target, 1<<20, time.Second, policy)
	_, err = loadImage(f, redirector.URL+"/cat.png")
	if err == nil || !strings.Contains(err.Error(), "not public") {
		t.Errorf("redirect to loopback: %v", err)
	}
	if redirects.Load() != 1 {
		t.Errorf("the redirector was asked %d times, want 1", redirects.Load())
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the private server was reached %d times", n)
	}
}

func TestPublicAddress(t *testing.T) {
	cases := map[string]bool{
		"8.8.8.8:443": true, "[2606:4700:4700::1111]:443": true, "142.250.185.78:443": true,
		"127.0.0.1:443": false, "127.8.9.1:80": false, "[::1]:443": false, "10.1.2.3:443": false, "172.16.0.1:443": false,
		"192.168.1.1:443": false, "169.254.169.254:80": false, "[fe80::1]:443": false, "[fc00::1]:443": false,
		"0.0.0.0:443": false, "[::]:443": false, "100.64.0.1:443": false, "[::ffff:127.0.0.1]:443": false,
		"[::ffff:169.254.169.254]:80": false, "224.0.0.1:443": false, "255.255.255.255:443": false, "[64:ff9b::a00:1]:443": false,
		"198.18.0.1:443": false,
	}
	for addr, want := range cases {
		if got := publicAddress(netip.MustParseAddrPort(addr)); got != want {
			t.Errorf("%s: public=%v, want %v", addr, got, want)
		}
	}
}

func TestImageConfig(t *testing.T) {
	p := newTestProvider(t, `{"api_key":"k","image_fetch":false,"image_max_bytes":1000,"image_fetch_timeout":"2s"}`)
	if p.images.enabled || p.images.maxBytes != 1000 || p.images.timeout != 2*time.Second || p.Info()["image_fetch"] != "false" {
		t.Errorf("knobs %+v", p.images)
	}
	for _, bad := range []string{`{"image_max_bytes":0}`, `{"image_fetch_timeout":"-1s"}`} {
		if _, err := New(sdk.Config{InstanceID: "g", Kind: sdk.KindProvider, Raw: []byte(bad)}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
