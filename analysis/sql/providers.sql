-- One row per provider and layer (providers.csv before its shares, which
-- need the layer's known count: the engine divides): the known domains
-- using it, their rank weight, and those depending on it alone
-- (metrics.ProviderRow). Portable: see views.sql.
SELECT layer, provider,
       MAX(catalogued) AS catalogued,
       COUNT(*) AS domains,
       SUM(weight) AS weight,
       SUM(CASE WHEN critical THEN 1 ELSE 0 END) AS critical_domains
FROM all_providers
GROUP BY layer, provider
ORDER BY layer, domains DESC, provider
