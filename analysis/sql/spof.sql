-- The single points of failure (graph.Graph.SinglePoints): every domain
-- whose dns, cdn or hosting layer one company's failure takes down
-- (directly or through its upstreams), one row per domain and company, in
-- report order (ranked domains first, by rank, then by name; companies
-- sorted), with the domain's providers on those layers for the engine to
-- tell "all on one" and "no escape hatch". Reads the views of blast.sql.
-- Portable: see views.sql.
SELECT d.domain, d.rank, e.company, d.dns_providers, d.cdn_providers, d.hosting_providers
FROM domain_outcome o
JOIN elements e ON e.ord = o.eid AND e.kind = 'provider'
JOIN domain_keys d ON d.did = o.did
WHERE o.serving = 1
ORDER BY o.did, e.company
