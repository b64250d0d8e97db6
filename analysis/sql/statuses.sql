-- Domains by crawl status (metrics.Summary.Statuses).
SELECT status, COUNT(*) AS domains FROM domains GROUP BY status ORDER BY status
