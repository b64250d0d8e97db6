// Package lab runs a DNS delegation tree on loopback for tests, benchmarks
// and experiments with the iterative resolver: a root, TLD servers and
// providers' authoritative servers, each on its own address in
// 127.0.0.0/8 (all of it is loopback on Linux) and one shared port, each
// answering with authority for the zones it is given, referring below its
// zones' cuts with glue, and logging every question it gets.
//
// What does not belong here: anything that listens off loopback; the
// resolver itself (package iterative).
//
// Invariants: servers bind loopback addresses only; a server answers
// REFUSED for a zone it does not serve (a lame server is one listed in a
// delegation that does not serve the zone); Mode changes how a server
// answers for one zone, to make it lame or broken on purpose.
package lab
