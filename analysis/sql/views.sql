-- Views the other queries read, over the tables of "chokepoint classify"
-- (domains, dependencies, addresses, elements, closure), which the engine
-- registers first as views of the same names over
-- DIR/<table>/shard=*/part-*.parquet (DuckDB: read_parquet; Spark SQL:
-- CREATE TEMPORARY VIEW ... USING parquet OPTIONS (path ...)).
--
-- Portable SQL: it runs on DuckDB and on Spark SQL as it is. Avoided on
-- purpose: ::casts (CAST), string_agg/list/array functions (their names
-- differ), QUALIFY, FILTER (WHERE ...) on aggregates (CASE inside SUM),
-- boolean aggregates bool_or/bool_and (MAX of a CASE), LOG(b, x) whose
-- argument order differs (LN(x) / LN(2)), integer division (CAST AS
-- DOUBLE first), GREATEST over NULLs (CASE), and USING joins on columns
-- whose names differ in case.

-- The list-wide totals: domains and Σ 1/rank.
CREATE OR REPLACE TEMPORARY VIEW list_totals AS
SELECT COUNT(*) AS domains, SUM(weight) AS weight FROM domains;

-- The state the crawl recorded for each domain and layer, and whether
-- the domain depends critically on one provider there
-- (classify.Result.Critical; on ca the CA's OCSP responder must be asked).
CREATE OR REPLACE TEMPORARY VIEW domain_layer_raw AS
SELECT domain, rank, weight, 'dns' AS layer, dns_state AS state, dns_critical AS critical FROM domains
UNION ALL SELECT domain, rank, weight, 'cdn', cdn_state, cdn_critical FROM domains
UNION ALL SELECT domain, rank, weight, 'hosting', hosting_state, hosting_critical FROM domains
UNION ALL SELECT domain, rank, weight, 'email', email_state, email_critical FROM domains
UNION ALL SELECT domain, rank, weight, 'ca', ca_state, ca_critical FROM domains
UNION ALL SELECT domain, rank, weight, 'tld', tld_state, tld_critical FROM domains;

-- The distinct providers of each domain on each layer, with how the best
-- of their dependencies named them (metrics.Coverage: 0 suffix, 1 owner
-- domain, 2 address, 3 self, 4 uncatalogued).
CREATE OR REPLACE TEMPORARY VIEW domain_providers AS
SELECT domain, layer, provider,
       MAX(CASE WHEN catalogued THEN 1 ELSE 0 END) AS catalogued,
       MIN(coverage) AS coverage
FROM dependencies
GROUP BY domain, layer, provider;

-- Per domain and layer: the number of providers, whether one is self,
-- the best coverage class.
CREATE OR REPLACE TEMPORARY VIEW domain_layer_deps AS
SELECT domain, layer, COUNT(*) AS providers,
       MAX(CASE WHEN provider = 'self' THEN 1 ELSE 0 END) AS self,
       MIN(coverage) AS coverage
FROM domain_providers
GROUP BY domain, layer;

-- The effective state of each domain on each layer (metrics.Compute):
-- a domain with a dependency on the layer is known; one marked known
-- without any is unattributed; an unknown state is unresolved.
CREATE OR REPLACE TEMPORARY VIEW domain_layers AS
SELECT r.domain, r.rank, r.weight, r.layer,
       CASE WHEN d.domain IS NOT NULL THEN 'known'
            WHEN r.state = 'known' THEN 'unattributed'
            WHEN r.state IN ('none', 'unattributed', 'unresolved', 'not_measured') THEN r.state
            ELSE 'unresolved' END AS state,
       r.critical,
       COALESCE(d.providers, 0) AS providers,
       COALESCE(d.self, 0) AS self,
       d.coverage
FROM domain_layer_raw r
LEFT JOIN domain_layer_deps d ON d.domain = r.domain AND d.layer = r.layer;

-- The "any" layer (metrics.AnyLayers: dns, cdn, hosting, email): the
-- providers of a domain on any of them.
CREATE OR REPLACE TEMPORARY VIEW any_providers AS
SELECT domain, 'any' AS layer, provider,
       MAX(catalogued) AS catalogued, MIN(coverage) AS coverage
FROM domain_providers
WHERE layer IN ('dns', 'cdn', 'hosting', 'email')
GROUP BY domain, provider;

-- The state of a domain over the "any" layers: known when one layer is,
-- else the first of unattributed, unresolved, none (not_measured counts
-- as none) that a layer has. Critical: one third-party provider.
CREATE OR REPLACE TEMPORARY VIEW any_layers AS
SELECT s.domain, s.rank, s.weight, 'any' AS layer,
       CASE WHEN s.known > 0 THEN 'known'
            WHEN s.unattributed > 0 THEN 'unattributed'
            WHEN s.unresolved > 0 THEN 'unresolved'
            WHEN s.none > 0 THEN 'none'
            ELSE 'unresolved' END AS state,
       CASE WHEN COALESCE(p.providers, 0) = 1 AND COALESCE(p.self, 0) = 0 THEN TRUE ELSE FALSE END AS critical,
       COALESCE(p.providers, 0) AS providers,
       COALESCE(p.self, 0) AS self,
       p.coverage
FROM (
  SELECT domain, MAX(rank) AS rank, MAX(weight) AS weight,
         SUM(CASE WHEN state = 'known' THEN 1 ELSE 0 END) AS known,
         SUM(CASE WHEN state = 'unattributed' THEN 1 ELSE 0 END) AS unattributed,
         SUM(CASE WHEN state = 'unresolved' THEN 1 ELSE 0 END) AS unresolved,
         SUM(CASE WHEN state IN ('none', 'not_measured') THEN 1 ELSE 0 END) AS none
  FROM domain_layers
  WHERE layer IN ('dns', 'cdn', 'hosting', 'email')
  GROUP BY domain
) s
LEFT JOIN (
  SELECT domain, COUNT(*) AS providers,
         MAX(CASE WHEN provider = 'self' THEN 1 ELSE 0 END) AS self,
         MIN(coverage) AS coverage
  FROM any_providers
  GROUP BY domain
) p ON p.domain = s.domain;

-- Every layer and "any" together: one row per domain and layer.
CREATE OR REPLACE TEMPORARY VIEW all_layers AS
SELECT * FROM domain_layers
UNION ALL SELECT * FROM any_layers;

-- The providers of every known domain on every layer and "any", with
-- whether the domain depends on that provider alone (critical).
CREATE OR REPLACE TEMPORARY VIEW all_providers AS
SELECT p.domain, p.layer, p.provider, p.catalogued, l.weight, l.critical
FROM (SELECT domain, layer, provider, catalogued FROM domain_providers
      UNION ALL SELECT domain, layer, provider, catalogued FROM any_providers) p
JOIN all_layers l ON l.domain = p.domain AND l.layer = p.layer;
