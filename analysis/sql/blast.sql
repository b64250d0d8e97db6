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
-- The views below are also read by spof.sql. Portable: see views.sql.
CREATE OR REPLACE TEMPORARY VIEW own_services AS
SELECT DISTINCT e.element, d.svc
FROM elements e
JOIN (SELECT DISTINCT provider, svc FROM dependencies WHERE svc <> '') d
  ON (e.kind = 'provider' AND d.provider = e.company) OR (e.kind = 'service' AND d.svc = e.svc);

CREATE OR REPLACE TEMPORARY VIEW failed_services AS
SELECT element, svc,
       MAX(direct) AS direct,
       MIN(names_only) AS names_only
FROM (
  SELECT element, svc, 1 AS direct, 0 AS names_only FROM own_services
  UNION ALL
  SELECT element, svc, CASE WHEN direct THEN 1 ELSE 0 END, CASE WHEN names_only THEN 1 ELSE 0 END FROM closure
) s
GROUP BY element, svc;

-- No GROUP BY needed: a dependency fails at most once per element (its
-- service's row is unique per element, and a region fails no service).
CREATE OR REPLACE TEMPORARY VIEW failed_deps AS
SELECT f.element, d.domain, d.layer, f.direct
FROM dependencies d
JOIN failed_services f ON f.svc = d.svc
WHERE f.names_only = 0 OR d.by_name
UNION ALL
SELECT e.element, d.domain, d.layer, 1
FROM dependencies d
JOIN elements e ON e.kind = 'region' AND e.region_key = d.region_key;

CREATE OR REPLACE TEMPORARY VIEW slot_deps AS
SELECT domain, layer, COUNT(*) AS deps FROM dependencies GROUP BY domain, layer;

-- A slot dies when all its dependencies failed (counted per slot first,
-- then compared with the slot's dependencies).
CREATE OR REPLACE TEMPORARY VIEW key_dead AS
SELECT f.element, f.domain, f.layer,
       CASE WHEN f.direct = s.deps THEN 1 ELSE 0 END AS direct
FROM (SELECT element, domain, layer, COUNT(*) AS failed, SUM(direct) AS direct
      FROM failed_deps GROUP BY element, domain, layer) f
JOIN slot_deps s ON s.domain = f.domain AND s.layer = f.layer
WHERE f.failed = s.deps;

CREATE OR REPLACE TEMPORARY VIEW slot_addrs AS
SELECT domain, layer, COUNT(*) AS addrs FROM addresses WHERE in_graph GROUP BY domain, layer;

CREATE OR REPLACE TEMPORARY VIEW class_dead AS
SELECT m.element, m.domain, m.layer, 1 AS direct
FROM (
  SELECT element, domain, layer, COUNT(*) AS failed
  FROM (
    SELECT e.element, a.domain, a.layer
    FROM addresses a JOIN elements e ON e.kind = 'asn' AND e.asn = a.asn
    WHERE a.in_graph
    UNION ALL
    SELECT e.element, a.domain, a.layer
    FROM addresses a JOIN elements e ON e.kind = 'country' AND e.country = a.country
    WHERE a.in_graph
  ) x
  GROUP BY element, domain, layer
) m
JOIN slot_addrs s ON s.domain = m.domain AND s.layer = m.layer
WHERE m.failed = s.addrs;

CREATE OR REPLACE TEMPORARY VIEW dead_slots AS
SELECT element, domain, layer, MAX(direct) AS direct
FROM (SELECT * FROM key_dead UNION ALL SELECT * FROM class_dead) x
GROUP BY element, domain, layer;

-- Per element and domain: which of its layers failed (grouped before the
-- join with domains, which only adds the CA rule and the weight).
CREATE OR REPLACE TEMPORARY VIEW slot_outcome AS
SELECT element, domain,
       MAX(CASE WHEN layer IN ('dns', 'cdn', 'hosting', 'tld') THEN 1 ELSE 0 END) AS required,
       MAX(CASE WHEN layer IN ('dns', 'cdn', 'hosting', 'tld') THEN direct ELSE 0 END) AS required_direct,
       MAX(CASE WHEN layer = 'ca' THEN 1 ELSE 0 END) AS ca_dead,
       MAX(CASE WHEN layer = 'ca' THEN direct ELSE 0 END) AS ca_direct,
       MAX(CASE WHEN layer = 'email' THEN 1 ELSE 0 END) AS email,
       MAX(CASE WHEN layer = 'tld' THEN 1 ELSE 0 END) AS tld,
       MAX(CASE WHEN layer IN ('dns', 'cdn', 'hosting') THEN 1 ELSE 0 END) AS serving
FROM dead_slots
GROUP BY element, domain;

-- A domain is down when a required layer fails, or its CA's layer and it
-- depends critically on its CA.
CREATE OR REPLACE TEMPORARY VIEW domain_outcome AS
SELECT o.element, o.domain, d.weight,
       CASE WHEN o.required = 1 OR (o.ca_dead = 1 AND d.ca_critical) THEN 1 ELSE 0 END AS down,
       CASE WHEN o.required_direct = 1 OR (o.ca_direct = 1 AND d.ca_critical) THEN 1 ELSE 0 END AS direct,
       o.email,
       CASE WHEN o.ca_dead = 1 AND d.ca_critical THEN 1 ELSE 0 END AS ca,
       o.tld, o.serving
FROM slot_outcome o
JOIN domains d ON d.domain = o.domain;

CREATE OR REPLACE TEMPORARY VIEW radius AS
SELECT element,
       SUM(down) AS domains,
       SUM(CASE WHEN down = 1 AND direct = 1 THEN 1 ELSE 0 END) AS direct,
       SUM(CASE WHEN down = 1 THEN weight ELSE 0 END) AS weight,
       SUM(email) AS email_domains,
       SUM(CASE WHEN down = 1 AND ca = 1 THEN 1 ELSE 0 END) AS ca_domains,
       SUM(CASE WHEN down = 1 AND tld = 1 THEN 1 ELSE 0 END) AS tld_domains,
       SUM(CASE WHEN down = 1 AND serving = 1 THEN 1 ELSE 0 END) AS serving_domains
FROM domain_outcome
GROUP BY element;

CREATE OR REPLACE TEMPORARY VIEW service_counts AS
SELECT element, COUNT(*) AS services FROM failed_services GROUP BY element;

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
LEFT JOIN radius r ON r.element = e.element
LEFT JOIN service_counts c ON c.element = e.element
ORDER BY e.ord
