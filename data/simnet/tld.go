package simnet

import "strings"

// The TLD layer of the ground truth: every domain depends on the registry
// of its top-level domain. The TLD is the last label of the domain's
// public suffix (the ICANN section of the Public Suffix List): "uk" for
// co.uk, "br" for com.br. The operator is the sponsoring organisation
// IANA's root zone database lists for the TLD
// (https://www.iana.org/domains/root/db, read late 2025); backEnd is the
// registry service provider that runs the registry for it, where the
// sponsor names one. The ids are company ids chosen here, written
// independently of the catalog the classifier uses.

// registry is the operator of one TLD.
type registry struct {
	// id is the company id of the sponsoring organisation ("verisign"),
	// or of the company that owns it (Identity Digital for .io's
	// Internet Computer Bureau).
	id string
	// org is its name as IANA's database gives it.
	org string
	// backEnd is the company id of the back-end registry operator when
	// it is another company ("identitydigital" for .org), "" otherwise.
	backEnd string
}

// registries maps each TLD the population uses to its registry.
var registries = map[string]registry{
	"com": {"verisign", "VeriSign Global Registry Services", ""},
	"net": {"verisign", "VeriSign Global Registry Services", ""},
	"org": {"pir", "Public Interest Registry (PIR)", "identitydigital"},
	"io":  {"identitydigital", "Internet Computer Bureau Limited (owned by Identity Digital)", ""},
	"co":  {"mintic", "Ministry of Information and Communications Technologies (MinTIC)", "godaddy"},
	"ai":  {"anguilla", "Government of Anguilla", "identitydigital"},
	"app": {"google", "Charleston Road Registry Inc.", ""},
	"dev": {"google", "Charleston Road Registry Inc.", ""},
	"de":  {"denic", "DENIC eG", ""},
	"uk":  {"nominet", "Nominet UK", ""},
	"fr":  {"afnic", "Association Française pour le Nommage Internet en Coopération (A.F.N.I.C.)", ""},
	"nl":  {"sidn", "SIDN (Stichting Internet Domeinregistratie Nederland)", ""},
	"au":  {"auda", ".au Domain Administration (auDA)", "identitydigital"},
	"br":  {"nicbr", "Comite Gestor da Internet no Brasil", ""},
	"jp":  {"jprs", "Japan Registry Services Co., Ltd.", ""},
	"ca":  {"cira", "Canadian Internet Registration Authority (Autorité canadienne pour les enregistrements Internet)", ""},
	"it":  {"registroit", "IIT - CNR", ""},
	"es":  {"redes", "Red.es", ""},
	"pl":  {"nask", "Research and Academic Computer Network", ""},
	"se":  {"internetstiftelsen", "The Internet Infrastructure Foundation", ""},
	"ch":  {"switch", "SWITCH The Swiss Education & Research Network", ""},
	"in":  {"nixi", "National Internet Exchange of India", ""},
	"ru":  {"cctldru", "Coordination Center for TLD RU", ""},
	"eu":  {"eurid", "EURid vzw", ""},
	"za":  {"zadna", "ZA Domain Name Authority", ""},
	"cn":  {"cnnic", "China Internet Network Information Center (CNNIC)", ""},
}

// lastLabel returns the TLD of a public suffix: its last label.
func lastLabel(suffix string) string { return suffix[strings.LastIndexByte(suffix, '.')+1:] }

// TLDID is the truth id of the TLD dependency of a domain under tld run
// by the registry operator op: "<op>-<tld>" ("verisign-com"), the
// classifier's provider-service form with the TLD as the service.
func TLDID(op, tld string) string { return op + "-" + tld }

// tldOf returns the TLD and registry of the domain of a plan.
func (p *plan) tldOf() (string, registry) {
	t := lastLabel(tlds[p.d.tld].name)
	return t, registries[t]
}
