package main

import (
	"context"
	"io"
	"os"
	"testing"
)

func TestZZProf(t *testing.T) {
	if os.Getenv("ZZ_OBS") == "" {
		t.Skip()
	}
	d := os.Getenv("ZZ_OBS")
	o := analyzeOptions{Inputs: []string{d + "/observations.jsonl"}, Out: t.TempDir(), ASNDB: d + "/simnet/simnet-asn.mmdb", CountryDB: d + "/simnet/simnet-country.mmdb", DataDir: d + "/simnet/simnet-data", Quiet: true, Bootstrap: 200, BootstrapSeed: 1}
	if err := runAnalyze(context.Background(), o, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
}
