//go:build duckdb

package pipeline

import _ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

func init() { duckdbBuilt = true }
