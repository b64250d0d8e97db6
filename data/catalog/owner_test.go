package catalog

import (
	"errors"

	"github.com/google/go-cmp/cmp"
	"strings"
	"testing"
	"testing/fstest"
)

// ownersCatalog: acme runs DNS, a CDN and hosting; its corporate domains
// count on the CDN (web_layer), its storage domain is the hosting
// product's; beta has two DNS products and no web product.
const ownersCatalog = `{"version":"2026.01.02-1",
 "companies":[
  {"id":"acme","name":"Acme","aliases":["ACME Corp"],"domains":["acme.example","acme.test"],"web_layer":"cdn","sources":["https://acme.example/"]},
  {"id":"beta","name":"Beta","domains":["beta.example"],"sources":["https://beta.example/"]},
  {"id":"delta","name":"Delta","domains":["delta.example"],"sources":["https://delta.example/"]}],
 "providers":[
  {"id":"acme-dns","company":"acme","service":"dns","name":"Acme DNS","layers":["dns"],"ns_suffixes":["ns.acme.example"],"sources":["https://acme.example/dns"]},
  {"id":"acme-cdn","company":"acme","service":"cdn","name":"Acme CDN","layers":["cdn"],"cname_suffixes":["cdn.acme.example"],"sources":["https://acme.example/cdn"]},
  {"id":"acme-store","company":"acme","service":"store","name":"Acme Store","layers":["hosting"],"domains":["acmestore.example"],"sources":["https://acme.example/store"]},
  {"id":"beta-one","company":"beta","service":"one","name":"Beta One","layers":["dns"],"ns_suffixes":["one.beta.example"],"domains":["betaone.example"],"sources":["https://beta.example/1"]},
  {"id":"beta-two","company":"beta","service":"two","name":"Beta Two","layers":["dns"],"ns_suffixes":["two.beta.example"],"sources":["https://beta.example/2"]},
  {"id":"delta-dns","company":"delta","service":"dns","name":"Delta DNS","layers":["dns"],"ns_suffixes":["ns.delta.example"],"sources":["https://delta.example/dns"]},
  {"id":"delta-premium","company":"delta","service":"premium","name":"Delta Premium DNS","layers":["dns"],"ns_suffixes":["premium.delta.example"],"sources":["https://delta.example/p"]},
  {"id":"gamma-mail","company":"gamma","service":"mail","name":"Gamma Mail","layers":["email"],"mx_suffixes":["mx.gamma.example"],"sources":["https://gamma.example/"]}]}`

func TestOwnerResolve(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(ownersCatalog))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		host  string
		layer Layer
		want  string // provider id, "company:<id>" for a company without one product there, "" for no owner
	}{
		{"company domain on dns: its one dns product", "ns1.acme.example", LayerDNS, "acme-dns"},
		{"other TLD of the company", "ns7.acme.test", LayerDNS, "acme-dns"},
		{"company domain on the web: web_layer cdn", "x.acme.example", LayerCDN, "acme-cdn"},
		{"company domain asked on hosting: its one hosting product", "x.acme.example", LayerHosting, "acme-store"},
		{"product domain on its layer", "bucket.acmestore.example", LayerHosting, "acme-store"},
		{"product domain on another layer falls to the company", "ns.acmestore.example", LayerDNS, "acme-dns"},
		{"company with two dns products", "ns.beta.example", LayerDNS, "company:beta"},
		{"company with two dns products, one named after the layer", "x.delta.example", LayerDNS, "delta-dns"},
		{"product domain picks the product among several", "a.betaone.example", LayerDNS, "beta-one"},
		{"company without an email product", "mx.acme.example", LayerEmail, "company:acme"},
		{"whole labels only", "ns.notacme.example", LayerDNS, ""},
		{"case and trailing dot", "NS1.ACME.EXAMPLE.", LayerDNS, "acme-dns"},
		{"the domain itself", "acme.example", LayerDNS, "acme-dns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, ok := c.MatchDomain(tt.host)
			got := ""
			if ok {
				if p := c.Resolve(o, tt.layer); p != nil {
					got = p.ID
				} else {
					got = "company:" + o.Company.ID
				}
			}
			if got != tt.want {
				t.Errorf("%s on %s: got %q, want %q", tt.host, tt.layer, got, tt.want)
			}
		})
	}
	if got := c.CompanyWebLayer("acme"); got != LayerCDN {
		t.Errorf("acme web layer %q, want cdn (declared)", got)
	}
	if got := c.CompanyWebLayer("beta"); got != LayerHosting {
		t.Errorf("beta web layer %q, want hosting (no web product)", got)
	}
	co, ok := c.Company("gamma")
	if !ok || !co.Implicit || co.Name != "gamma" {
		t.Errorf("undeclared company gamma: %+v, %v; want an implicit entry", co, ok)
	}
	if co, _ := c.Company("acme"); co.Implicit || co.Name != "Acme" || len(co.Aliases) != 1 {
		t.Errorf("declared company acme: %+v", co)
	}
}

func TestParseFS(t *testing.T) {
	t.Parallel()
	main := `{"version":"2026.01.02-1","companies":[{"id":"acme","name":"Acme","sources":["https://acme.example/"]}],"providers":[` + provider("acme-dns", nil) + `]}`
	frag := func(providers ...string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"providers":[` + strings.Join(providers, ",") + `]}`)}
	}
	tests := []struct {
		name    string
		fs      fstest.MapFS
		wantErr string
		want    int
	}{
		{"main only", fstest.MapFS{"catalog.json": {Data: []byte(main)}}, "", 1},
		{"two fragments", fstest.MapFS{
			"catalog.json":          {Data: []byte(main)},
			"catalog.d/a.json":      frag(provider("beta-dns", nil)),
			"catalog.d/b.json":      frag(provider("gamma-dns", nil)),
			"catalog.d/README.md":   {Data: []byte("not a fragment")},
			"catalog.d/sub/c.json":  frag(provider("delta-dns", nil)),
			"elsewhere/other.json":  frag(provider("eps-dns", nil)),
			"catalog.d/notes.jsonx": {Data: []byte("{")},
		}, "", 3},
		{"suffix claimed in two files", fstest.MapFS{
			"catalog.json":     {Data: []byte(main)},
			"catalog.d/a.json": frag(provider("beta-dns", map[string]any{"ns_suffixes": `["ns.acme.example"]`})),
		}, `already claimed by "acme-dns"`, 0},
		{"fragment with a version", fstest.MapFS{
			"catalog.json":     {Data: []byte(main)},
			"catalog.d/a.json": {Data: []byte(`{"version":"2026.01.02-2","providers":[]}`)},
		}, "catalog.d/a.json: a fragment has no version", 0},
		{"fragment not json", fstest.MapFS{
			"catalog.json":     {Data: []byte(main)},
			"catalog.d/a.json": {Data: []byte(`{"providers":[`)},
		}, "catalog.d/a.json: unexpected EOF", 0},
		{"company declared in two files is merged", fstest.MapFS{
			"catalog.json":     {Data: []byte(main)},
			"catalog.d/a.json": {Data: []byte(`{"companies":[{"id":"acme","name":"Acme Corp","domains":["acme.example"],"sources":["https://acme.example/"]}],"providers":[]}`)},
			"catalog.d/b.json": {Data: []byte(`{"companies":[{"id":"acme","name":"Acme","domains":["acme.example","acme.test"],"sources":["https://acme.example/b"]}],"providers":[]}`)},
		}, "", 1},
		{"company declared twice in one file", fstest.MapFS{
			"catalog.json":     {Data: []byte(main)},
			"catalog.d/a.json": {Data: []byte(`{"companies":[{"id":"beta","name":"Beta","sources":["https://beta.example/"]},{"id":"beta","name":"Beta","sources":["https://beta.example/"]}],"providers":[]}`)},
		}, `company "beta": declared twice`, 0},
		{"company with two web layers", fstest.MapFS{
			"catalog.json":     {Data: []byte(main)},
			"catalog.d/a.json": {Data: []byte(`{"companies":[{"id":"acme","name":"Acme","web_layer":"cdn","sources":["https://acme.example/"]}],"providers":[]}`)},
			"catalog.d/b.json": {Data: []byte(`{"companies":[{"id":"acme","name":"Acme","web_layer":"hosting","sources":["https://acme.example/"]}],"providers":[]}`)},
		}, `web_layer "hosting" in catalog.d/b.json`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseFS(tt.fs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(c.Providers()); n != tt.want {
				t.Errorf("%d providers, want %d", n, tt.want)
			}
			if co, ok := c.Company("acme"); ok && strings.HasPrefix(tt.name, "company declared in two files") {
				want := &Company{ID: "acme", Name: "Acme", Aliases: []string{"Acme Corp"}, Domains: []string{"acme.example", "acme.test"},
					Sources: []string{"https://acme.example/", "https://acme.example/b"}}
				if diff := cmp.Diff(want, co); diff != "" {
					t.Errorf("merged company (-want +got):\n%s", diff)
				}
				if o, ok := c.MatchDomain("ns.acme.test"); !ok || o.Company != co {
					t.Errorf("domain of the second declaration not owned by the merged company: %+v %v", o, ok)
				}
			}
		})
	}
}

func TestICANNRegistrable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ns1.example.com":           "example.com",
		"NS1.Example.CO.UK.":        "example.co.uk",
		"example.com":               "example.com",
		"d111.cloudfront.net":       "cloudfront.net", // cloudfront.net is a private-section suffix
		"shop.myshopify.com":        "myshopify.com",
		"x.y.herokuapp.com":         "herokuapp.com",
		"foo.blogspot.co.uk":        "blogspot.co.uk",
		"kinghost.net":              "kinghost.net",
		"com":                       "",
		"co.uk":                     "",
		"":                          "",
		"a..b.com":                  "",
		"ns1.example.unknowntld":    "example.unknowntld",
		"<script>.evil.example.org": "example.org",
	} {
		if got := ICANNRegistrable(in); got != want {
			t.Errorf("ICANNRegistrable(%q) = %q, want %q", in, got, want)
		}
	}
}
