package domains_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/domains"
)

func ExampleReadAll() {
	list := "# vendors\nexample.com\nWWW.Example.com\nnot a domain\nhttps://example.com/login\n"
	r := domains.NewReader(strings.NewReader(list), "vendors.txt", domains.FormatAuto)
	entries, err := domains.ReadAll(r, func(e *domains.LineError) {
		fmt.Fprintln(os.Stdout, "warning:", e)
	})
	if errors.Is(err, domains.ErrEmpty) {
		fmt.Println("nothing to crawl")
		return
	}
	for _, e := range entries {
		fmt.Printf("%s (line %d)\n", e.Domain, e.Line)
	}
	fmt.Printf("%s %+v\n", r.Format(), r.Stats())
	// Output:
	// warning: vendors.txt:4: invalid domain name: character ' ' not allowed ("not a domain")
	// example.com (line 2)
	// www.example.com (line 3)
	// text {Lines:5 Domains:2 Duplicates:1 Bad:1 Skipped:1}
}
