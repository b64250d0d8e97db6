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
SELECT p.layer, p.provider, p.catalogued, p.domains,
       CAST(p.domains AS DOUBLE) / k.known AS share,
       CASE WHEN k.weight > 0 THEN p.weight / k.weight
            ELSE CAST(p.domains AS DOUBLE) / k.known END AS weighted_share,
       p.critical_domains,
       CAST(p.critical_domains AS DOUBLE) / k.known AS critical_share
FROM provider_counts p
JOIN known k ON k.layer = p.layer
ORDER BY p.layer, p.domains DESC, p.provider
