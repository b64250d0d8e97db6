// Command chokepoint measures how much of a list of domains hangs on a
// handful of infrastructure providers: it crawls their DNS, works out the
// DNS, CDN, hosting and e-mail providers each depends on, and computes
// concentration and blast radius. See README.md.
//
// The package wires the pipeline stages (data, analysis, reports) into
// commands: one file per command (cmd_run.go, cmd_crawl.go, ...), each with
// an options struct and a run function that tests call without a
// subprocess. Exit codes are decided in one place, errors.go.
//
// What does not belong here: any logic a stage owns (parsing, crawling,
// classifying, computing, formatting); nothing below cmd imports it.
package main
