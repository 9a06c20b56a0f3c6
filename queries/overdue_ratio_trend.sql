-- name: overdue_ratio_trend
-- The overdue ratio (占压率, SPEC §4.4) at each month's end over the 24 months up to D (the
-- given date or the store's today, whichever is earlier), D itself as the last point.
-- An invoice is open at a date E when issued on or before E and not yet settled
-- (invoices.settled_on after E or NULL); its outstanding on E is its amount less the
-- payments made on or before E (never negative: it is open). Overdue: due before E; with
-- something outstanding and nothing overdue the ratio is 0 %.
-- Without an industry filter the balances are summed from the store's receivables changes
-- (kpi_receivables_changes); with one, from the invoices (the branch not taken is pruned
-- when the query is planned).
-- params: regions, salespeople, tiers, industries, as_of_date, through
-- columns: month_end, outstanding_cny, overdue_cny, overdue_ratio_pct
WITH
ends AS (
    SELECT DISTINCT least(last_day(m::DATE), $through::DATE) AS e
    FROM range(date_trunc('month', $through::DATE) - INTERVAL 23 MONTH,
               date_trunc('month', $through::DATE) + INTERVAL 1 MONTH,
               INTERVAL 1 MONTH) r(m)
),
daily AS (
    SELECT day, sum(outstanding) AS outstanding, sum(past_due_0) AS overdue
    FROM kpi_receivables_changes($regions, $salespeople, $tiers, false)
    WHERE $industries::VARCHAR[] IS NULL AND day <= $through::DATE
    GROUP BY day
),
inv AS (
    SELECT invoice_id, issue_date, due_date, amount, coalesce(settled_on, DATE '9999-12-31') AS settled
    FROM invoices
    WHERE $industries::VARCHAR[] IS NOT NULL
      AND issue_date <= $through::DATE
      AND coalesce(settled_on, DATE '9999-12-31') > (SELECT min(e) FROM ends)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
      AND customer_passes(customer_id, $tiers, $industries)
),
open_at AS (
    SELECT ends.e, inv.invoice_id, inv.amount, inv.due_date < ends.e AS overdue
    FROM ends JOIN inv ON inv.issue_date <= ends.e AND inv.settled > ends.e
),
paid_at AS (
    SELECT o.e, o.invoice_id, sum(p.amount) AS paid
    FROM open_at o JOIN payments p ON p.invoice_id = o.invoice_id AND p.paid_on <= o.e
    GROUP BY ALL
),
balances AS (
    SELECT ends.e, sum(d.outstanding) AS outstanding, sum(d.overdue) AS overdue
    FROM ends JOIN daily d ON d.day <= ends.e
    GROUP BY ends.e
    UNION ALL
    SELECT o.e, sum(o.amount - coalesce(pa.paid, 0)),
           coalesce(sum(o.amount - coalesce(pa.paid, 0)) FILTER (WHERE o.overdue), 0)
    FROM open_at o LEFT JOIN paid_at pa ON pa.e = o.e AND pa.invoice_id = o.invoice_id
    GROUP BY o.e
)
SELECT ends.e AS month_end,
       coalesce(b.outstanding, 0) AS outstanding_cny,
       coalesce(b.overdue, 0) AS overdue_cny,
       b.overdue / nullif(b.outstanding, 0) * 100 AS overdue_ratio_pct
FROM ends
LEFT JOIN balances b ON b.e = ends.e
ORDER BY ends.e
