package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// uiSetup is llmgw-host with the dashboard open: a signed-in poller asks for
// what the page asks for (GET /ui/api/state every second, /ui/api/keys every
// five) for as long as the gateway runs, so the dashboard's cost on the
// request path shows against llmgw-host, measured in the same rounds.
func (e *env) uiSetup() (*Setup, error) {
	token := randomHex(16)
	s, err := e.startGateway("llmgw-host-ui", e.providerHCL(), "LLMGW_ADMIN_TOKEN="+token)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(s.URL)
	if err != nil {
		return nil, err
	}
	origin := "http://" + base.Host
	cookie, err := uiSignIn(origin, token)
	if err != nil {
		return nil, err
	}
	go pollDashboard(origin, cookie, s.Proc)
	s.Note = "llmgw-host with the dashboard open: GET /ui/api/state?window=5m every second, /ui/api/keys every 5 s"
	return s, nil
}

// uiSignIn signs in to the dashboard and returns its session cookie.
func uiSignIn(origin, token string) (*http.Cookie, error) {
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(origin+"/ui/login", url.Values{"token": {token}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "llmgw_ui" {
			return ck, nil
		}
	}
	return nil, fmt.Errorf("dashboard sign-in answered %d without a session", resp.StatusCode)
}

// pollDashboard polls as an open page does until the gateway exits.
func pollDashboard(origin string, cookie *http.Cookie, p *proc) {
	c := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) {
		req, _ := http.NewRequest(http.MethodGet, origin+path, nil)
		req.AddCookie(cookie)
		if resp, err := c.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	for i := 0; !p.exited(); i++ {
		get("/ui/api/state?window=5m")
		if i%5 == 0 {
			get("/ui/api/keys")
		}
		time.Sleep(time.Second)
	}
}
