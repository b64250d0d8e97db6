-- One row per layer and "any" (metrics.LayerSummary): the domain counts by
-- state, the rates' numerators, and the concentration of the third-party
-- providers ("self" excluded): HHI, CR-1/3/5, Gini, entropy (bits and
-- normalised) over the domain counts and over the rank weights (Σ 1/rank;
-- the domain counts when no known domain has a rank), and the EMD from one
-- provider per domain (each self-hosted domain its own provider of one).
-- The EMD follows analysis/metrics/emd.go, as site_countries.sql does:
-- change the three together.
-- Portable: see views.sql.
WITH counts AS (
  SELECT layer,
         COUNT(*) AS domains,
         SUM(CASE WHEN state = 'known' THEN 1 ELSE 0 END) AS known,
         SUM(CASE WHEN state = 'none' THEN 1 ELSE 0 END) AS none,
         SUM(CASE WHEN state = 'unattributed' THEN 1 ELSE 0 END) AS unattributed,
         SUM(CASE WHEN state = 'unresolved' THEN 1 ELSE 0 END) AS unresolved,
         SUM(CASE WHEN state = 'not_measured' THEN 1 ELSE 0 END) AS not_measured,
         SUM(CASE WHEN state = 'known' AND rank > 0 THEN 1 ELSE 0 END) AS ranked,
         SUM(CASE WHEN state = 'known' THEN weight ELSE 0 END) AS weight,
         SUM(CASE WHEN state = 'known' AND self = 1 THEN 1 ELSE 0 END) AS self_hosted,
         SUM(CASE WHEN state = 'known' AND critical THEN 1 ELSE 0 END) AS critical_domains,
         SUM(CASE WHEN state = 'known' AND providers >= 2 THEN 1 ELSE 0 END) AS redundant_domains,
         SUM(CASE WHEN state = 'known' AND coverage = 0 THEN 1 ELSE 0 END) AS cov_suffix,
         SUM(CASE WHEN state = 'known' AND coverage = 1 THEN 1 ELSE 0 END) AS cov_owner_domain,
         SUM(CASE WHEN state = 'known' AND coverage = 2 THEN 1 ELSE 0 END) AS cov_address,
         SUM(CASE WHEN state = 'known' AND coverage = 3 THEN 1 ELSE 0 END) AS cov_self,
         SUM(CASE WHEN state = 'known' AND coverage = 4 THEN 1 ELSE 0 END) AS cov_uncatalogued
  FROM all_layers
  GROUP BY layer
),
third_party AS (
  SELECT layer, provider, CAST(domains AS DOUBLE) AS domains, weight
  FROM provider_counts
  WHERE provider <> 'self'
),
-- The two vectors of each layer: 'n' the domain counts, 'w' the rank
-- weights (the counts when the layer's known domains have no rank).
vectors AS (
  SELECT t.layer, 'n' AS vec, t.provider, t.domains AS v FROM third_party t
  UNION ALL
  SELECT t.layer, 'w' AS vec, t.provider, CASE WHEN c.weight > 0 THEN t.weight ELSE t.domains END AS v
  FROM third_party t JOIN counts c ON c.layer = t.layer
),
ordered AS (
  SELECT layer, vec, provider, v,
         SUM(v) OVER (PARTITION BY layer, vec) AS total,
         COUNT(*) OVER (PARTITION BY layer, vec) AS n,
         ROW_NUMBER() OVER (PARTITION BY layer, vec ORDER BY v DESC, provider) AS rank_desc,
         ROW_NUMBER() OVER (PARTITION BY layer, vec ORDER BY v ASC, provider) AS rank_asc,
         SUM(v) OVER (PARTITION BY layer, vec ORDER BY v DESC, provider ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_desc
  FROM vectors
),
figures AS (
  SELECT layer, vec,
         MAX(n) AS n,
         MAX(total) AS total,
         SUM(CASE WHEN total > 0 THEN (100.0 * v / total) * (100.0 * v / total) ELSE 0 END) AS hhi,
         SUM(CAST(v AS BIGINT) * CAST(v AS BIGINT)) AS sum_sq,
         SUM(CASE WHEN total > 0 AND rank_desc <= 1 THEN v / total ELSE 0 END) AS cr1,
         SUM(CASE WHEN total > 0 AND rank_desc <= 3 THEN v / total ELSE 0 END) AS cr3,
         SUM(CASE WHEN total > 0 AND rank_desc <= 5 THEN v / total ELSE 0 END) AS cr5,
         SUM(CAST(rank_asc AS DOUBLE) * v) AS rank_weighted,
         SUM(CASE WHEN total > 0 AND v > 0 THEN -(v / total) * LN(v / total) ELSE 0 END) / LN(2) AS entropy_bits,
         SUM(CASE WHEN total > 0 AND v > 0 THEN 1 ELSE 0 END) AS positive,
         SUM(cum_desc) AS sum_cum
  FROM ordered
  GROUP BY layer, vec
),
-- The HHI of the domain counts exactly (metrics.HHICounts): the integer
-- sum of their squares, then one division, so that it does not depend on
-- the order of the sum; the weighted one from the shares (metrics.HHI).
concentration AS (
  SELECT layer, vec, n, total, cr1, cr3, cr5, sum_cum,
         CASE WHEN vec = 'w' THEN hhi
              WHEN total > 0 THEN CAST(sum_sq AS DOUBLE) * 10000 / (total * total)
              ELSE 0 END AS hhi,
         CASE WHEN n = 0 OR total = 0 THEN 0
              WHEN 2 * rank_weighted / (n * total) - CAST(n + 1 AS DOUBLE) / n < 0 THEN 0
              ELSE 2 * rank_weighted / (n * total) - CAST(n + 1 AS DOUBLE) / n END AS gini,
         CASE WHEN entropy_bits < 0 AND positive < 2 THEN 0 ELSE entropy_bits END AS entropy_bits,
         CASE WHEN positive < 2 THEN 0 ELSE entropy_bits / (LN(positive) / LN(2)) END AS entropy_norm
  FROM figures
),
emd AS (
  -- Sizes: the third-party counts (largest first, cumulated in sum_cum)
  -- then self_hosted sizes of 1; N their sum, M their number.
  SELECT c.layer,
         CAST(COALESCE(f.total, 0) + c.self_hosted AS DOUBLE) AS big_n,
         CAST(COALESCE(f.n, 0) + c.self_hosted AS DOUBLE) AS big_m,
         COALESCE(f.sum_cum, 0)
           + CAST(c.self_hosted AS DOUBLE) * COALESCE(f.total, 0)
           + CAST(c.self_hosted AS DOUBLE) * (c.self_hosted + 1) / 2 AS sum_cum
  FROM counts c
  LEFT JOIN concentration f ON f.layer = c.layer AND f.vec = 'n'
)
SELECT c.layer, c.domains, c.known, c.none, c.unattributed, c.unresolved, c.not_measured, c.ranked,
       c.weight, c.self_hosted, c.critical_domains, c.redundant_domains,
       c.cov_suffix, c.cov_owner_domain, c.cov_address, c.cov_self, c.cov_uncatalogued,
       COALESCE(n.n, 0) AS providers,
       COALESCE(n.hhi, 0) AS hhi, COALESCE(n.cr1, 0) AS cr1, COALESCE(n.cr3, 0) AS cr3, COALESCE(n.cr5, 0) AS cr5,
       COALESCE(n.gini, 0) AS gini, COALESCE(n.entropy_bits, 0) AS entropy_bits, COALESCE(n.entropy_norm, 0) AS entropy_norm,
       COALESCE(w.hhi, 0) AS weighted_hhi, COALESCE(w.cr1, 0) AS weighted_cr1, COALESCE(w.cr3, 0) AS weighted_cr3,
       COALESCE(w.cr5, 0) AS weighted_cr5, COALESCE(w.gini, 0) AS weighted_gini,
       COALESCE(w.entropy_bits, 0) AS weighted_entropy_bits, COALESCE(w.entropy_norm, 0) AS weighted_entropy_norm,
       CASE WHEN e.big_n = 0 THEN 0
            WHEN (e.sum_cum + (e.big_n - e.big_m) * e.big_n - e.big_n * (e.big_n + 1) / 2) / (e.big_n * e.big_n) < 0 THEN 0
            ELSE (e.sum_cum + (e.big_n - e.big_m) * e.big_n - e.big_n * (e.big_n + 1) / 2) / (e.big_n * e.big_n) END AS emd
FROM counts c
LEFT JOIN concentration n ON n.layer = c.layer AND n.vec = 'n'
LEFT JOIN concentration w ON w.layer = c.layer AND w.vec = 'w'
JOIN emd e ON e.layer = c.layer
ORDER BY c.layer
