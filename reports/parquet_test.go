package reports

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// TestParquetTagsMatchCSV checks that every CSV column has the same name
// in Parquet, so the two formats keep the same columns as fields are
// added.
func TestParquetTagsMatchCSV(t *testing.T) {
	t.Parallel()
	for _, typ := range []reflect.Type{
		reflect.TypeFor[DomainRow](), reflect.TypeFor[DependencyRow](),
		reflect.TypeFor[ProviderRow](), reflect.TypeFor[MetricsRow](),
	} {
		for f := range typ.Fields() {
			if c, p := f.Tag.Get("csv"), f.Tag.Get("parquet"); c != p {
				t.Errorf("%s.%s: csv tag %q, parquet tag %q", typ.Name(), f.Name, c, p)
			}
		}
	}
}

// readParquet reads every row of a Parquet file.
func readParquet[T any](t *testing.T, path string) []T {
	t.Helper()
	rows, err := parquet.ReadFile[T](path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}

// TestWriteParquet writes the fixture as Parquet and reads it back: the
// rows are those of the CSV writers, in the same order.
func TestWriteParquet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	results := fixtureResults()
	sum := metrics.Compute(results, metrics.Options{})
	if err := WriteParquet(dir, results, sum, nil, nil); err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s differs from the CSV rows (-want +got):\n%s", name, diff)
		}
	}
	check(DomainsParquet, readParquet[DomainRow](t, filepath.Join(dir, DomainsParquet)), slices.Collect(DomainRows(results, nil, nil)))
	check(DependenciesParquet, readParquet[DependencyRow](t, filepath.Join(dir, DependenciesParquet)), slices.Collect(DependencyRows(results)))
	check(ProvidersParquet, readParquet[ProviderRow](t, filepath.Join(dir, ProvidersParquet)), slices.Collect(ProviderRows(sum)))
	check(MetricsParquet, readParquet[MetricsRow](t, filepath.Join(dir, MetricsParquet)), slices.Collect(MetricsRows(sum)))
	if st, err := os.Stat(filepath.Join(dir, DomainsParquet)); err != nil || st.Size() == 0 {
		t.Errorf("domains.parquet missing or empty: %v", err)
	}
	if rows := readParquet[SiteCountryRow](t, filepath.Join(dir, SiteCountriesParquet)); len(rows) != 0 {
		t.Errorf("site_countries.parquet of a list without countries has %d rows, want none", len(rows))
	}

	// With the country of each site, site_countries.parquet holds the rows
	// of site_countries.csv.
	countries := map[string]string{}
	for i, r := range results {
		countries[r.Domain] = []string{"DE", "FR"}[i%2]
	}
	sum = metrics.Compute(results, metrics.Options{Countries: countries})
	dir = t.TempDir()
	if err := WriteParquet(dir, results, sum, nil, countries); err != nil {
		t.Fatal(err)
	}
	want := slices.Collect(SiteCountryRows(sum))
	if len(want) == 0 {
		t.Fatal("no site_countries rows for a list with countries")
	}
	check(SiteCountriesParquet, readParquet[SiteCountryRow](t, filepath.Join(dir, SiteCountriesParquet)), want)
}
