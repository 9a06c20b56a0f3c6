-- name: churned_customers
-- The customers behind the churn rate (SPEC §4.6, same windows as the churn query): ordered
-- in the 12 months before the window, not within it; with their owner and last order.
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, today, through
-- columns: customer_id, customer_name, tier, owner_name, region_id, last_order_date, base_sales_cny
WITH
w AS (
    SELECT CASE WHEN $through::DATE - $start_date::DATE + 1 < 90
                THEN $through::DATE - 89 ELSE $start_date::DATE END AS window_start,
           $through::DATE AS window_end
),
orders AS (
    SELECT customer_id, order_date, amount
    FROM kpi_sales((SELECT (window_start - INTERVAL 12 MONTH)::DATE FROM w), $through::DATE,
                   $regions, $salespeople, $tiers, $industries, $product_lines)
    WHERE quantity > 0 AND $start_date::DATE <= $today::DATE  -- a period not yet begun has no churn
),
per_customer AS (
    SELECT customer_id, max(order_date) AS last_order_date,
           sum(amount) FILTER (WHERE order_date < (SELECT window_start FROM w)) AS base_sales,
           bool_or(order_date >= (SELECT window_start FROM w)) AS active
    FROM orders GROUP BY customer_id
)
SELECT p.customer_id, c.name AS customer_name, c.tier, sp.name AS owner_name, c.region_id,
       p.last_order_date, p.base_sales AS base_sales_cny
FROM per_customer p
JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = c.owner_id
WHERE NOT p.active AND p.base_sales IS NOT NULL
ORDER BY p.base_sales DESC, p.customer_id
