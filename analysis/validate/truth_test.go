package validate

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/domains"
)

func TestReadTruth(t *testing.T) {
	t.Parallel()
	in := "\uFEFF Domain ,LAYER,Provider,Service,Third_Party,notes\n" +
		"Example.COM.,DNS,Cloudflare,,yes,first\n" + // line 2
		"https://www.example.org/x,mail,Gmail,workspace,no\n" + // line 3: short record
		",,,,\n" + // line 4: blank
		"not a domain,dns,x,,\n" + // line 5
		"example.net,web,x,,\n" + // line 6
		"example.net,dns,x,,maybe\n" + // line 7
		"\"multi\nline.com\",dns,x,,\n" + // lines 8-9: invalid domain
		"example.net,hosting,,,\n" // line 10: no provider
	tr, err := ReadTruth(strings.NewReader(in), "labels.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Domain: "example.com", Layer: catalog.LayerDNS, Provider: "Cloudflare", ThirdParty: PartyThird},
		{Line: 3, Domain: "www.example.org", Layer: catalog.LayerEmail, Provider: "Gmail", Service: "workspace", ThirdParty: PartySelf},
		{Line: 10, Domain: "example.net", Layer: catalog.LayerHosting},
	}
	if diff := cmp.Diff(want, tr.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if !tr.HasService || !tr.HasThirdParty {
		t.Errorf("HasService=%v HasThirdParty=%v, want both", tr.HasService, tr.HasThirdParty)
	}
	var lines []int
	for _, b := range tr.Bad {
		lines = append(lines, b.Line)
	}
	if diff := cmp.Diff([]int{5, 6, 7, 8}, lines); diff != "" {
		t.Errorf("bad lines (-want +got):\n%s", diff)
	}
	if !errors.Is(tr.Bad[0], domains.ErrInvalidName) || !errors.Is(tr.Bad[1], ErrLayer) || !errors.Is(tr.Bad[2], ErrThirdParty) {
		t.Errorf("bad line errors: %v", tr.Bad)
	}
	if !strings.Contains(tr.Bad[1].Error(), "labels.csv:6") {
		t.Errorf("line error %q lacks the file and line", tr.Bad[1])
	}
	// Every record accounted for.
	if tr.Records != len(tr.Rows)+len(tr.Bad)+tr.Blank || tr.Records != 8 || tr.Blank != 1 {
		t.Errorf("records %d = rows %d + bad %d + blank %d, want 8 with 1 blank", tr.Records, len(tr.Rows), len(tr.Bad), tr.Blank)
	}
}

func TestReadTruthErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		err      error
		message  string
	}{
		{"empty", "", ErrNoColumn, "empty"},
		{"no provider column", "domain,layer,operator\nexample.com,dns,x\n", ErrNoColumn, "provider"},
		{"no domain or layer", "site,provider\n", ErrNoColumn, "domain, layer"},
		{"header only", "domain,layer,provider\n", ErrEmpty, "0 records"},
		{"only bad rows", "domain,layer,provider\nnope,dns,x\n", ErrEmpty, "1 rejected"},
		{"csv syntax", "domain,layer,provider\nexample.com,dns,\"x\n", nil, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadTruth(strings.NewReader(tt.in), "t.csv")
			if err == nil {
				t.Fatal("no error")
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("error %v, want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), "t.csv") {
				t.Errorf("error %q lacks %q or the file name", err, tt.message)
			}
		})
	}
}

// TestReadTruthProviderID reads the simulated internet's ground truth
// layout, whose provider column is provider_id.
func TestReadTruthProviderID(t *testing.T) {
	t.Parallel()
	in := "rank,domain,status,layer,provider_id\n1,a.com,ok,dns,amazon-route53\n1,a.com,ok,cdn,\n"
	tr, err := ReadTruth(strings.NewReader(in), "simnet-truth.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Rows) != 2 || tr.Rows[0].Provider != "amazon-route53" || tr.Rows[1].Provider != "" || tr.HasService {
		t.Errorf("rows %+v", tr.Rows)
	}
}

func FuzzReadTruth(f *testing.F) {
	f.Add("domain,layer,provider\nexample.com,dns,cloudflare\n")
	f.Add("domain,layer,provider,service,third_party\nexample.com,email,=cmd,x,no\n\"a\nb\",dns,\"\"\"\"\n")
	f.Add("\uFEFFDOMAIN,Layer,provider_id\n,,\n")
	cat := testCatalog(f)
	m := NewMatcher(cat)
	f.Fuzz(func(t *testing.T, in string) {
		tr, err := ReadTruth(strings.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		if tr.Records != len(tr.Rows)+len(tr.Bad)+tr.Blank {
			t.Fatalf("records %d != rows %d + bad %d + blank %d", tr.Records, len(tr.Rows), len(tr.Bad), tr.Blank)
		}
		for _, r := range tr.Rows {
			if d, err := domains.Normalize(r.Domain); err != nil || d != r.Domain {
				t.Fatalf("row domain %q not normalised", r.Domain)
			}
			if _, err := catalog.ParseLayer(string(r.Layer)); err != nil {
				t.Fatal(err)
			}
		}
		run := &Run{Domains: []Domain{{Name: "example.com", Status: "ok"}}, Deps: []Dep{{Domain: "example.com", Layer: catalog.LayerDNS, Provider: "cloudflare", Service: "dns", ThirdParty: true, Catalogued: true}}}
		rep := Validate(run, tr, m, Options{Top: 3})
		checkReport(t, rep)
	})
}

func FuzzMatch(f *testing.F) {
	for _, s := range []string{"AWS", "AS13335", "ns1.example-dns.net", "self", "", "=cmd", "amazon-x", "*.cloudfront.net"} {
		f.Add(s)
	}
	m := NewMatcher(testCatalog(f))
	f.Fuzz(func(t *testing.T, label string) {
		lb := m.Match(label, "example.com", catalog.LayerDNS)
		if _, err := ParseMatchKind(string(lb.Kind)); err != nil {
			t.Fatal(err)
		}
		if (lb.Kind == MatchNone) != (lb.Provider == "") {
			t.Fatalf("Match(%q) = %+v: a provider exactly when not none", label, lb)
		}
		if lb.Kind == MatchSelf && lb.Provider != SelfProvider {
			t.Fatalf("Match(%q) = %+v", label, lb)
		}
	})
}
