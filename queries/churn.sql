-- name: churn
-- Customer churn rate (SPEC §4.6): customers with an order in the 12 months before the
-- window and no order within the window ÷ customers with an order in those 12 months × 100.
-- The windows and orders are those of kpi_churn_window and kpi_churn_customers
-- (store/macros.sql); the filters apply to the orders. A period that starts after the
-- store's today has no churn (no base).
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, today, through
-- columns: window_start, window_end, base_start, base_end, base_customers_count, churned_count, churn_pct
SELECT w.window_start, w.window_end, w.base_start, w.base_end,
       count(*) FILTER (WHERE c.in_base) AS base_customers_count,
       count(*) FILTER (WHERE c.in_base AND NOT c.active) AS churned_count,
       count(*) FILTER (WHERE c.in_base AND NOT c.active)
           / nullif(count(*) FILTER (WHERE c.in_base), 0) * 100 AS churn_pct
FROM kpi_churn_window($start_date::DATE, $through::DATE) w
LEFT JOIN kpi_churn_customers($start_date::DATE, $through::DATE, $today::DATE, $regions, $salespeople, $tiers,
                              $industries, $product_lines) c ON true
GROUP BY ALL
