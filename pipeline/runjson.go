package pipeline

import (
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// fromCrawl sets what run.json says of the crawl from its manifest, nil
// when there is none (then the list size is the domains analysed).
func fromCrawl(run *reports.Run, crawl *dnscrawl.Manifest, domains int) {
	if crawl == nil {
		run.Counts.Domains = domains
		return
	}
	run.StartedAt = crawl.StartedAt
	run.Input = crawl.Input
	run.Resolvers = crawl.Resolvers
	run.Simulated = crawl.Simulated
	run.Counts = reports.InputCounts{Lines: crawl.Lines, Domains: crawl.Domains, BadLines: crawl.BadLines, Duplicates: crawl.Duplicates}
}
