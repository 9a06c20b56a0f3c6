-- name: customers_owner_left
-- Customers whose current owner has left the department (by the store's today): they need
-- a new owner. With the customer's tier, the owner and the day they left, and the
-- customer's sales in the last 12 months (how much is at stake).
-- params: regions, salespeople, tiers, industries, today
-- columns: customer_id, customer_name, tier, owner_id, owner_name, left_on, sales_12_months_cny
SELECT c.customer_id, c.name AS customer_name, c.tier, c.owner_id, sp.name AS owner_name, sp.left_on,
       coalesce((SELECT sum(s.amount) FROM sales s
                 WHERE s.customer_id = c.customer_id AND s.order_date > $today::DATE - INTERVAL 12 MONTH
                   AND s.order_date <= $today::DATE), 0) AS sales_12_months_cny
FROM kpi_customers($regions, $salespeople, $tiers, $industries) c
JOIN salespeople sp ON sp.salesperson_id = c.owner_id
WHERE sp.left_on IS NOT NULL AND sp.left_on <= $today::DATE
ORDER BY sales_12_months_cny DESC, c.customer_id
