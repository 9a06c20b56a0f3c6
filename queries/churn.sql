-- name: churn
-- Customer churn rate (SPEC §4.6): customers with an order in the 12 months before the
-- window and no order within the window ÷ customers with an order in those 12 months × 100.
-- The window is the period up to the store's today; when that is shorter than 90 days the
-- 90 days ending on its last day stand in for it. An order is a sales line with positive
-- quantity (returns are not orders). The filters apply to the orders.
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, today
-- columns: window_start, window_end, base_start, base_end, base_customers_count, churned_count, churn_pct
WITH
p AS (SELECT $start_date::DATE AS s, least($end_date::DATE, $today::DATE) AS e),
w AS (
    SELECT CASE WHEN e - s + 1 < 90 THEN e - 89 ELSE s END AS window_start, e AS window_end FROM p
),
b AS (SELECT *, (window_start - INTERVAL 12 MONTH)::DATE AS base_start, window_start - 1 AS base_end FROM w),
orders AS (
    SELECT DISTINCT customer_id, order_date >= (CASE WHEN least($end_date::DATE, $today::DATE) - $start_date::DATE + 1 < 90 THEN least($end_date::DATE, $today::DATE) - 89 ELSE $start_date::DATE END) AS in_window
    FROM kpi_sales((((CASE WHEN least($end_date::DATE, $today::DATE) - $start_date::DATE + 1 < 90 THEN least($end_date::DATE, $today::DATE) - 89 ELSE $start_date::DATE END - INTERVAL 12 MONTH)::DATE)), (least($end_date::DATE, $today::DATE)),
                   $regions, $salespeople, $tiers, $industries, $product_lines)
    WHERE quantity > 0
),
per_customer AS (
    SELECT customer_id, bool_or(NOT in_window) AS in_base, bool_or(in_window) AS active
    FROM orders GROUP BY customer_id
)
SELECT b.window_start, b.window_end, b.base_start, b.base_end,
       count(*) FILTER (WHERE pc.in_base) AS base_customers_count,
       count(*) FILTER (WHERE pc.in_base AND NOT pc.active) AS churned_count,
       count(*) FILTER (WHERE pc.in_base AND NOT pc.active)
           / nullif(count(*) FILTER (WHERE pc.in_base), 0) * 100 AS churn_pct
FROM b LEFT JOIN per_customer pc ON true
GROUP BY ALL
