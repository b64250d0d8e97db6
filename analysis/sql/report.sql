-- The parts of report.html on the list's domains that are not figures of
-- the other files (reports.HTMLDomains): small aggregates, and rows the
-- engine reads in a bounded number. They read only the tables of
-- "chokepoint classify" (domains, dependencies) and flow_upstreams, a
-- table the engine fills from the provider graph
-- (reports.FlowUpstreams: svc "company/service", upstream company).
-- Six queries, in this order (the engine reads them by position);
-- portable SQL as in views.sql.

-- 1. Whether some domain has a rank (the table of domains shows ranks).
SELECT COUNT(*) AS ranked FROM domains WHERE rank > 0;

-- 2. The TLDs of the list each registry runs (the CA/TLD section).
SELECT DISTINCT provider, service FROM dependencies WHERE layer = 'tld';

-- 3. The flow chart's second step: the domains that use a service of a
-- provider which depends on an upstream company, each domain once per
-- pair, on the layers the chart draws (reports.FlowLayer: not ca, not
-- tld). Its first step, the domains using each provider on each layer,
-- is providers.sql's.
SELECT d.provider AS provider, u.upstream AS upstream, COUNT(DISTINCT d.domain) AS domains
FROM dependencies d
JOIN flow_upstreams u ON u.svc = d.svc
WHERE d.layer NOT IN ('ca', 'tld')
GROUP BY d.provider, u.upstream;

-- 4. The domains ranked up to reports.TopRank (the top-of-list figures,
-- computed over them in Go), with their dependencies in 5.
SELECT domain, rank, status, error, dns_state, cdn_state, hosting_state, email_state, ca_state, tld_state, ca_critical
FROM domains
WHERE rank > 0 AND rank <= 1000
ORDER BY rank, domain;

-- 5.
SELECT domain, layer, provider, service, region, evidence, evidence_value, confidence, third_party, catalogued
FROM dependencies
WHERE rank > 0 AND rank <= 1000
ORDER BY domain, seq;

-- 6. The table of domains, in report order (domains.csv's); the engine
-- adds LIMIT reports.MaxTableDomains.
SELECT rank, domain, status, dns_state, dns_providers, cdn_state, cdn_providers, hosting_state, hosting_providers,
       email_state, email_providers, ca_state, ca_providers, tld_state, tld_providers
FROM domains
ORDER BY CASE WHEN rank > 0 THEN 0 ELSE 1 END, rank, domain, status, error
