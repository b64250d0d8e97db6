package domains

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// nameOfLen returns a valid name of exactly n characters ending in ".com",
// made of labels of at most 63 characters.
func nameOfLen(t *testing.T, n int) string {
	t.Helper()
	const tld = ".com"
	var b strings.Builder
	for rest := n - len(tld); rest > 0; {
		l := min(rest, maxLabelLen)
		if rest-l == 1 { // a lone dot would be left: shorten this label
			l--
		}
		if b.Len() > 0 {
			b.WriteByte('.')
			rest--
			l = min(l, rest)
		}
		b.WriteString(strings.Repeat("a", l))
		rest -= l
	}
	b.WriteString(tld)
	if b.Len() != n {
		t.Fatalf("nameOfLen(%d) built a name of %d characters", n, b.Len())
	}
	return b.String()
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	label63 := strings.Repeat("a", 63)
	tests := []struct {
		name string
		in   string
		want string
		// reason is a piece of the error text; it proves a rejection happens
		// for the rule the case is about. Empty when the name is valid.
		reason string
	}{
		{name: "plain", in: "example.com", want: "example.com"},
		{name: "spaces", in: " \texample.com \r\n", want: "example.com"},
		{name: "upper case", in: "EXAMPLE.Com", want: "example.com"},
		{name: "trailing dot", in: "example.com.", want: "example.com"},
		{name: "www kept", in: "www.example.com", want: "www.example.com"},
		{name: "underscore", in: "_dmarc.example.com", want: "_dmarc.example.com"},
		{name: "digits and hyphens", in: "a-1.b2.example.com", want: "a-1.b2.example.com"},
		{name: "under two-label suffix", in: "shop.example.co.uk", want: "shop.example.co.uk"},
		{name: "private suffix itself", in: "github.io", want: "github.io"},
		{name: "under private suffix", in: "user.github.io", want: "user.github.io"},
		{name: "unlisted TLD", in: "router.internal", want: "router.internal"},
		{name: "IDN", in: "bücher.de", want: "xn--bcher-kva.de"},
		{name: "IDN upper case and dot", in: "Münchën.DE.", want: "xn--mnchn-qsa9i.de"},
		{name: "IDN non-transitional sharp s", in: "straße.de", want: "xn--strae-oqa.de"},
		{name: "IDN ideographic full stop", in: "example。com", want: "example.com"},
		{name: "IDN full-width letters", in: "ＥＸＡＭＰＬＥ.com", want: "example.com"},
		{name: "punycode kept", in: "xn--bcher-kva.de", want: "xn--bcher-kva.de"},
		{name: "URL", in: "https://user@Example.com:443/path?q#f", want: "example.com"},
		{name: "URL user and password", in: "ftp://u:p@ftp.example.com/", want: "ftp.example.com"},
		{name: "URL scheme only", in: "http://example.com", want: "example.com"},
		{name: "URL upper-case scheme", in: "HTTPS://EXAMPLE.COM/", want: "example.com"},
		{name: "URL IDN", in: "https://bücher.de/katalog", want: "xn--bcher-kva.de"},
		{name: "path without scheme", in: "example.com/path/to", want: "example.com"},
		{name: "query without scheme", in: "example.com?x=1", want: "example.com"},
		{name: "fragment without scheme", in: "example.com#top", want: "example.com"},
		{name: "port without scheme", in: "example.com:8080", want: "example.com"},
		{name: "label of 63", in: label63 + ".com", want: label63 + ".com"},
		{name: "name of 253", in: nameOfLen(t, 253), want: nameOfLen(t, 253)},

		{name: "empty", in: "", reason: "empty name"},
		{name: "blank", in: " \t ", reason: "empty name"},
		{name: "root only", in: ".", reason: "empty name"},
		{name: "garbage with spaces", in: "not a domain", reason: "' ' not allowed"},
		{name: "leading and trailing hyphen", in: "-bad-.com", reason: `label "-bad-" begins or ends with '-'`},
		{name: "trailing hyphen", in: "bad-.com", reason: "begins or ends with '-'"},
		{name: "hyphens in third and fourth place", in: "ab--cd.com", reason: "idna"},
		{name: "bad punycode", in: "xn--zz.com", reason: "idna"},
		{name: "empty label", in: "a..b.com", reason: "empty label"},
		{name: "leading dot", in: ".example.com", reason: "empty label"},
		{name: "two trailing dots", in: "example.com..", reason: "empty label"},
		{name: "label of 64", in: label63 + "a.com", reason: "label longer than 63"},
		{name: "name of 254", in: nameOfLen(t, 254), reason: "longer than 253"},
		{name: "bare ICANN suffix", in: "co.uk", reason: "public suffix"},
		{name: "bare wildcard suffix", in: "anything.ck", reason: "public suffix"},
		{name: "bare TLD", in: "com", reason: "single label"},
		{name: "bare TLD with dot", in: "com.", reason: "single label"},
		{name: "single label", in: "localhost", reason: "single label"},
		{name: "IPv4", in: "1.2.3.4", reason: "IP address"},
		{name: "IPv4 with port", in: "1.2.3.4:80", reason: "IP address"},
		{name: "IPv4 in URL", in: "http://192.0.2.1/x", reason: "IP address"},
		{name: "IPv4 full width", in: "１９２.０.２.１", reason: "IP address"},
		{name: "IPv6 bracketed", in: "[::1]", reason: "IP address"},
		{name: "IPv6 in URL", in: "http://[2001:db8::1]:8080/", reason: "IP address"},
		{name: "IPv6 bare", in: "2001:db8::1", reason: "IP address"},
		{name: "numeric TLD", in: "example.123", reason: "top-level label"},
		{name: "underscore in TLD", in: "example.c_m", reason: "top-level label"},
		{name: "wildcard", in: "*.example.com", reason: "wildcard"},
		{name: "inner wildcard", in: "a.*.example.com", reason: "'*' not allowed"},
		{name: "e-mail address", in: "user@example.com", reason: "'@' not allowed"},
		{name: "bad port", in: "example.com:http", reason: "invalid port"},
		{name: "empty port", in: "example.com:", reason: "invalid port"},
		{name: "URL without host", in: "https:///path", reason: "empty name"},
		{name: "control character", in: "exa\x00mple.com", reason: "not allowed"},
		{name: "invalid UTF-8", in: "exa\xffmple.com", reason: "UTF-8"},
		{name: "replacement character", in: "exa\ufffdmple.com", reason: "idna"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalize(tt.in)
			if tt.reason == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Normalize(%q) = %q, want an error about %q", tt.in, got, tt.reason)
			}
			if !errors.Is(err, ErrInvalidName) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("Normalize(%q) error = %q, want ErrInvalidName about %q", tt.in, err, tt.reason)
			}
		})
	}
}

func TestRegistrable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "already registrable", in: "example.com", want: "example.com"},
		{name: "www", in: "www.example.com", want: "example.com"},
		{name: "deep", in: "a.b.c.example.com", want: "example.com"},
		{name: "two-label suffix", in: "www.example.co.uk", want: "example.co.uk"},
		{name: "DNS form", in: "NS1.Example.NET.", want: "example.net"},
		{name: "punycode", in: "www.xn--bcher-kva.de", want: "xn--bcher-kva.de"},
		{name: "private suffix itself", in: "github.io", want: "github.io"},
		{name: "under private suffix", in: "www.user.github.io", want: "user.github.io"},
		{name: "unlisted TLD", in: "host.router.internal", want: "router.internal"},
		{name: "wildcard rule exception", in: "www.ck", want: "www.ck"},
		{name: "ICANN suffix", in: "co.uk", wantErr: true},
		{name: "wildcard suffix", in: "foo.ck", wantErr: true},
		{name: "TLD", in: "com", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "empty label", in: "a..example.com", wantErr: true},
		{name: "leading dot", in: ".example.com", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Registrable(tt.in)
			if tt.wantErr {
				if err == nil || !errors.Is(err, ErrInvalidName) {
					t.Fatalf("Registrable(%q) = %q, %v; want an ErrInvalidName error", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Registrable(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func ExampleNormalize() {
	for _, s := range []string{"https://www.Bücher.DE/katalog?page=2", "example.com.", "co.uk"} {
		name, err := Normalize(s)
		fmt.Printf("%q %q %v\n", s, name, err)
	}
	// Output:
	// "https://www.Bücher.DE/katalog?page=2" "www.xn--bcher-kva.de" <nil>
	// "example.com." "example.com" <nil>
	// "co.uk" "" invalid domain name: "co.uk" is a public suffix, not a domain under one
}
