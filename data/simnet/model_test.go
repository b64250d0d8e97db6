package simnet

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

func TestTablesSumTo10000(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		total int
	}{
		{"status", statusTable.total()},
		{"web", webTable().total()},
		{"origins general", originsGeneral.total()},
		{"origins aws", originsAWS.total()},
		{"origins azure", originsAzure.total()},
		{"dns", dnsTable.total()},
		{"secondary dns", secondaryTable.total()},
		{"email", emailTable.total()},
		{"tld", tldTable().total()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.total != 10000 {
				t.Errorf("weights sum to %d, want 10000", tt.total)
			}
		})
	}
}

// uncatBucket is the key under which the shares of operators the catalog
// does not know are compared, all together: their individual shares
// follow Zipf tables and, for ISPs, the TLD mix.
const uncatBucket = "(uncatalogued)"

// bucket returns the share key of truth id: the id itself, or uncatBucket.
func bucket(id string) string {
	if Uncatalogued(id) {
		return uncatBucket
	}
	return id
}

// buckets returns the distinct share keys of ids.
func buckets(ids []string) []string {
	var out []string
	for _, id := range ids {
		if b := bucket(id); !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// modelDNSID returns the truth id of DNS operator kind k as its share is
// compared: a catalog id or self, uncatBucket for operators the catalog
// does not know, and for dnsCorp the ids of its sets with their weights.
func modelDNSID(in *Internet, k dnsKind) map[string]float64 {
	switch k {
	case dnsISP, dnsHostCo, dnsGen:
		return map[string]float64{uncatBucket: 1}
	case dnsVanityCF:
		return map[string]float64{pCloudflareDNS: 1}
	case dnsVanityR53:
		return map[string]float64{pRoute53: 1}
	case dnsVanityNS1:
		return map[string]float64{pNS1: 1}
	case dnsCorp:
		m := map[string]float64{}
		for _, c := range in.w.corp {
			m[c.id] += 1 / float64(len(in.w.corp))
		}
		return m
	}
	return map[string]float64{in.w.dns[k].id: 1}
}

// expectedShares computes, from the model tables alone, the probability
// that a domain that resolves has each provider on each layer (operators
// the catalog does not know together, as uncatBucket).
func expectedShares(t *testing.T) map[catalog.Layer]map[string]float64 {
	t.Helper()
	exp := map[catalog.Layer]map[string]float64{}
	for _, l := range catalog.Layers {
		exp[l] = map[string]float64{}
	}
	// Web layers: the truth of a domain with each (profile, origin, www)
	// combination, weighted by its probability. Nothing else changes the
	// providers of the web path but the variants a domain's own hash
	// picks (the www style, an S3 bucket or an ELB, the edge name): those
	// are averaged over the hashes of hashSample domains.
	const hashSample = 500
	in := generate(t, Config{Domains: hashSample})
	bases := slices.Clone(in.doms)
	bp := func(w int) float64 { return float64(w) / 10000 }
	for pi, prof := range webProfiles {
		origs := prof.origins
		if origs == nil {
			origs = table[originID]{{originISP, 10000}}
		}
		for _, o := range origs {
			for _, noWWW := range []bool{false, true} {
				pw := (1 - bp(noWWWBP)) / hashSample
				for i, d := range bases {
					d.status, d.web, d.origin, d.flags = statusOK, uint8(pi), o.v, 0
					if o.v == originHostCo {
						d.origin = originHostCos // any company: all are uncatalogued
					}
					if noWWW {
						pw, d.flags = bp(noWWWBP)/hashSample, flagNoWWW
					}
					in.doms[i] = d
					tr := in.TruthAt(i + 1)
					for _, id := range buckets(tr.CDN) {
						exp[catalog.LayerCDN][id] += bp(prof.w) * bp(o.w) * pw
					}
					for _, id := range buckets(tr.Hosting) {
						exp[catalog.LayerHosting][id] += bp(prof.w) * bp(o.w) * pw
					}
				}
			}
		}
	}
	// DNS: forced operators; else the hosting company's name servers for
	// some of its customers, else the table; plus a second operator.
	for _, prof := range webProfiles {
		forced := 0.0
		if prof.dnsBP > 0 {
			forced = bp(prof.dnsBP)
			for id, w := range modelDNSID(in, prof.dns) {
				exp[catalog.LayerDNS][id] += bp(prof.w) * forced * w
			}
		}
		hostco := 0.0
		for _, o := range prof.origins {
			if o.v == originHostCo {
				hostco = bp(o.w) * bp(hostcoDNSBP)
			}
		}
		primary := map[dnsKind]float64{dnsHostCo: hostco}
		for _, r := range dnsTable {
			primary[r.v] += (1 - hostco) * bp(r.w)
		}
		// The probability that id is among the domain's operators: its
		// primary gives it, or its primary does not and the second does.
		has := map[string]float64{}
		for k, pk := range primary {
			ids := modelDNSID(in, k)
			for id, w := range ids {
				has[id] += pk * w
			}
			for _, r := range secondaryTable {
				if r.v == k || (selfNS(r.v) && selfNS(k)) {
					continue
				}
				for id, w := range modelDNSID(in, r.v) {
					if ids[id] == 0 {
						has[id] += pk * bp(redundantBP) * bp(r.w) * w
					}
				}
			}
		}
		for id, p := range has {
			exp[catalog.LayerDNS][id] += bp(prof.w) * (1 - forced) * p
		}
	}
	in2 := generate(t, Config{Domains: 1})
	for _, r := range emailTable {
		d := in2.doms[0]
		d.status, d.email = statusOK, r.v
		if r.v == emailGen {
			d.email = emailGens
		}
		in2.doms[0] = d
		for _, id := range buckets(in2.TruthAt(1).Email) {
			exp[catalog.LayerEmail][id] += bp(r.w)
		}
	}
	return exp
}

// TestSharesFollowModel draws 20,000 domains and compares, for every
// provider and layer, the share of resolving domains that use it with the
// model's expectation. Tolerance: 1.2 percentage points absolute, more
// than 3.3 standard deviations of a binomial share at this size (at most
// 0.36 points for a share of 50 %).
func TestSharesFollowModel(t *testing.T) {
	t.Parallel()
	const n, tol = 20000, 0.012
	in := generate(t, Config{Domains: n, Seed: 42})
	exp := expectedShares(t)

	ok := 0
	statuses := map[dnscrawl.Status]int{}
	obs := map[catalog.Layer]map[string]float64{}
	for _, l := range catalog.Layers {
		obs[l] = map[string]float64{}
	}
	redundant := 0
	for tr := range in.Truths() {
		statuses[tr.Status]++
		if tr.Status != dnscrawl.StatusOK {
			continue
		}
		ok++
		if len(tr.DNS) > 1 {
			redundant++
		}
		for _, l := range catalog.Layers {
			for _, id := range buckets(tr.Providers(l)) {
				obs[l][id]++
			}
		}
	}
	// The model's tables give the shares of the four serving layers; the
	// ca and tld plans have their own tests (web_test.go: TestEndpointCertificates, TestTLDTruth).
	for _, l := range []catalog.Layer{catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail} {
		ids := map[string]bool{}
		for id := range exp[l] {
			ids[id] = true
		}
		for id := range obs[l] {
			ids[id] = true
		}
		keys := make([]string, 0, len(ids))
		for id := range ids {
			keys = append(keys, id)
		}
		slices.Sort(keys)
		for _, id := range keys {
			got := obs[l][id] / float64(ok)
			if math.Abs(got-exp[l][id]) > tol {
				t.Errorf("%s %s: share %.2f %%, model %.2f %%", l, id, 100*got, 100*exp[l][id])
			} else {
				t.Logf("%s %-24s share %6.2f %%  model %6.2f %%", l, id, 100*got, 100*exp[l][id])
			}
		}
	}
	// Broken delegations: 0.5 % NXDOMAIN, 0.5 % SERVFAIL, 0.3 % timeout,
	// within 0.25 points (5 standard deviations at 0.5 %).
	for _, r := range statusTable {
		st := statusNames[r.v]
		got := float64(statuses[st]) / n
		if math.Abs(got-float64(r.w)/10000) > 0.0025 {
			t.Errorf("status %s: %.2f %%, model %.2f %%", st, 100*got, float64(r.w)/100)
		}
	}
	// Redundant DNS for a minority of 5 to 8 % of the domains.
	if red := float64(redundant) / float64(ok); red < 0.05 || red > 0.08 {
		t.Errorf("redundant DNS: %.2f %%, want 5-8 %%", 100*red)
	}
}

// The guard above must be able to fail: a population drawn from other
// tables does not pass for the model.
func TestSharesCheckCanFail(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 5000, Seed: 42})
	cf := 0
	for i := range in.doms {
		in.doms[i].web = 0 // every site hosted directly: no Cloudflare CDN at all
	}
	for tr := range in.Truths() {
		if slices.Contains(tr.CDN, pCloudflareCDN) {
			cf++
		}
	}
	exp := expectedShares(t)[catalog.LayerCDN][pCloudflareCDN]
	if math.Abs(float64(cf)/5000-exp) <= 0.012 {
		t.Errorf("a population without CDNs passes for a model with %.1f %% Cloudflare", 100*exp)
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	render := func(cfg Config) (list, truth []byte, tr []Truth) {
		in := generate(t, cfg)
		var a, b bytes.Buffer
		if err := in.WriteDomainList(&a); err != nil {
			t.Fatal(err)
		}
		if err := in.WriteTruth(&b); err != nil {
			t.Fatal(err)
		}
		return a.Bytes(), b.Bytes(), in.Truth()
	}
	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"same config", Config{Domains: 3000, Seed: 9}, Config{Domains: 3000, Seed: 9}, true},
		{"defaults", Config{}, Config{Domains: DefaultDomains, Seed: DefaultSeed}, true},
		{"other seed", Config{Domains: 3000, Seed: 9}, Config{Domains: 3000, Seed: 10}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			la, ta, tra := render(tt.a)
			lb, tb, trb := render(tt.b)
			if got := bytes.Equal(la, lb) && bytes.Equal(ta, tb); got != tt.same {
				t.Errorf("outputs identical = %v, want %v", got, tt.same)
			}
			if tt.same {
				if diff := cmp.Diff(tra, trb); diff != "" {
					t.Errorf("truth differs (-a +b):\n%s", diff)
				}
			}
		})
	}
}

func TestGenerateConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg     Config
		wantLen int
		wantErr error
	}{
		{Config{}, DefaultDomains, nil},
		{Config{Domains: 1}, 1, nil},
		{Config{Domains: -1}, 0, ErrConfig},
		{Config{Domains: MaxDomains + 1}, 0, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.cfg), func(t *testing.T) {
			t.Parallel()
			in, err := Generate(tt.cfg)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && in.Len() != tt.wantLen {
				t.Errorf("Len = %d, want %d", in.Len(), tt.wantLen)
			}
		})
	}
}

func TestTokensRoundTrip(t *testing.T) {
	t.Parallel()
	tok := newTokens(12345)
	for _, i := range []int{0, 1, 2, 999, 123456, 999999, 49_999_999} {
		if got, ok := tok.untok7(string(tok.tok7(nil, i))); !ok || got != i {
			t.Errorf("tok7 %d -> %d %v", i, got, ok)
		}
		if got, ok := tok.unhex8(string(tok.hex8(nil, i))); !ok || got != i {
			t.Errorf("hex8 %d -> %d %v", i, got, ok)
		}
		if got, ok := tok.undec10(string(tok.dec10(nil, i))); !ok || got != i {
			t.Errorf("dec10 %d -> %d %v", i, got, ok)
		}
	}
	if _, ok := tok.untok7("zzzzzzz"); ok {
		t.Error("untok7 accepted a value above 2^32")
	}
}
