package graph

// CompareElements orders elements as Elements lists them: by kind (Kinds
// order), then company, service, region, AS number and country.
func CompareElements(a, b Element) int { return compareElements(a, b) }
