package simnet

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// Directories written by WriteRanges: the range files in the providers'
// official formats, and the data directory ("chokepoint data" layout,
// with its manifest) they were imported into.
const (
	RangesDir = "simnet-ranges"
	DataDir   = "simnet-data"
)

// simulatedNote marks every range file as simulated.
const simulatedNote = "chokepoint simulated range data: synthetic prefixes of the simulated internet, not real"

// rangeFile is one range publication of the simulated internet.
type rangeFile struct {
	name  string
	write func(w io.Writer, nets []Network) error
	// keep selects the networks the file lists.
	keep func(n Network) bool
}

// rangeFiles are written in the official formats, each listing the
// networks the simulation gives the provider that claims that source in
// the catalog, so that a range match names the same provider as the
// ground truth (amazon-ec2 for the AWS file, with its region).
var rangeFiles = []rangeFile{
	{"ip-ranges.json", writeAWS, byProvider(pEC2)},
	{"cloud.json", writeGCPCloud, func(n Network) bool { return n.Provider == pGoogleCloud && n.ASN == 396982 }},
	{"goog.json", writeGoog, byProvider(pGoogleCloud)},
	{"ServiceTags_Public_20251124.json", writeAzure, byProvider(pAzure)},
	{"ips-v4", cidrList(false), byProvider(pCloudflareCDN)},
	{"ips-v6", cidrList(true), byProvider(pCloudflareCDN)},
	{"public-ip-list.json", writeFastly, byProvider(pFastly)},
	{"akamai_ipv4_CIDRs.txt", cidrList(false), byProvider(pAkamaiCDN)},
	{"akamai_ipv6_CIDRs.txt", cidrList(true), byProvider(pAkamaiCDN)},
	{"digitalocean-geofeed.csv", writeGeofeed, byProvider(pDOHosting)},
	{"linode-geofeed.csv", writeGeofeed, byProvider(pLinode)},
	{"github-meta.json", writeGitHub, byProvider(pGitHubPages)},
}

func byProvider(p string) func(Network) bool {
	return func(n Network) bool { return n.Provider == p }
}

// WriteRanges writes the range publications of the simulated address
// space into dir/RangesDir in the official formats, imports them with
// refdata.Import into dir/DataDir (validated like real data) and returns
// both paths.
func (in *Internet) WriteRanges(dir string) (rangesDir, dataDir string, err error) {
	rangesDir, dataDir = filepath.Join(dir, RangesDir), filepath.Join(dir, DataDir)
	if err := os.MkdirAll(rangesDir, 0o755); err != nil {
		return "", "", fmt.Errorf("simnet ranges: %w", err)
	}
	for _, rf := range rangeFiles {
		var nets []Network
		for _, n := range in.w.nets {
			if rf.keep(n) {
				nets = append(nets, n)
			}
		}
		if err := writeFile(filepath.Join(rangesDir, rf.name), func(w io.Writer) error { return rf.write(w, nets) }); err != nil {
			return "", "", fmt.Errorf("simnet ranges: %w", err)
		}
	}
	// A fixed clock: the simulated data is the same on every run.
	now := func() time.Time { return time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC) }
	if _, err := refdata.Import(refdata.ImportOptions{Dir: dataDir, From: rangesDir, Now: now}); err != nil {
		return "", "", fmt.Errorf("simnet ranges: import: %w", err)
	}
	return rangesDir, dataDir, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func regionOr(r, dflt string) string {
	if r == "" {
		return dflt
	}
	return r
}

func writeAWS(w io.Writer, nets []Network) error {
	type entry struct {
		IPPrefix    string `json:"ip_prefix,omitempty"`
		IPv6Prefix  string `json:"ipv6_prefix,omitempty"`
		Region      string `json:"region"`
		Service     string `json:"service"`
		BorderGroup string `json:"network_border_group"`
	}
	doc := struct {
		SyncToken  string  `json:"syncToken"`
		CreateDate string  `json:"createDate"`
		Note       string  `json:"chokepoint_note"`
		Prefixes   []entry `json:"prefixes"`
		IPv6       []entry `json:"ipv6_prefixes"`
	}{SyncToken: "1763942400", CreateDate: "2025-11-24-00-00-00", Note: simulatedNote, Prefixes: []entry{}, IPv6: []entry{}}
	for _, n := range nets {
		rg := regionOr(n.Region, "GLOBAL")
		// AWS lists every prefix under AMAZON and again under its service.
		for _, svc := range []string{"AMAZON", regionOr(n.Service, "EC2")} {
			e := entry{Region: rg, Service: svc, BorderGroup: rg}
			if n.Prefix.Addr().Is4() {
				e.IPPrefix = n.Prefix.String()
				doc.Prefixes = append(doc.Prefixes, e)
			} else {
				e.IPv6Prefix = n.Prefix.String()
				doc.IPv6 = append(doc.IPv6, e)
			}
		}
	}
	return writeJSON(w, doc)
}

type googPrefix struct {
	IPv4    string `json:"ipv4Prefix,omitempty"`
	IPv6    string `json:"ipv6Prefix,omitempty"`
	Service string `json:"service,omitempty"`
	Scope   string `json:"scope,omitempty"`
}

func googEntry(p netip.Prefix) googPrefix {
	if p.Addr().Is4() {
		return googPrefix{IPv4: p.String()}
	}
	return googPrefix{IPv6: p.String()}
}

func writeGoogle(w io.Writer, nets []Network, cloud bool) error {
	doc := struct {
		SyncToken    string       `json:"syncToken"`
		CreationTime string       `json:"creationTime"`
		Note         string       `json:"chokepoint_note"`
		Prefixes     []googPrefix `json:"prefixes"`
	}{SyncToken: "1763942400000", CreationTime: "2025-11-24T00:00:00.000000", Note: simulatedNote, Prefixes: []googPrefix{}}
	for _, n := range nets {
		e := googEntry(n.Prefix)
		if cloud {
			e.Service, e.Scope = "Google Cloud", regionOr(n.Region, "global")
		}
		doc.Prefixes = append(doc.Prefixes, e)
	}
	return writeJSON(w, doc)
}

func writeGCPCloud(w io.Writer, nets []Network) error { return writeGoogle(w, nets, true) }
func writeGoog(w io.Writer, nets []Network) error     { return writeGoogle(w, nets, false) }

func writeAzure(w io.Writer, nets []Network) error {
	type props struct {
		ChangeNumber    int      `json:"changeNumber"`
		Region          string   `json:"region"`
		RegionID        int      `json:"regionId"`
		Platform        string   `json:"platform"`
		SystemService   string   `json:"systemService"`
		AddressPrefixes []string `json:"addressPrefixes"`
		NetworkFeatures []string `json:"networkFeatures"`
	}
	type value struct {
		Name       string `json:"name"`
		ID         string `json:"id"`
		Properties props  `json:"properties"`
	}
	// One AzureCloud tag per region, in the order the regions first
	// appear; the global one without a region.
	var order []string
	byRegion := map[string][]string{}
	for _, n := range nets {
		if _, ok := byRegion[n.Region]; !ok {
			order = append(order, n.Region)
		}
		byRegion[n.Region] = append(byRegion[n.Region], n.Prefix.String())
	}
	doc := struct {
		ChangeNumber int     `json:"changeNumber"`
		Cloud        string  `json:"cloud"`
		Note         string  `json:"chokepoint_note"`
		Values       []value `json:"values"`
	}{ChangeNumber: 1, Cloud: "Public", Note: simulatedNote, Values: []value{}}
	for i, rg := range order {
		name := "AzureCloud"
		if rg != "" {
			name += "." + rg
		}
		doc.Values = append(doc.Values, value{Name: name, ID: name, Properties: props{
			ChangeNumber: 1, Region: rg, RegionID: i, Platform: "Azure",
			AddressPrefixes: byRegion[rg], NetworkFeatures: []string{"API", "NSG"},
		}})
	}
	return writeJSON(w, doc)
}

func cidrList(v6 bool) func(io.Writer, []Network) error {
	return func(w io.Writer, nets []Network) error {
		var b strings.Builder
		fmt.Fprintf(&b, "# %s\n", simulatedNote)
		for _, n := range nets {
			if n.Prefix.Addr().Is6() == v6 {
				fmt.Fprintln(&b, n.Prefix)
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
}

func writeFastly(w io.Writer, nets []Network) error {
	doc := struct {
		Note      string   `json:"chokepoint_note"`
		Addresses []string `json:"addresses"`
		IPv6      []string `json:"ipv6_addresses"`
	}{Note: simulatedNote, Addresses: []string{}, IPv6: []string{}}
	for _, n := range nets {
		if n.Prefix.Addr().Is4() {
			doc.Addresses = append(doc.Addresses, n.Prefix.String())
		} else {
			doc.IPv6 = append(doc.IPv6, n.Prefix.String())
		}
	}
	return writeJSON(w, doc)
}

// writeGitHub writes api.github.com/meta with the networks under their
// service ("pages").
func writeGitHub(w io.Writer, nets []Network) error {
	doc := map[string]any{"chokepoint_note": simulatedNote, "verifiable_password_authentication": false}
	for _, n := range nets {
		list, _ := doc[n.Service].([]string)
		doc[n.Service] = append(list, n.Prefix.String())
	}
	return writeJSON(w, doc) // encoding/json sorts the keys
}

// writeGeofeed writes an RFC 8805 geofeed; the simulated region (a data
// centre code such as "nyc") stands where the ISO 3166-2 code would.
func writeGeofeed(w io.Writer, nets []Network) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n# ip_prefix,alpha2code,region,city,postal_code\n", simulatedNote)
	for _, n := range nets {
		fmt.Fprintf(&b, "%s,%s,%s,,\n", n.Prefix, n.Country, strings.ToUpper(n.Region))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
