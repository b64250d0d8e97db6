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

func TestSameButRounding(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{`<td class="n">2,812</td><td>0.463</td>`, `<td class="n">2,813</td><td>0.463</td>`, true},
		{`<td>0.463</td>`, `<td>0.464</td>`, true},
		{`<td>2,812</td>`, `<td>2,814</td>`, false},
		{`<td>0.463</td>`, `<td>0.465</td>`, false},
		{`<td>0.46</td>`, `<td>0.463</td>`, false},
		{`<td>9,999</td>`, `<td>10,000</td>`, true},
		{`<td>2,812</td><td>x</td>`, `<td>2,812</td><td>y</td>`, false},
		{`<td>2,812</td>`, `<td>2,812</td><td>1</td>`, false},
	} {
		if got := SameButRounding(tt.a, tt.b); got != tt.want {
			t.Errorf("SameButRounding(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestReportDiff(t *testing.T) {
	for _, tt := range []struct {
		want, got string
		line      int
	}{
		{"a\n<td>1,113</td>\nb", "a\n<td>1,113</td>\nb", 0},
		{"a\n<td>2,812</td>\nb", "a\n<td>2,813</td>\nb", 0},
		{"a\n<td>2,812</td>\nb", "a\n<td>2,815</td>\nb", 2},
		{"a\nb", "a\nc", 2},
		{"a\nb", "a\nb\nc", 3},
		{"a\nb\nc", "a\nb", 3},
	} {
		if line, _, _ := ReportDiff(tt.want, tt.got); line != tt.line {
			t.Errorf("ReportDiff(%q, %q) = line %d, want %d", tt.want, tt.got, line, tt.line)
		}
	}
}
