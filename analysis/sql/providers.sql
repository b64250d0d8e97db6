-- One row per provider and layer (metrics.ProviderRow, providers.csv):
-- the known domains using it, its share of the layer's known domains, its
-- rank-weighted share (Σ 1/rank of its domains over that of the layer's
-- known domains; the share when none has a rank), and the domains that
-- depend on it alone with their share. Portable: see views.sql.
WITH known AS (
  SELECT layer,
         SUM(CASE WHEN state = 'known' THEN 1 ELSE 0 END) AS known,
         SUM(CASE WHEN state = 'known' THEN weight ELSE 0 END) AS weight
  FROM all_layers
  GROUP BY layer
)
SELECT p.layer, p.provider,
       MAX(p.catalogued) AS catalogued,
       COUNT(*) AS domains,
       CAST(COUNT(*) AS DOUBLE) / MAX(k.known) AS share,
       CASE WHEN MAX(k.weight) > 0 THEN SUM(p.weight) / MAX(k.weight)
            ELSE CAST(COUNT(*) AS DOUBLE) / MAX(k.known) END AS weighted_share,
       SUM(CASE WHEN p.critical THEN 1 ELSE 0 END) AS critical_domains,
       CAST(SUM(CASE WHEN p.critical THEN 1 ELSE 0 END) AS DOUBLE) / MAX(k.known) AS critical_share
FROM all_providers p
JOIN known k ON k.layer = p.layer
GROUP BY p.layer, p.provider
ORDER BY p.layer, domains DESC, p.provider
