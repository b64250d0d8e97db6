-- The concentration of every layer over the sites of each country the
-- domain list gives (metrics.CountrySummary, site_countries.csv; not
-- where the servers are, which is countries.csv), from the table
-- site_countries (domain, country) the engine registers from the list
-- (--list). One row per country and layer: the country's domains, those
-- known on the layer, the third-party providers ("self" excluded), their
-- HHI (exactly, as layers.sql's), the EMD (each self-hosted domain its own provider of one, as in
-- layers.sql, whose window sums it repeats per country: change both
-- together) and the largest (ties by id) with its share of the known.
-- Portable: see views.sql.
WITH sites AS (
  SELECT s.country, l.did, l.layer, l.state, l.self
  FROM site_countries s
  JOIN domain_keys k ON k.domain = s.domain
  JOIN domain_layers l ON l.did = k.did
),
counts AS (
  SELECT country, layer,
         COUNT(*) AS domains,
         SUM(CASE WHEN state = 'known' THEN 1 ELSE 0 END) AS known,
         SUM(CASE WHEN state = 'known' AND self = 1 THEN 1 ELSE 0 END) AS self_hosted
  FROM sites
  GROUP BY country, layer
),
third_party AS (
  SELECT s.country, s.layer, p.provider, CAST(COUNT(*) AS DOUBLE) AS v
  FROM sites s
  JOIN domain_providers p ON p.did = s.did AND p.layer = s.layer
  WHERE s.state = 'known' AND p.provider <> 'self'
  GROUP BY s.country, s.layer, p.provider
),
ordered AS (
  SELECT country, layer, provider, v,
         SUM(v) OVER (PARTITION BY country, layer) AS total,
         COUNT(*) OVER (PARTITION BY country, layer) AS n,
         ROW_NUMBER() OVER (PARTITION BY country, layer ORDER BY v DESC, provider) AS rank_desc,
         SUM(v) OVER (PARTITION BY country, layer ORDER BY v DESC, provider ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_desc
  FROM third_party
),
figures AS (
  SELECT country, layer,
         MAX(n) AS n,
         MAX(total) AS total,
         CASE WHEN MAX(total) > 0 THEN CAST(SUM(CAST(v AS BIGINT) * CAST(v AS BIGINT)) AS DOUBLE) * 10000 / (MAX(total) * MAX(total))
              ELSE 0 END AS hhi,
         MAX(CASE WHEN rank_desc = 1 THEN provider END) AS top,
         MAX(CASE WHEN rank_desc = 1 THEN v ELSE 0 END) AS top_domains,
         SUM(cum_desc) AS sum_cum
  FROM ordered
  GROUP BY country, layer
),
emd AS (
  SELECT c.country, c.layer,
         CAST(COALESCE(f.total, 0) + c.self_hosted AS DOUBLE) AS big_n,
         CAST(COALESCE(f.n, 0) + c.self_hosted AS DOUBLE) AS big_m,
         COALESCE(f.sum_cum, 0)
           + CAST(c.self_hosted AS DOUBLE) * COALESCE(f.total, 0)
           + CAST(c.self_hosted AS DOUBLE) * (c.self_hosted + 1) / 2 AS sum_cum
  FROM counts c
  LEFT JOIN figures f ON f.country = c.country AND f.layer = c.layer
)
SELECT c.country, c.layer, c.domains, c.known,
       COALESCE(f.n, 0) AS providers,
       COALESCE(f.hhi, 0) AS hhi,
       CASE WHEN e.big_n = 0 THEN 0
            WHEN (e.sum_cum + (e.big_n - e.big_m) * e.big_n - e.big_n * (e.big_n + 1) / 2) / (e.big_n * e.big_n) < 0 THEN 0
            ELSE (e.sum_cum + (e.big_n - e.big_m) * e.big_n - e.big_n * (e.big_n + 1) / 2) / (e.big_n * e.big_n) END AS emd,
       COALESCE(f.top, '') AS top_provider,
       CASE WHEN c.known > 0 AND f.top IS NOT NULL THEN f.top_domains / c.known ELSE 0 END AS top_share
FROM counts c
LEFT JOIN figures f ON f.country = c.country AND f.layer = c.layer
JOIN emd e ON e.country = c.country AND e.layer = c.layer
ORDER BY c.country, c.layer
