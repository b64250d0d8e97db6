package classify

import (
	"math/rand/v2"
	"net/url"
	"testing"
)

// TestURLHostname checks the quick path of urlHostname against url.Parse:
// the same host, and the same failures, on URLs of certificates and on
// strings made of the characters that change how a URL parses.
func TestURLHostname(t *testing.T) {
	t.Parallel()
	inputs := []string{
		"http://r11.o.lencr.org", "http://r11.c.lencr.org/12.crl", "http://r11.i.lencr.org/",
		"HTTP://OCSP.Example.COM/x", "https://ocsp.example.com:8080/", "http://user@ocsp.example.com/",
		"http://[2001:db8::1]/ocsp", "http://[2001:db8::1]:80/", "http://ocsp.example.com?x=1", "http:///path",
		"http://", "https://", "http://ex%41mple.com/", "http://ex ample.com/", "http://example.com/%zz",
		"http://example.com/a b", "ldap://ldap.example.com/cn=CA", "ocsp.example.com", "", "http://exa\x7fmple.com/",
		"http://a_b.example.com/~x/", "http://example.com#frag", "http://example..com//x", "http://-x-.example/",
	}
	// Random URLs over an alphabet that has every character the quick path
	// looks at, and some it sends to url.Parse.
	const alphabet = "aZ09-._~/:@?#%[] \x00\x7f\xc3\xa9"
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := []byte([]string{"http://", "https://", "HTTP://", "ftp://", ""}[r.IntN(5)])
		for range r.IntN(24) {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		got, ok := urlHostname(s)
		u, err := url.Parse(s)
		want, wantOK := "", err == nil
		if wantOK {
			want = u.Hostname()
		}
		if got != want || ok != wantOK {
			t.Errorf("urlHostname(%q) = %q, %v; url.Parse gives %q, %v", s, got, ok, want, wantOK)
		}
	}
}
