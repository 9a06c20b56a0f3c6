-- name: pacing_by_day
-- Pacing (SPEC §4.2) day by day through the period, for the cumulative actual-vs-target
-- line. The daily target is each month's plan ÷ the days in that month, so the cumulative
-- target follows the month-varying plan (never a flat line). Up to the store's today:
-- cumulative actual, and pacing = cumulative actual ÷ cumulative target × 100; the row
-- with is_today holds expected-to-date (its cumulative_target), the period's pacing, and the
-- required daily rate to finish on target: (the period's whole target − actual to date) ÷
-- the days left in the period (NULL once the period is over or has no target).
-- Days after today carry the target only. Tier, industry and product-line filters carry no
-- target (target columns NULL); collections have no product line (actual NULL then); gross
-- profit counts lines with a known cost, and is NULL throughout when the period's sales have
-- none.
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, metric, today, through, plan_version
-- choice: metric = sales | gross_profit | collections
-- columns: day, actual_value, cumulative_actual, target_value, cumulative_target, pacing_pct, is_today, required_daily_rate
WITH
days AS (
    SELECT range::DATE AS day FROM range($start_date::DATE, $end_date::DATE + 1, INTERVAL 1 DAY)
),
facts AS (
    SELECT day, CASE $metric WHEN 'sales' THEN amount ELSE gross_profit END AS value
    FROM kpi_sales_by_day($start_date::DATE, $through::DATE,
                          $regions, $salespeople, $tiers, $industries, $product_lines)
    WHERE $metric IN ('sales', 'gross_profit')
    UNION ALL
    SELECT day, amount
    FROM kpi_payments_by_day($start_date::DATE, $through::DATE,
                             $regions, $salespeople, $tiers, $industries)
    WHERE $metric = 'collections' AND $product_lines::VARCHAR[] IS NULL
),
daily AS (SELECT day, sum(value) AS value FROM facts GROUP BY day),
uncosted AS (SELECT $metric = 'gross_profit' AND count(*) > 0 AND count(value) = 0 AS no_cost FROM facts),
monthly_plan AS (
    SELECT month, sum(plan_value) AS plan
    FROM kpi_targets(date_trunc('month', $start_date::DATE)::DATE, last_day($end_date::DATE),
                     $regions, $salespeople, $plan_version::INTEGER)
    WHERE metric = $metric
    GROUP BY month
),
series AS (
    SELECT d.day, d.day <= $today::DATE AS elapsed,
           CASE WHEN $metric = 'collections' AND $product_lines::VARCHAR[] IS NOT NULL THEN NULL
                WHEN u.no_cost THEN NULL
                ELSE coalesce(daily.value, 0) END AS actual,
           CASE WHEN carries_target($tiers, $industries, $product_lines)
                THEN coalesce(mp.plan, 0) / days_in_month(d.day) END AS target
    FROM days d
    CROSS JOIN uncosted u
    LEFT JOIN daily ON daily.day = d.day
    LEFT JOIN monthly_plan mp ON mp.month = date_trunc('month', d.day)
)
SELECT day,
       CASE WHEN elapsed THEN actual END AS actual_value,
       CASE WHEN elapsed THEN sum(actual) OVER (ORDER BY day) END AS cumulative_actual,
       round(target, 2) AS target_value,
       round(sum(target) OVER (ORDER BY day), 2) AS cumulative_target,
       CASE WHEN elapsed AND sum(target) OVER (ORDER BY day) > 0
            THEN sum(actual) OVER (ORDER BY day) / sum(target) OVER (ORDER BY day) * 100
       END AS pacing_pct,
       day = $through::DATE AS is_today,
       CASE WHEN day = $through::DATE AND day < $end_date::DATE
                 AND sum(target) OVER () > 0
            THEN (sum(target) OVER () - sum(actual) OVER (ORDER BY day))
                 / count(*) FILTER (WHERE NOT elapsed) OVER () END AS required_daily_rate
FROM series
ORDER BY day
