-- name: churned_customers
-- The customers behind the churn rate (SPEC §4.6, same windows as the churn query): ordered
-- in the 12 months before the window, not within it; with their owner and last order.
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, today, through
-- columns: customer_id, customer_name, tier, owner_name, region_id, last_order_date, base_sales_cny
SELECT p.customer_id, c.name AS customer_name, c.tier, sp.name AS owner_name, c.region_id,
       p.last_order_date, p.base_sales AS base_sales_cny
FROM kpi_churn_customers($start_date::DATE, $through::DATE, $today::DATE, $regions, $salespeople, $tiers,
                         $industries, $product_lines) p
JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = c.owner_id
WHERE p.in_base AND NOT p.active
ORDER BY p.base_sales DESC, p.customer_id
