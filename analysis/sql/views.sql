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
--
-- Built for ten million domains: the domain names are joined once, into
-- integer keys (did, the domain's position in report order), and every
-- later join and grouping is on did; what is one row per domain and layer
-- is kept as one row per domain with a column group per layer
-- (domain_wide), unfolded by views that are not stored. The engine
-- stores (CREATE TABLE; on Spark, CACHE TABLE) the views read more than
-- once and computes the others where they are read: all_layers,
-- domain_layers, all_providers (pipeline.DuckDBEngine lists them).

-- Each domain with its integer key: its position in report order (ranked
-- domains first, by rank, then by name; spof.csv's order), and only the
-- columns the analysis reads (a stored copy of every column costs more
-- than the rest of this file).
CREATE OR REPLACE TEMPORARY VIEW domain_keys AS
SELECT ROW_NUMBER() OVER (ORDER BY CASE WHEN rank > 0 THEN 0 ELSE 1 END, rank, domain, status, error) AS did,
       domain, rank, weight,
       dns_state, dns_critical,
       cdn_state, cdn_critical,
       hosting_state, hosting_critical,
       email_state, email_critical,
       ca_state, ca_critical,
       tld_state, tld_critical,
       dns_providers, cdn_providers, hosting_providers
FROM domains;

-- The dependencies with their domain's key, and the columns the
-- analysis reads.
CREATE OR REPLACE TEMPORARY VIEW dep_keys AS
SELECT k.did, d.layer, d.provider, d.catalogued, d.coverage, d.svc, d.region_key, d.by_name
FROM dependencies d
JOIN domain_keys k ON k.domain = d.domain;

-- The list-wide totals: domains and Σ 1/rank.
CREATE OR REPLACE TEMPORARY VIEW list_totals AS
SELECT COUNT(*) AS domains, SUM(weight) AS weight FROM domains;

-- The distinct providers of each domain on each layer, with how the best
-- of their dependencies named them (metrics.Coverage: 0 suffix, 1 owner
-- domain, 2 address, 3 self, 4 uncatalogued).
CREATE OR REPLACE TEMPORARY VIEW domain_providers AS
SELECT did, layer, provider,
       MAX(CASE WHEN catalogued THEN 1 ELSE 0 END) AS catalogued,
       MIN(coverage) AS coverage
FROM dep_keys
GROUP BY did, layer, provider;

-- The "any" layer (metrics.AnyLayers: dns, cdn, hosting, email): the
-- providers of a domain on any of them.
CREATE OR REPLACE TEMPORARY VIEW any_providers AS
SELECT did, 'any' AS layer, provider,
       MAX(catalogued) AS catalogued, MIN(coverage) AS coverage
FROM domain_providers
WHERE layer IN ('dns', 'cdn', 'hosting', 'email')
GROUP BY did, provider;

-- One row per domain: on each layer L, its effective state (L_state,
-- metrics.Compute: a domain with a dependency on the layer is known; one
-- marked known without any is unattributed; an unknown state is
-- unresolved), whether it depends critically on one provider there
-- (classify.Result.Critical; on ca the CA's OCSP responder must be
-- asked), its number of providers (L_n), whether one is self (L_self),
-- the best coverage class (L_cov); the same counts over the "any" layers.
CREATE OR REPLACE TEMPORARY VIEW domain_wide AS
SELECT k.did, k.rank, k.weight,
       CASE WHEN COALESCE(p.dns_n, 0) > 0 THEN 'known'
            WHEN k.dns_state = 'known' THEN 'unattributed'
            WHEN k.dns_state IN ('none', 'unattributed', 'unresolved', 'not_measured') THEN k.dns_state
            ELSE 'unresolved' END AS dns_state,
       k.dns_critical, COALESCE(p.dns_n, 0) AS dns_n, COALESCE(p.dns_self, 0) AS dns_self, p.dns_cov,
       CASE WHEN COALESCE(p.cdn_n, 0) > 0 THEN 'known'
            WHEN k.cdn_state = 'known' THEN 'unattributed'
            WHEN k.cdn_state IN ('none', 'unattributed', 'unresolved', 'not_measured') THEN k.cdn_state
            ELSE 'unresolved' END AS cdn_state,
       k.cdn_critical, COALESCE(p.cdn_n, 0) AS cdn_n, COALESCE(p.cdn_self, 0) AS cdn_self, p.cdn_cov,
       CASE WHEN COALESCE(p.hosting_n, 0) > 0 THEN 'known'
            WHEN k.hosting_state = 'known' THEN 'unattributed'
            WHEN k.hosting_state IN ('none', 'unattributed', 'unresolved', 'not_measured') THEN k.hosting_state
            ELSE 'unresolved' END AS hosting_state,
       k.hosting_critical, COALESCE(p.hosting_n, 0) AS hosting_n, COALESCE(p.hosting_self, 0) AS hosting_self, p.hosting_cov,
       CASE WHEN COALESCE(p.email_n, 0) > 0 THEN 'known'
            WHEN k.email_state = 'known' THEN 'unattributed'
            WHEN k.email_state IN ('none', 'unattributed', 'unresolved', 'not_measured') THEN k.email_state
            ELSE 'unresolved' END AS email_state,
       k.email_critical, COALESCE(p.email_n, 0) AS email_n, COALESCE(p.email_self, 0) AS email_self, p.email_cov,
       CASE WHEN COALESCE(p.ca_n, 0) > 0 THEN 'known'
            WHEN k.ca_state = 'known' THEN 'unattributed'
            WHEN k.ca_state IN ('none', 'unattributed', 'unresolved', 'not_measured') THEN k.ca_state
            ELSE 'unresolved' END AS ca_state,
       k.ca_critical, COALESCE(p.ca_n, 0) AS ca_n, COALESCE(p.ca_self, 0) AS ca_self, p.ca_cov,
       CASE WHEN COALESCE(p.tld_n, 0) > 0 THEN 'known'
            WHEN k.tld_state = 'known' THEN 'unattributed'
            WHEN k.tld_state IN ('none', 'unattributed', 'unresolved', 'not_measured') THEN k.tld_state
            ELSE 'unresolved' END AS tld_state,
       k.tld_critical, COALESCE(p.tld_n, 0) AS tld_n, COALESCE(p.tld_self, 0) AS tld_self, p.tld_cov,
       COALESCE(a.n, 0) AS any_n, COALESCE(a.self, 0) AS any_self, a.coverage AS any_cov
FROM domain_keys k
LEFT JOIN (
  SELECT did,
         COUNT(CASE WHEN layer = 'dns' THEN 1 END) AS dns_n,
         MAX(CASE WHEN layer = 'dns' AND provider = 'self' THEN 1 ELSE 0 END) AS dns_self,
         MIN(CASE WHEN layer = 'dns' THEN coverage END) AS dns_cov,
         COUNT(CASE WHEN layer = 'cdn' THEN 1 END) AS cdn_n,
         MAX(CASE WHEN layer = 'cdn' AND provider = 'self' THEN 1 ELSE 0 END) AS cdn_self,
         MIN(CASE WHEN layer = 'cdn' THEN coverage END) AS cdn_cov,
         COUNT(CASE WHEN layer = 'hosting' THEN 1 END) AS hosting_n,
         MAX(CASE WHEN layer = 'hosting' AND provider = 'self' THEN 1 ELSE 0 END) AS hosting_self,
         MIN(CASE WHEN layer = 'hosting' THEN coverage END) AS hosting_cov,
         COUNT(CASE WHEN layer = 'email' THEN 1 END) AS email_n,
         MAX(CASE WHEN layer = 'email' AND provider = 'self' THEN 1 ELSE 0 END) AS email_self,
         MIN(CASE WHEN layer = 'email' THEN coverage END) AS email_cov,
         COUNT(CASE WHEN layer = 'ca' THEN 1 END) AS ca_n,
         MAX(CASE WHEN layer = 'ca' AND provider = 'self' THEN 1 ELSE 0 END) AS ca_self,
         MIN(CASE WHEN layer = 'ca' THEN coverage END) AS ca_cov,
         COUNT(CASE WHEN layer = 'tld' THEN 1 END) AS tld_n,
         MAX(CASE WHEN layer = 'tld' AND provider = 'self' THEN 1 ELSE 0 END) AS tld_self,
         MIN(CASE WHEN layer = 'tld' THEN coverage END) AS tld_cov
  FROM domain_providers
  GROUP BY did
) p ON p.did = k.did
LEFT JOIN (
  SELECT did, COUNT(*) AS n,
         MAX(CASE WHEN provider = 'self' THEN 1 ELSE 0 END) AS self,
         MIN(coverage) AS coverage
  FROM any_providers
  GROUP BY did
) a ON a.did = k.did;

-- One row per domain and layer, not stored: the state of each domain on
-- each layer, whether it depends critically on one provider there, its
-- number of providers, whether one is self, the best coverage class.
CREATE OR REPLACE TEMPORARY VIEW domain_layers AS
SELECT did, rank, weight, 'dns' AS layer, dns_state AS state, dns_critical AS critical, dns_n AS providers, dns_self AS self, dns_cov AS coverage FROM domain_wide
UNION ALL SELECT did, rank, weight, 'cdn', cdn_state, cdn_critical, cdn_n, cdn_self, cdn_cov FROM domain_wide
UNION ALL SELECT did, rank, weight, 'hosting', hosting_state, hosting_critical, hosting_n, hosting_self, hosting_cov FROM domain_wide
UNION ALL SELECT did, rank, weight, 'email', email_state, email_critical, email_n, email_self, email_cov FROM domain_wide
UNION ALL SELECT did, rank, weight, 'ca', ca_state, ca_critical, ca_n, ca_self, ca_cov FROM domain_wide
UNION ALL SELECT did, rank, weight, 'tld', tld_state, tld_critical, tld_n, tld_self, tld_cov FROM domain_wide;

-- Every layer and "any" together, not stored. On "any" a domain is known
-- when one of dns, cdn, hosting and email is, else the first of
-- unattributed, unresolved, none (not_measured counts as none) that one
-- has; critical: one third-party provider.
CREATE OR REPLACE TEMPORARY VIEW all_layers AS
SELECT * FROM domain_layers
UNION ALL
SELECT did, rank, weight, 'any',
       CASE WHEN dns_state = 'known' OR cdn_state = 'known' OR hosting_state = 'known' OR email_state = 'known' THEN 'known'
            WHEN dns_state = 'unattributed' OR cdn_state = 'unattributed' OR hosting_state = 'unattributed' OR email_state = 'unattributed' THEN 'unattributed'
            WHEN dns_state = 'unresolved' OR cdn_state = 'unresolved' OR hosting_state = 'unresolved' OR email_state = 'unresolved' THEN 'unresolved'
            WHEN dns_state IN ('none', 'not_measured') OR cdn_state IN ('none', 'not_measured')
              OR hosting_state IN ('none', 'not_measured') OR email_state IN ('none', 'not_measured') THEN 'none'
            ELSE 'unresolved' END,
       CASE WHEN any_n = 1 AND any_self = 0 THEN TRUE ELSE FALSE END,
       any_n, any_self, any_cov
FROM domain_wide;

-- The providers of every known domain on every layer and "any", with
-- whether the domain depends on that provider alone (critical), not
-- stored.
CREATE OR REPLACE TEMPORARY VIEW all_providers AS
SELECT p.did, p.layer, p.provider, p.catalogued, w.weight,
       CASE p.layer
         WHEN 'dns' THEN w.dns_critical
         WHEN 'cdn' THEN w.cdn_critical
         WHEN 'hosting' THEN w.hosting_critical
         WHEN 'email' THEN w.email_critical
         WHEN 'ca' THEN w.ca_critical
         WHEN 'tld' THEN w.tld_critical
         ELSE CASE WHEN w.any_n = 1 AND w.any_self = 0 THEN TRUE ELSE FALSE END END AS critical
FROM (SELECT did, layer, provider, catalogued FROM domain_providers
      UNION ALL SELECT did, layer, provider, catalogued FROM any_providers) p
JOIN domain_wide w ON w.did = p.did;

-- The domains of each provider on each layer and "any" (all_providers
-- counted once for layers.sql and providers.sql).
CREATE OR REPLACE TEMPORARY VIEW provider_counts AS
SELECT layer, provider, MAX(catalogued) AS catalogued, COUNT(*) AS domains, SUM(weight) AS weight,
       SUM(CASE WHEN critical THEN 1 ELSE 0 END) AS critical_domains
FROM all_providers
GROUP BY layer, provider;
