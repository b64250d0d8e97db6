// Package iso3166 knows the country codes of ISO 3166-1 alpha-2: which
// are assigned, and which reserved ones people write for a country. It
// holds a constant table and nothing else: no names (reports has them),
// no I/O.
package iso3166

import "strings"

// iso3166 holds the 249 officially assigned ISO 3166-1 alpha-2 codes as
// published by the ISO 3166 Maintenance Agency, two letters each (the
// last one assigned is South Sudan's SS, 2011).
const codesTable = "" +
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZ" +
	"BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ" +
	"CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ" +
	"DEDJDKDMDODZ" +
	"ECEEEGEHERESET" +
	"FIFJFKFMFOFR" +
	"GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY" +
	"HKHMHNHRHTHU" +
	"IDIEILIMINIOIQIRISIT" +
	"JEJMJOJP" +
	"KEKGKHKIKMKNKPKRKWKYKZ" +
	"LALBLCLILKLRLSLTLULVLY" +
	"MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ" +
	"NANCNENFNGNINLNONPNRNUNZ" +
	"OM" +
	"PAPEPFPGPHPKPLPMPNPRPSPTPWPY" +
	"QA" +
	"RERORSRURW" +
	"SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ" +
	"TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ" +
	"UAUGUMUSUYUZ" +
	"VAVCVEVGVIVNVU" +
	"WFWS" +
	"YEYT" +
	"ZAZMZW"

// Assigned reports whether cc (upper case) is an assigned ISO
// 3166-1 alpha-2 code.
func Assigned(cc string) bool {
	if len(cc) != 2 {
		return false
	}
	for i := 0; i+2 <= len(codesTable); i += 2 {
		if codesTable[i:i+2] == cc {
			return true
		}
	}
	return false
}

// Reserved returns the assigned code of an exceptionally reserved
// one that people write for a country: UK for the United Kingdom (GB),
// EL for Greece (GR, the EU's usage); "" for any other.
func Reserved(cc string) string {
	switch cc {
	case "UK":
		return "GB"
	case "EL":
		return "GR"
	}
	return ""
}

// IsCode reports whether s, in any case, is an assigned code.
func IsCode(s string) bool { return Assigned(strings.ToUpper(s)) }
