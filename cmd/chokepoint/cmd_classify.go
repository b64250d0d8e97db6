package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/pipeline"
)

func newClassifyCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		o      pipeline.ClassifyOptions
		finish bool
	)
	cmd := &cobra.Command{
		Use:   "classify OBSERVATIONS.jsonl... --out DIR [--shard K] | classify --finish --out DIR",
		Short: "Classify one shard's observations into Parquet tables for the SQL analysis",
		Long: `classify reads the observation files of one shard, classifies every domain
with the provider catalog and the reference data, and writes its tables in
Hive layout, one folder per shard, streaming (its memory does not grow with
the shard except for the names seen):

  DIR/domains/shard=K/part-00000.parquet       one row per domain
  DIR/dependencies/shard=K/part-*.parquet      one row per dependency
  DIR/addresses/shard=K/part-*.parquet         the addresses each layer reaches
  DIR/edges/shard=K/part-*.parquet             provider-to-provider edges seen
  DIR/pending/shard=K/part-*.parquet           domains waiting for --finish

Once every shard is in DIR, "classify --finish --out DIR" decides the
pending domains over all shards together (uncatalogued operators' TLD
variants, families of sites, sole users: exactly as analyze does over the
whole list), and writes the global tables: provider_edges, elements and
closure (the services each element's failure takes down through the
provider graph). "analyze --engine duckdb DIR" (or Spark SQL over the same
files, see the README) then computes the figures.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Out == "" {
				return usagef("classify: --out DIR is required")
			}
			if finish {
				if len(args) > 0 {
					return usagef("classify --finish reads the shards in --out: give no observation file")
				}
				cat, err := pipeline.LoadCatalog(o.Catalog)
				if err != nil {
					return err
				}
				_, err = pipeline.FinishClassified(cmd.Context(), o.Out, cat, stderr)
				return err
			}
			if len(args) == 0 {
				return usagef("classify: give at least one observation file (or --finish)")
			}
			o.Inputs = args
			o.Log = stderr
			sum, err := pipeline.Classify(cmd.Context(), o)
			if err == nil {
				fmt.Fprintf(stdout, "shard %s: %d domains, %d dependencies, %d addresses, %d edges, %d pending\n",
					o.Shard, sum.Domains, sum.Dependencies, sum.Addresses, sum.Edges, sum.Pending)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Out, "out", "o", "", "folder of the tables (DIR/<table>/shard=K/part-*.parquet)")
	f.StringVar(&o.Shard, "shard", "0", "name of this shard's folders (shard=K): the crawl's shard index")
	f.BoolVar(&finish, "finish", false, "once every shard is classified: decide the pending domains over all shards and write the global tables")
	f.IntVar(&o.PartRows, "part-rows", pipeline.DefaultPartRows, "largest number of rows in one Parquet file")
	f.StringVar(&o.InputFormat, "input-format", "chokepoint", "format of the inputs: chokepoint (observations.jsonl) or zdns (zmap/zdns JSON lines)")
	f.StringVar(&o.ASNDB, "asn-db", "", "ASN database in MaxMind DB format (GeoLite2-ASN or DB-IP ASN lite)")
	f.StringVar(&o.CountryDB, "country-db", "", "country database in MaxMind DB format (GeoLite2-Country or DB-IP country lite)")
	f.StringVar(&o.Catalog, "catalog", "", "provider catalog to use instead of the built-in one: a JSON file, or a folder with catalog.json and catalog.d/*.json")
	f.StringVar(&o.DataDir, "data-dir", refdata.DefaultDir(), `reference data directory kept by "chokepoint data" ("" for none)`)
	f.StringSliceVar(&o.ASNTables, "asn-table", nil, "prefix-to-AS table (CAIDA pfx2as, iptoasn TSV) or asnames file; repeatable")
	return cmd
}
