package clientaddr

import "testing"

func TestClientBehindTrustedProxies(t *testing.T) {
	ps, err := ParseProxies("trusted_proxies", []string{"10.0.0.0/8", "::ffff:192.168.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		peer    string
		headers map[string]string
		want    string
	}{
		{"203.0.113.1:5000", map[string]string{"x-forwarded-for": "1.2.3.4"}, "203.0.113.1"},                   // untrusted peer: its header is not believed
		{"10.0.0.1:5000", map[string]string{"x-forwarded-for": "1.2.3.4, 198.51.100.2"}, "198.51.100.2"},       // the right-most untrusted hop
		{"10.0.0.1:5000", map[string]string{"x-forwarded-for": "1.2.3.4, 10.0.0.2"}, "1.2.3.4"},                // through two trusted proxies
		{"10.0.0.1:5000", map[string]string{"forwarded": `for="[2001:db8::1]:80";proto=https`}, "2001:db8::1"}, // Forwarded wins
		{"192.168.0.1:5000", map[string]string{"x-forwarded-for": "bogus, 1.2.3.4"}, "1.2.3.4"},
		{"10.0.0.1:5000", map[string]string{"x-forwarded-for": "bogus"}, "10.0.0.1"}, // an unparsable hop stops the walk
	} {
		a, ok := ps.Client(c.peer, c.headers)
		if !ok || a.String() != c.want {
			t.Errorf("%s %v: %v %v, want %s", c.peer, c.headers, a, ok, c.want)
		}
	}
	if _, err := ParseProxies("trusted_proxies", []string{"10.0.0.0/8", "nope"}); err == nil {
		t.Fatal("a bad entry must be refused")
	}
}
