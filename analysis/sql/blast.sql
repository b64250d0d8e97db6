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
         SUM(CASE WHEN layer = 'dns' THEN 1 ELSE 0 END) AS dns,
         SUM(CASE WHEN layer = 'cdn' THEN 1 ELSE 0 END) AS cdn,
         SUM(CASE WHEN layer = 'hosting' THEN 1 ELSE 0 END) AS hosting,
         SUM(CASE WHEN layer = 'email' THEN 1 ELSE 0 END) AS email,
         SUM(CASE WHEN layer = 'ca' THEN 1 ELSE 0 END) AS ca,
         SUM(CASE WHEN layer = 'tld' THEN 1 ELSE 0 END) AS tld
  FROM dep_keys
  GROUP BY did
) d ON d.did = k.did
LEFT JOIN (
  SELECT did,
         SUM(CASE WHEN layer = 'dns' THEN 1 ELSE 0 END) AS dns,
         SUM(CASE WHEN layer = 'cdn' THEN 1 ELSE 0 END) AS cdn,
         SUM(CASE WHEN layer = 'hosting' THEN 1 ELSE 0 END) AS hosting,
         SUM(CASE WHEN layer = 'email' THEN 1 ELSE 0 END) AS email,
         SUM(CASE WHEN layer = 'ca' THEN 1 ELSE 0 END) AS ca,
         SUM(CASE WHEN layer = 'tld' THEN 1 ELSE 0 END) AS tld
  FROM addr_keys
  GROUP BY did
) a ON a.did = k.did;

-- What each element fails of each domain, in one grouping (not stored):
-- on each layer L the dependencies failed (L_deps; a dependency fails at
-- most once per element: its service's row is unique per element, and a
-- region fails no service), of them those failed directly (L_direct),
-- and the addresses failed (L_addrs, in a failed AS or country).
CREATE OR REPLACE TEMPORARY VIEW slot_failures AS
SELECT eid, did,
       SUM(CASE WHEN addr = 0 AND layer = 'dns' THEN 1 ELSE 0 END) AS dns_deps,
       SUM(CASE WHEN addr = 0 AND layer = 'dns' THEN direct ELSE 0 END) AS dns_direct,
       SUM(CASE WHEN addr = 1 AND layer = 'dns' THEN 1 ELSE 0 END) AS dns_addrs,
       SUM(CASE WHEN addr = 0 AND layer = 'cdn' THEN 1 ELSE 0 END) AS cdn_deps,
       SUM(CASE WHEN addr = 0 AND layer = 'cdn' THEN direct ELSE 0 END) AS cdn_direct,
       SUM(CASE WHEN addr = 1 AND layer = 'cdn' THEN 1 ELSE 0 END) AS cdn_addrs,
       SUM(CASE WHEN addr = 0 AND layer = 'hosting' THEN 1 ELSE 0 END) AS hosting_deps,
       SUM(CASE WHEN addr = 0 AND layer = 'hosting' THEN direct ELSE 0 END) AS hosting_direct,
       SUM(CASE WHEN addr = 1 AND layer = 'hosting' THEN 1 ELSE 0 END) AS hosting_addrs,
       SUM(CASE WHEN addr = 0 AND layer = 'email' THEN 1 ELSE 0 END) AS email_deps,
       SUM(CASE WHEN addr = 0 AND layer = 'email' THEN direct ELSE 0 END) AS email_direct,
       SUM(CASE WHEN addr = 1 AND layer = 'email' THEN 1 ELSE 0 END) AS email_addrs,
       SUM(CASE WHEN addr = 0 AND layer = 'ca' THEN 1 ELSE 0 END) AS ca_deps,
       SUM(CASE WHEN addr = 0 AND layer = 'ca' THEN direct ELSE 0 END) AS ca_direct,
       SUM(CASE WHEN addr = 1 AND layer = 'ca' THEN 1 ELSE 0 END) AS ca_addrs,
       SUM(CASE WHEN addr = 0 AND layer = 'tld' THEN 1 ELSE 0 END) AS tld_deps,
       SUM(CASE WHEN addr = 0 AND layer = 'tld' THEN direct ELSE 0 END) AS tld_direct,
       SUM(CASE WHEN addr = 1 AND layer = 'tld' THEN 1 ELSE 0 END) AS tld_addrs
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
GROUP BY eid, did;

-- Per element and domain, not stored: which of its slots died (L_dead:
-- all its dependencies or all its addresses failed) and which directly
-- (L_direct: all its dependencies failed directly, or its addresses).
CREATE OR REPLACE TEMPORARY VIEW slot_outcome AS
SELECT f.eid, f.did, s.weight, s.ca_critical,
       CASE WHEN (f.dns_deps > 0 AND f.dns_deps = s.dns_deps) OR (f.dns_addrs > 0 AND f.dns_addrs = s.dns_addrs) THEN 1 ELSE 0 END AS dns_dead,
       CASE WHEN (f.dns_deps > 0 AND f.dns_direct = s.dns_deps) OR (f.dns_addrs > 0 AND f.dns_addrs = s.dns_addrs) THEN 1 ELSE 0 END AS dns_direct,
       CASE WHEN (f.cdn_deps > 0 AND f.cdn_deps = s.cdn_deps) OR (f.cdn_addrs > 0 AND f.cdn_addrs = s.cdn_addrs) THEN 1 ELSE 0 END AS cdn_dead,
       CASE WHEN (f.cdn_deps > 0 AND f.cdn_direct = s.cdn_deps) OR (f.cdn_addrs > 0 AND f.cdn_addrs = s.cdn_addrs) THEN 1 ELSE 0 END AS cdn_direct,
       CASE WHEN (f.hosting_deps > 0 AND f.hosting_deps = s.hosting_deps) OR (f.hosting_addrs > 0 AND f.hosting_addrs = s.hosting_addrs) THEN 1 ELSE 0 END AS hosting_dead,
       CASE WHEN (f.hosting_deps > 0 AND f.hosting_direct = s.hosting_deps) OR (f.hosting_addrs > 0 AND f.hosting_addrs = s.hosting_addrs) THEN 1 ELSE 0 END AS hosting_direct,
       CASE WHEN (f.email_deps > 0 AND f.email_deps = s.email_deps) OR (f.email_addrs > 0 AND f.email_addrs = s.email_addrs) THEN 1 ELSE 0 END AS email_dead,
       CASE WHEN (f.email_deps > 0 AND f.email_direct = s.email_deps) OR (f.email_addrs > 0 AND f.email_addrs = s.email_addrs) THEN 1 ELSE 0 END AS email_direct,
       CASE WHEN (f.ca_deps > 0 AND f.ca_deps = s.ca_deps) OR (f.ca_addrs > 0 AND f.ca_addrs = s.ca_addrs) THEN 1 ELSE 0 END AS ca_dead,
       CASE WHEN (f.ca_deps > 0 AND f.ca_direct = s.ca_deps) OR (f.ca_addrs > 0 AND f.ca_addrs = s.ca_addrs) THEN 1 ELSE 0 END AS ca_direct,
       CASE WHEN (f.tld_deps > 0 AND f.tld_deps = s.tld_deps) OR (f.tld_addrs > 0 AND f.tld_addrs = s.tld_addrs) THEN 1 ELSE 0 END AS tld_dead,
       CASE WHEN (f.tld_deps > 0 AND f.tld_direct = s.tld_deps) OR (f.tld_addrs > 0 AND f.tld_addrs = s.tld_addrs) THEN 1 ELSE 0 END AS tld_direct
FROM slot_failures f
JOIN domain_slots s ON s.did = f.did;

-- Per element and domain with a dead slot: down when a required layer
-- (dns, cdn, hosting, tld) fails, or its CA's layer and it depends
-- critically on its CA; direct when one of those failed directly.
CREATE OR REPLACE TEMPORARY VIEW domain_outcome AS
SELECT eid, did, weight,
       CASE WHEN dns_dead + cdn_dead + hosting_dead + tld_dead > 0 OR (ca_dead = 1 AND ca_critical) THEN 1 ELSE 0 END AS down,
       CASE WHEN dns_direct + cdn_direct + hosting_direct + tld_direct > 0 OR (ca_direct = 1 AND ca_critical) THEN 1 ELSE 0 END AS direct,
       email_dead AS email,
       CASE WHEN ca_dead = 1 AND ca_critical THEN 1 ELSE 0 END AS ca,
       tld_dead AS tld,
       CASE WHEN dns_dead + cdn_dead + hosting_dead > 0 THEN 1 ELSE 0 END AS serving
FROM slot_outcome
WHERE dns_dead + cdn_dead + hosting_dead + email_dead + ca_dead + tld_dead > 0;

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
