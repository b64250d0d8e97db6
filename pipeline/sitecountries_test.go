package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadSiteCountries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "sites.csv")
	if err := os.WriteFile(list, []byte("rank,domain,country\n1,A.example,de\n2,b.example,\n3,c.example,UK\n4,www.d.example,fr\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	got, err := ReadSiteCountries(context.Background(), list, "", &stderr)
	if err != nil {
		t.Fatal(err)
	}
	// Domains as the crawl normalises them; c.example's line is bad and
	// reported with its number.
	want := map[string]string{"a.example": "DE", "www.d.example": "FR"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("countries (-want +got):\n%s", d)
	}
	if !strings.Contains(stderr.String(), `sites.csv:4: invalid country "UK": ISO 3166-1 writes it GB`) {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	// A list without a country column gives none.
	plain := filepath.Join(dir, "plain.txt")
	if err := os.WriteFile(plain, []byte("a.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadSiteCountries(context.Background(), plain, "", &stderr); err != nil || got != nil {
		t.Errorf("plain list: %v, %v; want nil, nil", got, err)
	}
	if _, err := ReadSiteCountries(context.Background(), "-", "", &stderr); err == nil {
		t.Error("--list - accepted")
	}
}
