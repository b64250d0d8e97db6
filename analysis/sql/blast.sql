-- The blast radius of every element (graph.Graph.BlastRadii): provider,
-- service, region, AS and country, one row each in the order of the
-- elements table. An element takes down:
--   * services: its own (a provider's every service, a service itself)
--     and those of the closure table, computed in Go from the provider
--     graph (a service fails when all its upstreams of one kind fail; a
--     CDN whose target zone's DNS fails loses its names only; an AS takes
--     down a catalogued service all of whose AS numbers it is);
--   * dependencies: those on a failed service (on a names-only one: those
--     found by a CNAME name), those in a failed region;
--   * address sets: a domain's addresses on one layer all in a failed AS
--     or country;
--   * a domain's layer (a "slot") when all its dependencies there failed
--     (a self-hosted one never does) or all its addresses there did;
--   * a domain when its dns, cdn, hosting or tld layer fails, or its ca
--     layer and it depends critically on its CA; its e-mail when the
--     email layer fails.
-- A domain goes down directly when a slot of it fails through the
-- element itself (its own services, region, AS or country), transitively
-- when only through an upstream's failure.
-- The views below are also read by spof.sql and codependency.sql. Elements
-- are keyed by their ord (eid), domains by did (views.sql).
-- Portable: see views.sql.
CREATE OR REPLACE TEMPORARY VIEW own_services AS
SELECT DISTINCT e.ord AS eid, d.svc
FROM elements e
JOIN (SELECT DISTINCT provider, svc FROM dependencies WHERE svc <> '') d
  ON (e.kind = 'provider' AND d.provider = e.company) OR (e.kind = 'service' AND d.svc = e.svc);

CREATE OR REPLACE TEMPORARY VIEW failed_services AS
SELECT eid, svc,
       MAX(direct) AS direct,
       MIN(names_only) AS names_only
FROM (
  SELECT eid, svc, 1 AS direct, 0 AS names_only FROM own_services
  UNION ALL
  SELECT e.ord, c.svc, CASE WHEN c.direct THEN 1 ELSE 0 END, CASE WHEN c.names_only THEN 1 ELSE 0 END
  FROM closure c
  JOIN elements e ON e.element = c.element
) s
GROUP BY eid, svc;

-- The addresses the provider graph records, with their domain's key.
CREATE OR REPLACE TEMPORARY VIEW addr_keys AS
SELECT k.did, a.layer, a.asn, a.country
FROM addresses a
JOIN domain_keys k ON k.domain = a.domain
WHERE a.in_graph;

-- Per domain: its weight, whether it depends critically on its CA, and
-- the size of each of its slots: L_deps dependencies, L_addrs addresses.
CREATE OR REPLACE TEMPORARY VIEW domain_slots AS
SELECT k.did, k.weight, k.ca_critical,
       COALESCE(d.dns, 0) AS dns_deps, COALESCE(a.dns, 0) AS dns_addrs,
       COALESCE(d.cdn, 0) AS cdn_deps, COALESCE(a.cdn, 0) AS cdn_addrs,
       COALESCE(d.hosting, 0) AS hosting_deps, COALESCE(a.hosting, 0) AS hosting_addrs,
       COALESCE(d.email, 0) AS email_deps, COALESCE(a.email, 0) AS email_addrs,
       COALESCE(d.ca, 0) AS ca_deps, COALESCE(a.ca, 0) AS ca_addrs,
       COALESCE(d.tld, 0) AS tld_deps, COALESCE(a.tld, 0) AS tld_addrs
FROM domain_keys k
LEFT JOIN (
  SELECT did,
         COUNT(CASE WHEN layer = 'dns' THEN 1 END) AS dns,
         COUNT(CASE WHEN layer = 'cdn' THEN 1 END) AS cdn,
         COUNT(CASE WHEN layer = 'hosting' THEN 1 END) AS hosting,
         COUNT(CASE WHEN layer = 'email' THEN 1 END) AS email,
         COUNT(CASE WHEN layer = 'ca' THEN 1 END) AS ca,
         COUNT(CASE WHEN layer = 'tld' THEN 1 END) AS tld
  FROM dep_keys
  GROUP BY did
) d ON d.did = k.did
LEFT JOIN (
  SELECT did,
         COUNT(CASE WHEN layer = 'dns' THEN 1 END) AS dns,
         COUNT(CASE WHEN layer = 'cdn' THEN 1 END) AS cdn,
         COUNT(CASE WHEN layer = 'hosting' THEN 1 END) AS hosting,
         COUNT(CASE WHEN layer = 'email' THEN 1 END) AS email,
         COUNT(CASE WHEN layer = 'ca' THEN 1 END) AS ca,
         COUNT(CASE WHEN layer = 'tld' THEN 1 END) AS tld
  FROM addr_keys
  GROUP BY did
) a ON a.did = k.did;

-- What each element fails of each domain's slot (domain and layer), not
-- stored: the dependencies failed (deps; a dependency fails at most once
-- per element: its service's row is unique per element, and a region
-- fails no service), of them those failed directly (direct), and the
-- addresses failed (addrs, in a failed AS or country). COUNT, not SUM:
-- small states, one grouping of a few columns.
CREATE OR REPLACE TEMPORARY VIEW slot_failures AS
SELECT eid, did, layer,
       COUNT(CASE WHEN addr = 0 THEN 1 END) AS deps,
       COUNT(CASE WHEN addr = 0 AND direct = 1 THEN 1 END) AS direct,
       COUNT(CASE WHEN addr = 1 THEN 1 END) AS addrs
FROM (
  SELECT f.eid, k.did, k.layer, f.direct, 0 AS addr
  FROM dep_keys k
  JOIN failed_services f ON f.svc = k.svc
  WHERE f.names_only = 0 OR k.by_name
  UNION ALL
  SELECT e.ord, k.did, k.layer, 1, 0
  FROM dep_keys k
  JOIN elements e ON e.kind = 'region' AND e.region_key = k.region_key
  UNION ALL
  SELECT e.ord, a.did, a.layer, 1, 1
  FROM addr_keys a
  JOIN elements e ON e.kind = 'asn' AND e.asn = a.asn
  UNION ALL
  SELECT e.ord, a.did, a.layer, 1, 1
  FROM addr_keys a
  JOIN elements e ON e.kind = 'country' AND e.country = a.country
) x
GROUP BY eid, did, layer;

-- The slots each element takes down, not stored: all their dependencies
-- or all their addresses failed; directly when all their dependencies
-- failed directly, or their addresses did.
CREATE OR REPLACE TEMPORARY VIEW dead_slots AS
SELECT f.eid, f.did, f.layer, s.weight, s.ca_critical,
       CASE WHEN f.deps > 0 AND f.direct = CASE f.layer WHEN 'dns' THEN s.dns_deps WHEN 'cdn' THEN s.cdn_deps WHEN 'hosting' THEN s.hosting_deps WHEN 'email' THEN s.email_deps WHEN 'ca' THEN s.ca_deps ELSE s.tld_deps END THEN 1
            WHEN f.addrs > 0 AND f.addrs = CASE f.layer WHEN 'dns' THEN s.dns_addrs WHEN 'cdn' THEN s.cdn_addrs WHEN 'hosting' THEN s.hosting_addrs WHEN 'email' THEN s.email_addrs WHEN 'ca' THEN s.ca_addrs ELSE s.tld_addrs END THEN 1
            ELSE 0 END AS direct
FROM slot_failures f
JOIN domain_slots s ON s.did = f.did
WHERE (f.deps > 0 AND f.deps = CASE f.layer WHEN 'dns' THEN s.dns_deps WHEN 'cdn' THEN s.cdn_deps WHEN 'hosting' THEN s.hosting_deps WHEN 'email' THEN s.email_deps WHEN 'ca' THEN s.ca_deps ELSE s.tld_deps END)
   OR (f.addrs > 0 AND f.addrs = CASE f.layer WHEN 'dns' THEN s.dns_addrs WHEN 'cdn' THEN s.cdn_addrs WHEN 'hosting' THEN s.hosting_addrs WHEN 'email' THEN s.email_addrs WHEN 'ca' THEN s.ca_addrs ELSE s.tld_addrs END);

-- Per element and domain with a dead slot: down when a required layer
-- (dns, cdn, hosting, tld) fails, or its CA's layer and it depends
-- critically on its CA; direct when one of those failed directly.
CREATE OR REPLACE TEMPORARY VIEW domain_outcome AS
SELECT eid, did, MAX(weight) AS weight,
       MAX(CASE WHEN layer IN ('dns', 'cdn', 'hosting', 'tld') OR (layer = 'ca' AND ca_critical) THEN 1 ELSE 0 END) AS down,
       MAX(CASE WHEN (layer IN ('dns', 'cdn', 'hosting', 'tld') OR (layer = 'ca' AND ca_critical)) AND direct = 1 THEN 1 ELSE 0 END) AS direct,
       MAX(CASE WHEN layer = 'email' THEN 1 ELSE 0 END) AS email,
       MAX(CASE WHEN layer = 'ca' AND ca_critical THEN 1 ELSE 0 END) AS ca,
       MAX(CASE WHEN layer = 'tld' THEN 1 ELSE 0 END) AS tld,
       MAX(CASE WHEN layer IN ('dns', 'cdn', 'hosting') THEN 1 ELSE 0 END) AS serving
FROM dead_slots
GROUP BY eid, did;

CREATE OR REPLACE TEMPORARY VIEW radius AS
SELECT eid,
       SUM(down) AS domains,
       SUM(CASE WHEN down = 1 AND direct = 1 THEN 1 ELSE 0 END) AS direct,
       SUM(CASE WHEN down = 1 THEN weight ELSE 0 END) AS weight,
       SUM(email) AS email_domains,
       SUM(CASE WHEN down = 1 AND ca = 1 THEN 1 ELSE 0 END) AS ca_domains,
       SUM(CASE WHEN down = 1 AND tld = 1 THEN 1 ELSE 0 END) AS tld_domains,
       SUM(CASE WHEN down = 1 AND serving = 1 THEN 1 ELSE 0 END) AS serving_domains
FROM domain_outcome
GROUP BY eid;

CREATE OR REPLACE TEMPORARY VIEW service_counts AS
SELECT eid, COUNT(*) AS services FROM failed_services GROUP BY eid;

-- blast.csv's rows: shares of the whole list (weighted: Σ 1/rank of the
-- domains down over the list's; the share when no domain has a rank).
SELECT e.ord, e.kind, e.element, e.company, e.svc, e.region_key, e.asn, e.country,
       COALESCE(r.domains, 0) AS domains,
       COALESCE(r.direct, 0) AS direct,
       COALESCE(r.domains, 0) - COALESCE(r.direct, 0) AS transitive,
       CASE WHEN t.domains > 0 THEN CAST(COALESCE(r.domains, 0) AS DOUBLE) / t.domains ELSE 0 END AS share,
       CASE WHEN t.domains = 0 THEN 0
            WHEN t.weight > 0 THEN COALESCE(r.weight, 0) / t.weight
            ELSE CAST(COALESCE(r.domains, 0) AS DOUBLE) / t.domains END AS weighted_share,
       COALESCE(r.email_domains, 0) AS email_domains,
       CASE WHEN t.domains > 0 THEN CAST(COALESCE(r.email_domains, 0) AS DOUBLE) / t.domains ELSE 0 END AS email_share,
       COALESCE(c.services, 0) AS services,
       COALESCE(r.ca_domains, 0) AS ca_domains,
       COALESCE(r.tld_domains, 0) AS tld_domains,
       COALESCE(r.serving_domains, 0) AS serving_domains
FROM elements e
CROSS JOIN list_totals t
LEFT JOIN radius r ON r.eid = e.ord
LEFT JOIN service_counts c ON c.eid = e.ord
ORDER BY e.ord
