-- name: uncovered_key_accounts
-- Tier-A customers with no visit in the 90 days ending on D (D−89 … D; D the period's end or
-- the store's today, whichever is earlier), with their owner and last visit (SPEC §4.10).
-- `top` of them, the longest without a visit first (NULL: all), each with how many there are in all.
-- params: end_date, regions, salespeople, industries, through, top
-- columns: customer_id, customer_name, owner_id, owner_name, region_id, last_visit_date, rows_count
WITH uncovered AS (
    SELECT c.customer_id, c.name AS customer_name, c.owner_id, c.region_id
    FROM kpi_customers($regions, $salespeople, ['A'], $industries) c
    WHERE c.registered_on <= $through::DATE
      AND NOT EXISTS (SELECT 1 FROM visits v
                      WHERE v.customer_id = c.customer_id AND v.visit_date BETWEEN $through::DATE - 89 AND $through::DATE)
), last_visits AS (  -- read for the uncovered only, not for every customer ever visited
    SELECT customer_id, max(visit_date) AS last_visit_date
    FROM visits
    WHERE visit_date <= $through::DATE AND customer_id IN (SELECT customer_id FROM uncovered)
    GROUP BY customer_id
)
SELECT u.customer_id, u.customer_name, u.owner_id, sp.name AS owner_name, u.region_id, l.last_visit_date,
       count(*) OVER () AS rows_count
FROM uncovered u
LEFT JOIN last_visits l USING (customer_id)
LEFT JOIN salespeople sp ON sp.salesperson_id = u.owner_id
ORDER BY l.last_visit_date NULLS FIRST, u.customer_id
LIMIT $top
