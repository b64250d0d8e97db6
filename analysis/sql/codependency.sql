-- The co-dependent pairs of companies (graph.Graph.CoDependency,
-- codependency.csv). Portable: see views.sql.
--
-- 1. The pairs of companies that share the most domains on dns, cdn,
--    hosting and email (not ca or tld, where nearly every domain would
--    pair its CA with its registry), by domains descending then names;
--    self-hosted dependencies name no company. The engine appends the
--    LIMIT (reports.CoDependencyPairs).
SELECT a.company AS provider_a, b.company AS provider_b, COUNT(*) AS domains
FROM (SELECT DISTINCT did, provider AS company FROM dep_keys
      WHERE svc <> '' AND layer IN ('dns', 'cdn', 'hosting', 'email')) a
JOIN (SELECT DISTINCT did, provider AS company FROM dep_keys
      WHERE svc <> '' AND layer IN ('dns', 'cdn', 'hosting', 'email')) b
  ON b.did = a.did AND a.company < b.company
GROUP BY a.company, b.company
ORDER BY domains DESC, provider_a, provider_b;

-- 2. Then, for each pair, the domains it takes down only when both fail:
--    down with both, down with neither alone. The engine registers
--    pair_elements (element, company: two rows a pair) and pair_closure
--    (element, svc, names_only: what the two failing together take down
--    through the provider graph, computed in Go), after the views of
--    blast.sql. A domain can count only when a slot of it dies with the
--    pair and with neither company alone: a slot with two dependencies
--    or more, or one on a service the pair takes down (names only or
--    not) more than either company alone does. The pair's failure is
--    computed over those candidate domains only, and the companies'
--    own failures (blast.sql's, every domain) counted over the same.
--
-- The services each pair takes down: the two companies' own and the
-- closure's.
CREATE OR REPLACE TEMPORARY VIEW pair_services AS
SELECT element, svc, MIN(names_only) AS names_only
FROM (
  SELECT p.element, d.svc, 0 AS names_only
  FROM pair_elements p
  JOIN (SELECT DISTINCT provider, svc FROM dep_keys WHERE svc <> '') d ON d.provider = p.company
  UNION ALL
  SELECT element, svc, CASE WHEN names_only THEN 1 ELSE 0 END FROM pair_closure
) s
GROUP BY element, svc;

-- The services either company of a pair takes down alone.
CREATE OR REPLACE TEMPORARY VIEW pair_alone_services AS
SELECT p.element, f.svc, MIN(f.names_only) AS names_only
FROM pair_elements p
JOIN elements e ON e.kind = 'provider' AND e.company = p.company
JOIN failed_services f ON f.eid = e.ord
GROUP BY p.element, f.svc;

-- The candidate domains: those with a slot of two dependencies or more
-- (of every pair), and of each pair those with a dependency on a service
-- the pair takes down further than either company alone.
CREATE OR REPLACE TEMPORARY VIEW multi_dep_domains AS
SELECT did FROM domain_slots
WHERE dns_deps >= 2 OR cdn_deps >= 2 OR hosting_deps >= 2 OR email_deps >= 2 OR ca_deps >= 2 OR tld_deps >= 2;

CREATE OR REPLACE TEMPORARY VIEW pair_joint_domains AS
SELECT DISTINCT j.element, d.did
FROM pair_services j
LEFT JOIN pair_alone_services a ON a.element = j.element AND a.svc = j.svc AND a.names_only <= j.names_only
JOIN dep_keys d ON d.svc = j.svc AND (j.names_only = 0 OR d.by_name)
WHERE a.svc IS NULL;

-- The candidates' slots that die with the pair, and the domains down.
CREATE OR REPLACE TEMPORARY VIEW pair_dead_slots AS
SELECT f.element, f.did, f.layer
FROM (SELECT s.element, d.did, d.layer, COUNT(*) AS failed
      FROM pair_services s
      JOIN dep_keys d ON d.svc = s.svc AND (s.names_only = 0 OR d.by_name)
      LEFT JOIN multi_dep_domains m ON m.did = d.did
      LEFT JOIN pair_joint_domains j ON j.element = s.element AND j.did = d.did
      WHERE m.did IS NOT NULL OR j.did IS NOT NULL
      GROUP BY s.element, d.did, d.layer) f
JOIN domain_slots n ON n.did = f.did
WHERE f.failed = CASE f.layer WHEN 'dns' THEN n.dns_deps WHEN 'cdn' THEN n.cdn_deps WHEN 'hosting' THEN n.hosting_deps
                              WHEN 'email' THEN n.email_deps WHEN 'ca' THEN n.ca_deps ELSE n.tld_deps END;

CREATE OR REPLACE TEMPORARY VIEW pair_down AS
SELECT DISTINCT s.element, s.did
FROM pair_dead_slots s
JOIN domain_slots d ON d.did = s.did
WHERE s.layer IN ('dns', 'cdn', 'hosting', 'tld') OR (s.layer = 'ca' AND d.ca_critical);

-- 3. Per pair: its candidates down with both, less those down with
--    either company alone.
SELECT p.element,
       COALESCE(MAX(b.domains), 0) - COALESCE(MAX(a.domains), 0) AS down_together
FROM (SELECT DISTINCT element FROM pair_elements) p
LEFT JOIN (SELECT element, COUNT(*) AS domains FROM pair_down GROUP BY element) b ON b.element = p.element
LEFT JOIN (
  SELECT x.element, COUNT(DISTINCT o.did) AS domains
  FROM pair_elements x
  JOIN elements e ON e.kind = 'provider' AND e.company = x.company
  JOIN domain_outcome o ON o.eid = e.ord AND o.down = 1
  LEFT JOIN multi_dep_domains m ON m.did = o.did
  LEFT JOIN pair_joint_domains j ON j.element = x.element AND j.did = o.did
  WHERE m.did IS NOT NULL OR j.did IS NOT NULL
  GROUP BY x.element
) a ON a.element = p.element
GROUP BY p.element;
