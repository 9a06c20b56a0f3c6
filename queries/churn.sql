-- name: churn
-- Customer churn rate (SPEC §4.6): customers with an order in the 12 months before the
-- window and no order within the window ÷ customers with an order in those 12 months × 100.
-- The window is the period up to the store's today; when that is shorter than 90 days the
-- 90 days ending on its last day stand in for it. An order is a sales line with positive
-- quantity (returns are not orders). The filters apply to the orders. A period that starts
-- after the store's today has no churn (no base).
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, today, through
-- columns: window_start, window_end, base_start, base_end, base_customers_count, churned_count, churn_pct
WITH
w AS (
    SELECT CASE WHEN $through::DATE - $start_date::DATE + 1 < 90
                THEN $through::DATE - 89 ELSE $start_date::DATE END AS window_start,
           $through::DATE AS window_end
),
b AS (SELECT *, (window_start - INTERVAL 12 MONTH)::DATE AS base_start, window_start - 1 AS base_end FROM w),
per_customer AS (
    SELECT customer_id,
           bool_or(order_date < (SELECT window_start FROM b)) AS in_base,
           bool_or(order_date >= (SELECT window_start FROM b)) AS active
    FROM kpi_sales(
        (CASE WHEN $through::DATE - $start_date::DATE + 1 < 90
              THEN $through::DATE - 89 ELSE $start_date::DATE END - INTERVAL 12 MONTH)::DATE,
        $through::DATE,
        $regions, $salespeople, $tiers, $industries, $product_lines)
    WHERE quantity > 0 AND $start_date::DATE <= $today::DATE
    GROUP BY customer_id
)
SELECT b.window_start, b.window_end, b.base_start, b.base_end,
       count(*) FILTER (WHERE pc.in_base) AS base_customers_count,
       count(*) FILTER (WHERE pc.in_base AND NOT pc.active) AS churned_count,
       count(*) FILTER (WHERE pc.in_base AND NOT pc.active)
           / nullif(count(*) FILTER (WHERE pc.in_base), 0) * 100 AS churn_pct
FROM b LEFT JOIN per_customer pc ON true
GROUP BY ALL
