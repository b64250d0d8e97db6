package graph

import "strings"

// iso3166 holds the 249 officially assigned ISO 3166-1 alpha-2 codes as
// published by the ISO 3166 Maintenance Agency, two letters each (the
// last one assigned is South Sudan's SS, 2011).
const iso3166 = "" +
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

// countryAssigned reports whether cc (upper case) is an assigned ISO
// 3166-1 alpha-2 code.
func countryAssigned(cc string) bool {
	if len(cc) != 2 {
		return false
	}
	for i := 0; i+2 <= len(iso3166); i += 2 {
		if iso3166[i:i+2] == cc {
			return true
		}
	}
	return false
}

// countryReserved returns the assigned code of an exceptionally reserved
// one that people write for a country: UK for the United Kingdom (GB),
// EL for Greece (GR, the EU's usage); "" for any other.
func countryReserved(cc string) string {
	switch cc {
	case "UK":
		return "GB"
	case "EL":
		return "GR"
	}
	return ""
}

// isCountryCode reports whether s, in any case, is an assigned code.
func isCountryCode(s string) bool { return countryAssigned(strings.ToUpper(s)) }
