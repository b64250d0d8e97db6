package validate

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/domains"
)

// Errors of ReadTruth. ErrNoColumn and ErrEmpty are about the file as a
// whole (the caller cannot go on); ErrLayer, ErrThirdParty and the errors
// of domains.Normalize are wrapped by the *domains.LineError of one row.
var (
	// ErrNoColumn is a header without a required column.
	ErrNoColumn = errors.New("truth header lacks a required column")
	// ErrEmpty is a truth with no valid row.
	ErrEmpty = errors.New("truth has no valid row")
	// ErrLayer is a row whose layer is not dns, cdn, hosting or email.
	ErrLayer = errors.New("unknown layer")
	// ErrThirdParty is a third_party cell that is not a yes or a no.
	ErrThirdParty = errors.New("third_party is not true or false")
)

// Party is what a truth row says about who runs the dependency.
type Party uint8

// The values of Party.
const (
	PartyUnstated Party = iota // no third_party column, or an empty cell
	PartyThird                 // a third party
	PartySelf                  // the domain itself (self-hosted)
)

func (p Party) String() string {
	switch p {
	case PartyThird:
		return "third_party"
	case PartySelf:
		return "self"
	}
	return ""
}

// Row is one valid row of the truth.
type Row struct {
	Line   int
	Domain string // normalised by domains.Normalize
	Layer  catalog.Layer
	// Provider and Service are as written, space-trimmed; an empty
	// provider says the domain has none on the layer.
	Provider   string
	Service    string
	ThirdParty Party
}

// Truth is a labels file read by ReadTruth.
type Truth struct {
	Source string
	Rows   []Row
	// Bad are the rows that were rejected, with their line numbers.
	Bad []*domains.LineError
	// Records counts the data records after the header: len(Rows) +
	// len(Bad) + Blank.
	Records int
	// Blank counts records whose every cell is empty.
	Blank int
	// HasService and HasThirdParty say whether the header has those
	// optional columns.
	HasService, HasThirdParty bool
}

// Column names of the truth, compared without regard to case and
// surrounding space. "provider_id" is taken for "provider" when there is
// no "provider" column (the simulated internet's ground truth has it).
const (
	ColDomain     = "domain"
	ColLayer      = "layer"
	ColProvider   = "provider"
	ColService    = "service"
	ColThirdParty = "third_party"
)

// ReadTruth reads a truth CSV: a header naming at least the columns
// domain, layer and provider, optionally service and third_party (other
// columns are ignored), then one row per (domain, layer, provider). A row
// with an invalid domain, an unknown layer or a third_party that is not
// a yes or a no is reported in Bad with its line number and left out;
// records with too few or too many fields are read as far as they go.
// Layers are compared without regard to case ("mail" and "e-mail" are
// email). A CSV syntax error is an error with its line number, and so is
// a header without a required column (ErrNoColumn) or no valid row at all
// (ErrEmpty).
func ReadTruth(r io.Reader, source string) (*Truth, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	t := &Truth{Source: source}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: %w: empty file", source, ErrNoColumn)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	if _, ok := cols[ColProvider]; !ok {
		if i, ok := cols["provider_id"]; ok {
			cols[ColProvider] = i
		}
	}
	var missing []string
	for _, c := range []string{ColDomain, ColLayer, ColProvider} {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: %w: %s (the header is %q; the columns are domain,layer,provider and optionally service,third_party)",
			source, ErrNoColumn, strings.Join(missing, ", "), strings.Join(header, ","))
	}
	_, t.HasService = cols[ColService]
	_, t.HasThirdParty = cols[ColThirdParty]
	cell := func(rec []string, name string) string {
		i, ok := cols[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		line, _ := cr.FieldPos(0)
		t.Records++
		if blank(rec) {
			t.Blank++
			continue
		}
		bad := func(err error) {
			t.Bad = append(t.Bad, &domains.LineError{Source: source, Line: line, Text: strings.Join(rec, ","), Err: err})
		}
		d, err := domains.Normalize(cell(rec, ColDomain))
		if err != nil {
			bad(err)
			continue
		}
		l, err := parseLayer(cell(rec, ColLayer))
		if err != nil {
			bad(err)
			continue
		}
		party, err := parseParty(cell(rec, ColThirdParty))
		if err != nil {
			bad(err)
			continue
		}
		t.Rows = append(t.Rows, Row{
			Line: line, Domain: d, Layer: l,
			Provider: cell(rec, ColProvider), Service: cell(rec, ColService), ThirdParty: party,
		})
	}
	if len(t.Rows) == 0 {
		return t, fmt.Errorf("%s: %w (%d records, %d rejected)", source, ErrEmpty, t.Records, len(t.Bad))
	}
	return t, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseLayer reads a layer name without regard to case.
func parseLayer(s string) (catalog.Layer, error) {
	s = strings.ToLower(s)
	switch s {
	case "mail", "e-mail", "mx":
		return catalog.LayerEmail, nil
	case "ns":
		return catalog.LayerDNS, nil
	}
	l, err := catalog.ParseLayer(s)
	if err != nil {
		return "", fmt.Errorf("%w %q (want dns, cdn, hosting or email)", ErrLayer, s)
	}
	return l, nil
}

// parseParty reads a third_party cell: true/false, yes/no, 1/0, y/n,
// t/f, "third party", or "self"/"first party"; empty is unstated.
func parseParty(s string) (Party, error) {
	switch normalizeName(s) {
	case "":
		if s == "" {
			return PartyUnstated, nil
		}
	case "true", "yes", "y", "t", "1", "thirdparty", "third", "3rdparty":
		return PartyThird, nil
	case "false", "no", "n", "f", "0", "self", "selfhosted", "firstparty", "1stparty", "own":
		return PartySelf, nil
	}
	return PartyUnstated, fmt.Errorf("%w: %q", ErrThirdParty, s)
}
