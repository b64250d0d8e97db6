package iterative_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/iterative/lab"
)

// The test tree: a root, the com/net servers (which, like the real
// ones, serve both), an org server, a DNS provider (dnsprov.net, three
// servers), a CDN (cdnco.net), a site that runs its own servers
// (shop.com, with glue), and a host that serves nothing but its own zone
// (lamehost.org).
var (
	rootA   = netip.MustParseAddr("127.1.0.1")
	gtldA   = netip.MustParseAddr("127.1.1.1")
	gtldB   = netip.MustParseAddr("127.1.1.2")
	orgA    = netip.MustParseAddr("127.1.2.1")
	prov1   = netip.MustParseAddr("127.1.3.1")
	prov2   = netip.MustParseAddr("127.1.3.2")
	prov3   = netip.MustParseAddr("127.1.3.3")
	shop1   = netip.MustParseAddr("127.1.4.1")
	shop2   = netip.MustParseAddr("127.1.4.2")
	cdn1    = netip.MustParseAddr("127.1.5.1")
	lamehst = netip.MustParseAddr("127.1.6.1")
)

const soa = "@ SOA ns.invalid. hostmaster.invalid. 1 7200 900 1209600 300\n"

func treeSpec() lab.Spec {
	return lab.Spec{
		Roots: map[string]netip.Addr{"a.root-servers.lab": rootA},
		Zones: map[string]string{
			".": soa + `
@ NS a.root-servers.lab.
a.root-servers.lab. A 127.1.0.1
com. 172800 NS a.gtld.lab.
com. 172800 NS b.gtld.lab.
net. 172800 NS a.gtld.lab.
net. 172800 NS b.gtld.lab.
org. 172800 NS a.org.lab.
a.gtld.lab. A 127.1.1.1
b.gtld.lab. A 127.1.1.2
a.org.lab. A 127.1.2.1
`,
			"com": soa + `
@ NS a.gtld.lab.
example 3600 NS ns1.dnsprov.net.
example 3600 NS ns2.dnsprov.net.
cdnuser NS ns1.dnsprov.net.
cdnuser NS ns2.dnsprov.net.
mismatch NS ns1.dnsprov.net.
mismatch NS ns2.dnsprov.net.
lame NS ns1.dnsprov.net.
lame NS ns1.lamehost.org.
noaa NS ns1.dnsprov.net.
noaa NS ns1.shop.com.
shop NS ns1.shop.com.
shop NS ns2.shop.com.
ns1.shop A 127.1.4.1
ns2.shop A 127.1.4.2
`,
			"net": soa + `
@ NS a.gtld.lab.
dnsprov NS ns1.dnsprov.net.
dnsprov NS ns2.dnsprov.net.
ns1.dnsprov A 127.1.3.1
ns2.dnsprov A 127.1.3.2
cdnco NS ns1.cdnco.net.
ns1.cdnco A 127.1.5.1
`,
			"org": soa + `
@ NS a.org.lab.
lamehost NS ns1.lamehost.org.
ns1.lamehost A 127.1.6.1
`,
			"dnsprov.net": soa + `
@ NS ns1.dnsprov.net.
@ NS ns2.dnsprov.net.
ns1 A 127.1.3.1
ns2 A 127.1.3.2
ns3 A 127.1.3.3
`,
			"cdnco.net": soa + `
@ NS ns1.cdnco.net.
ns1 A 127.1.5.1
cust1.edge A 127.9.0.1
`,
			"lamehost.org": soa + `
@ NS ns1.lamehost.org.
ns1 A 127.1.6.1
`,
			"example.com": soa + `
@ NS ns1.dnsprov.net.
@ NS ns2.dnsprov.net.
@ A 127.8.0.1
www A 127.8.0.2
@ MX 10 mail.example.com.
mail A 127.8.0.3
`,
			"cdnuser.com": soa + `
@ NS ns1.dnsprov.net.
@ NS ns2.dnsprov.net.
@ A 127.8.1.1
www CNAME cust1.edge.cdnco.net.
`,
			"mismatch.com": soa + `
@ NS ns1.dnsprov.net.
@ NS ns3.dnsprov.net.
@ A 127.8.2.1
`,
			"lame.com": soa + `
@ NS ns1.dnsprov.net.
@ NS ns1.lamehost.org.
@ A 127.8.3.1
`,
			"noaa.com": soa + `
@ NS ns1.dnsprov.net.
@ NS ns1.shop.com.
@ A 127.8.4.1
`,
			"shop.com": soa + `
@ NS ns1.shop.com.
@ NS ns2.shop.com.
ns1 A 127.1.4.1
ns2 A 127.1.4.2
@ A 127.8.5.1
www CNAME shop.com.
`,
		},
		Servers: []lab.Server{
			{Addr: rootA, Zones: map[string]lab.Mode{".": lab.Serve}},
			{Addr: gtldA, Zones: map[string]lab.Mode{"com": lab.Serve, "net": lab.Serve}},
			{Addr: gtldB, Zones: map[string]lab.Mode{"com": lab.Serve, "net": lab.Serve}},
			{Addr: orgA, Zones: map[string]lab.Mode{"org": lab.Serve}},
			{Addr: prov1, Zones: provZones("dnsprov.net", "example.com", "cdnuser.com", "mismatch.com", "lame.com", "noaa.com")},
			{Addr: prov2, Zones: provZones("dnsprov.net", "example.com", "cdnuser.com", "noaa.com")},
			{Addr: prov3, Zones: provZones("dnsprov.net", "mismatch.com")},
			{Addr: shop1, Zones: map[string]lab.Mode{"shop.com": lab.Serve, "noaa.com": lab.NoAA}},
			{Addr: shop2, Zones: map[string]lab.Mode{"shop.com": lab.Serve}},
			{Addr: cdn1, Zones: map[string]lab.Mode{"cdnco.net": lab.Serve}},
			{Addr: lamehst, Zones: map[string]lab.Mode{"lamehost.org": lab.Serve}},
		},
	}
}

func provZones(zones ...string) map[string]lab.Mode {
	m := map[string]lab.Mode{}
	for _, z := range zones {
		m[z] = lab.Serve
	}
	return m
}

// startTree starts spec (edited by edit, when given) for the test.
func startTree(t *testing.T, edit func(*lab.Spec)) *lab.Tree {
	t.Helper()
	spec := treeSpec()
	if edit != nil {
		edit(&spec)
	}
	tree, err := lab.Start(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tree.Close)
	return tree
}

// newResolver returns a resolver for tree, with no rate limit unless cfg
// sets one.
func newResolver(t *testing.T, tree *lab.Tree, cfg iterative.Config) *iterative.Resolver {
	t.Helper()
	cfg.Roots, cfg.Port = tree.Hints, tree.Port
	if cfg.QPSPerServer == 0 {
		cfg.QPSPerServer = -1
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	r, err := iterative.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// setMode returns an edit of a spec that makes the server at addr answer
// for zone in mode.
func setMode(addr netip.Addr, zone string, mode lab.Mode) func(*lab.Spec) {
	return func(s *lab.Spec) {
		for i := range s.Servers {
			if s.Servers[i].Addr == addr {
				s.Servers[i].Zones[zone] = mode
			}
		}
	}
}
