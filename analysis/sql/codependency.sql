-- The co-dependent pairs of companies (graph.Graph.CoDependency,
-- codependency.csv), in two statements. Portable: see views.sql.
--
-- 1. The pairs of companies that share the most domains on dns, cdn,
--    hosting and email (not ca or tld, where nearly every domain would
--    pair its CA with its registry), by domains descending then names;
--    self-hosted dependencies name no company. The engine appends the
--    LIMIT (reports.CoDependencyPairs).
SELECT a.company AS provider_a, b.company AS provider_b, COUNT(*) AS domains
FROM (SELECT DISTINCT domain, provider AS company FROM dependencies
      WHERE svc <> '' AND layer IN ('dns', 'cdn', 'hosting', 'email')) a
JOIN (SELECT DISTINCT domain, provider AS company FROM dependencies
      WHERE svc <> '' AND layer IN ('dns', 'cdn', 'hosting', 'email')) b
  ON b.domain = a.domain AND a.company < b.company
GROUP BY a.company, b.company
ORDER BY domains DESC, provider_a, provider_b;

-- 2. The domains each pair takes down only together: those down when
--    both fail minus those down when either fails alone. Each pair is an
--    element of kind 'pair' (two rows of elements, one per company, and
--    the closure rows of the two failing at once), so the views of
--    blast.sql give its radius; the companies alone are their own
--    'provider' elements.
SELECT p.element,
       COALESCE(MAX(r.domains), 0) - COALESCE(MAX(a.domains), 0) AS down_together
FROM (SELECT DISTINCT element FROM elements WHERE kind = 'pair') p
LEFT JOIN radius r ON r.element = p.element
LEFT JOIN (
  SELECT x.element, COUNT(DISTINCT o.domain) AS domains
  FROM elements x
  JOIN elements e ON e.kind = 'provider' AND e.company = x.company
  JOIN domain_outcome o ON o.element = e.element AND o.down = 1
  WHERE x.kind = 'pair'
  GROUP BY x.element
) a ON a.element = p.element
GROUP BY p.element;
