package csvcmp

import "testing"

func TestEqual(t *testing.T) {
	base := "layer,domains,hhi\ndns,10,1214.1203804041556\n"
	for _, c := range []struct {
		got  string
		same bool
	}{
		{base, true},
		{"layer,domains,hhi\ndns,10,1214.120380404158\n", true},   // last digits
		{"layer,domains,hhi\ndns,10,1214.1203904041556\n", false}, // 1e-8 relative
		{"layer,domains,hhi\ndns,11,1214.1203804041556\n", false}, // a count
		{"layer,domains,hhi\ncdn,10,1214.1203804041556\n", false}, // a word
		{"layer,domains,hhi\n", false},                            // a row missing
		{"layer,domains,hhi\ndns,10\n", false},                    // a column missing
	} {
		if err := Equal([]byte(base), []byte(c.got), 1e-9); (err == nil) != c.same {
			t.Errorf("Equal(%q) = %v, want same=%v", c.got, err, c.same)
		}
	}
}
