-- name: overdue_ratio_trend
-- The overdue ratio (占压率, SPEC §4.4) at each month's end over the 24 months up to D (the
-- given date or the store's today, whichever is earlier), D itself as the last point.
-- The receivables on each date E are those of kpi_receivables_at (outstanding, and the part
-- of it past due); with something outstanding and nothing overdue the ratio is 0 %. Without
-- an industry filter the store's changes are summed per day once, then up to each date.
-- params: regions, salespeople, tiers, industries, as_of_date, through
-- columns: month_end, outstanding_cny, overdue_cny, overdue_ratio_pct
WITH
ends AS (
    SELECT DISTINCT least(last_day(m::DATE), $through::DATE) AS e
    FROM range(date_trunc('month', $through::DATE) - INTERVAL 23 MONTH,
               date_trunc('month', $through::DATE) + INTERVAL 1 MONTH,
               INTERVAL 1 MONTH) r(m)
),
daily AS (  -- the store's receivables changes, summed per day before they are summed up to each date
    SELECT day, sum(outstanding) AS outstanding, sum(past_due_0) AS overdue
    FROM kpi_receivables_changes($regions, $salespeople, $tiers, $industries, false)
    WHERE day <= $through::DATE
    GROUP BY day
),
balances AS (
    SELECT ends.e, sum(d.outstanding) AS outstanding, sum(d.overdue) AS overdue
    FROM ends JOIN daily d ON d.day <= ends.e
    GROUP BY ends.e
)
SELECT ends.e AS month_end,
       coalesce(b.outstanding, 0) AS outstanding_cny,
       coalesce(b.overdue, 0) AS overdue_cny,
       overdue_ratio_pct(b.overdue, b.outstanding) AS overdue_ratio_pct
FROM ends
LEFT JOIN balances b ON b.e = ends.e
ORDER BY ends.e
