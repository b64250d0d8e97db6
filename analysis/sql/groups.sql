-- The providers of every known domain on every layer and "any", ordered
-- by layer, domain (its key did) and provider: the engine counts the domains of each
-- set of providers, the exchangeable groups of the bootstrap
-- (metrics.Options.Bootstrap). Portable: see views.sql.
SELECT layer, did, provider FROM all_providers ORDER BY layer, did, provider
