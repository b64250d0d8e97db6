package graph

// CompareElements orders elements as Elements lists them: by kind (Kinds
// order), then company, service, region, AS number and country.
func CompareElements(a, b Element) int { return compareElements(a, b) }

// Sized sets the size of the list g stands for when it was built without
// domains (Build(nil, ...)): Domains returns it. An engine that computes
// the blast radii elsewhere (pipeline.DuckDBEngine, in SQL) keeps the
// provider graph's edges and cycles with the list's size.
func (g *Graph) Sized(n int) *Graph {
	g.listSize = n
	return g
}
