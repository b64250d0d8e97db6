package catalog

import (
	"strings"
	"testing"
)

// TestAppendRangeKey checks appendRangeKey against the key it stands for.
func TestAppendRangeKey(t *testing.T) {
	t.Parallel()
	for _, tt := range [][2]string{{"aws", "EC2"}, {"aws", "ec2"}, {"azure", "AzureFrontDoor.Frontend"},
		{"x", "ÄBC"}, {"x", "İ"}, {"", "K"}, {"aws", "\xffA"}, {"gcp", "Cloud-CDN_1"}} {
		want := tt[0] + ":" + strings.ToLower(tt[1])
		if got := string(appendRangeKey(nil, tt[0], tt[1])); got != want {
			t.Errorf("appendRangeKey(%q, %q) = %q, want %q", tt[0], tt[1], got, want)
		}
	}
}
