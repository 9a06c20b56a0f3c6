-- name: expense_burn
-- The year's expense budget burn (SPEC §3.8): for each day of the calendar year holding
-- the period's end (or the store's today, if earlier), spend to date as a share of the
-- year's whole budget, beside the share of the year elapsed and the budget's own
-- cumulative plan (each month's budget spread evenly over its days). Spend after the
-- store's today is not counted.
-- params: end_date, regions, salespeople, through, budget_version
-- columns: day, cumulative_actual, cumulative_budget, annual_budget, burn_pct, elapsed_pct, is_today
WITH
y AS (
    SELECT y0, (y0 + INTERVAL 1 YEAR)::DATE - y0 AS year_days
    FROM (SELECT date_trunc('year', $through::DATE)::DATE AS y0)
),
days AS (
    SELECT range::DATE AS day FROM y, range(y.y0, (y.y0 + INTERVAL 1 YEAR)::DATE, INTERVAL 1 DAY)
),
lines AS (
    SELECT * FROM kpi_expense_lines((SELECT y0 FROM y), ((SELECT y0 FROM y) + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE,
                                    $through::DATE, $regions, $salespeople,
                                    $budget_version::INTEGER)
),
monthly AS (SELECT month, sum(budget) AS budget FROM lines GROUP BY month),
spent AS (SELECT day, sum(amount) AS amount FROM lines WHERE day IS NOT NULL GROUP BY day),
series AS (
    SELECT d.day, coalesce(s.amount, 0) AS amount,
           coalesce(m.budget, 0) / days_in_month(d.day) AS budget_day
    FROM days d
    LEFT JOIN spent s ON s.day = d.day
    LEFT JOIN monthly m ON m.month = date_trunc('month', d.day)
)
SELECT day,
       CASE WHEN day <= $through::DATE THEN sum(amount) OVER (ORDER BY day) END
           AS cumulative_actual,
       round(sum(budget_day) OVER (ORDER BY day), 2) AS cumulative_budget,
       round(sum(budget_day) OVER (), 2) AS annual_budget,
       CASE WHEN day <= $through::DATE AND sum(budget_day) OVER () > 0
            THEN sum(amount) OVER (ORDER BY day) / sum(budget_day) OVER () * 100 END AS burn_pct,
       (day - (SELECT y0 FROM y) + 1) / (SELECT year_days FROM y) * 100 AS elapsed_pct,
       day = $through::DATE AS is_today
FROM series
ORDER BY day
