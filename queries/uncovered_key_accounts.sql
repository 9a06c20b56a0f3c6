-- name: uncovered_key_accounts
-- Tier-A customers with no visit in the 90 days ending on D (D−89 … D; D the period's end or
-- the store's today, whichever is earlier), with their owner and last visit (SPEC §4.10).
-- `top` of them, the longest without a visit first (NULL: all), each with how many there are in all.
-- params: end_date, regions, salespeople, industries, through, top
-- columns: customer_id, customer_name, owner_id, owner_name, region_id, last_visit_date, rows_count
SELECT c.customer_id, c.name AS customer_name, c.owner_id, sp.name AS owner_name, c.region_id,
       max(v.visit_date) AS last_visit_date, count(*) OVER () AS rows_count
FROM kpi_customers($regions, $salespeople, ['A'], $industries) c
LEFT JOIN salespeople sp ON sp.salesperson_id = c.owner_id
LEFT JOIN visits v ON v.customer_id = c.customer_id AND v.visit_date <= $through::DATE
WHERE c.registered_on <= $through::DATE
GROUP BY ALL
HAVING coalesce(max(v.visit_date), DATE '1900-01-01') < $through::DATE - 89
ORDER BY last_visit_date NULLS FIRST, c.customer_id
LIMIT $top
