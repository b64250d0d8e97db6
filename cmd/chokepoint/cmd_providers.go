package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

func newProvidersCmd(stdout io.Writer) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "List the providers of the catalog with their layers and suffixes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := loadCatalog(path)
			if err != nil {
				return err
			}
			return writeProviders(stdout, cat)
		},
	}
	cmd.Flags().StringVar(&path, "catalog", "", "provider catalog JSON file to use instead of the built-in one")
	return cmd
}

func writeProviders(w io.Writer, cat *catalog.Catalog) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tPROVIDER\tSERVICE\tLAYERS\tNAME\n")
	for _, p := range cat.Providers() {
		layers := make([]string, len(p.Layers))
		for i, l := range p.Layers {
			layers[i] = string(l)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Company, p.Service, strings.Join(layers, ","), p.Name)
	}
	fmt.Fprintf(tw, "\n%d providers, catalog version %s\n", len(cat.Providers()), cat.Version)
	return tw.Flush()
}
