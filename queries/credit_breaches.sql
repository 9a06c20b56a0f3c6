-- name: credit_breaches
-- Customers whose outstanding exceeds their credit limit (SPEC §4.14) on D = the given date
-- or the store's today, whichever is earlier. Outstanding is the customer's whole (every
-- invoice, whoever issued it); the filters choose customers by their own region, current
-- owner, tier and industry. Largest excess first.
-- params: regions, salespeople, tiers, industries, as_of_date, through, today
-- columns: customer_id, customer_name, tier, region_id, owner_id, owner_name, credit_limit_cny, outstanding_cny, excess_cny
WITH owed AS (
    SELECT customer_id, sum(outstanding) AS outstanding
    FROM kpi_open_invoices($through::DATE, $today::DATE, NULL, NULL, NULL, NULL)
    GROUP BY customer_id
)
SELECT c.customer_id, c.name AS customer_name, c.tier, c.region_id, c.owner_id, sp.name AS owner_name,
       c.credit_limit AS credit_limit_cny, o.outstanding AS outstanding_cny,
       o.outstanding - c.credit_limit AS excess_cny
FROM kpi_customers($regions, $salespeople, $tiers, $industries) c
JOIN owed o ON o.customer_id = c.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = c.owner_id
WHERE o.outstanding > c.credit_limit
ORDER BY excess_cny DESC, c.customer_id
