package classify

// ListHints is the exported form of what Finish needs of one domain, for
// a classification split over processes (chokepoint classify, one
// process per shard): a shard writes the hints of its pending domains
// (Result.Pending) beside their dependencies, and one process reads the
// pending domains of every shard back, sets their hints (SetListHints)
// and calls Finish over all of them together, which then decides exactly
// as over the whole list in one process (Finish reads nothing but the
// hints of pending results).
type ListHints struct {
	Own   string   `json:"own"`
	SOAM  string   `json:"soa_mname,omitempty"`
	SOAR  string   `json:"soa_rname,omitempty"`
	Head  bool     `json:"head,omitempty"`
	Solo  bool     `json:"solo,omitempty"`
	NSOps []string `json:"ns_ops,omitempty"`
	MXOps []string `json:"mx_ops,omitempty"`
	Owned bool     `json:"owned,omitempty"`
}

// Pending reports whether Finish has still to decide something for r:
// only pending results can change in Finish.
func (r *Result) Pending() bool { return r.hints != nil }

// ListHints returns r's hints for Finish, nil when r is not pending.
func (r *Result) ListHints() *ListHints {
	h := r.hints
	if h == nil {
		return nil
	}
	return &ListHints{Own: h.own, SOAM: h.soaM, SOAR: h.soaR, Head: h.head, Solo: h.solo, NSOps: h.nsOps, MXOps: h.mxOps, Owned: h.owned}
}

// SetListHints gives r the hints h (nil: r is not pending), as read back
// from a shard's output.
func (r *Result) SetListHints(h *ListHints) {
	if h == nil {
		r.hints = nil
		return
	}
	r.hints = &listHints{own: h.Own, soaM: h.SOAM, soaR: h.SOAR, head: h.Head, solo: h.Solo, nsOps: h.NSOps, mxOps: h.MXOps, owned: h.Owned}
}
