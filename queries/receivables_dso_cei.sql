-- name: receivables_dso_cei
-- DSO and the Collection Effectiveness Index for the period (SPEC §4.4). The period runs
-- from its start to its end or the store's today, whichever is earlier (E). AR at start =
-- outstanding on the day before the start; AR at end and current AR (not yet due, days past
-- due ≤ 0) on E; invoiced = invoices issued in the period; collected = payments received in
-- it. DSO = AR at end ÷ invoiced × days in period. CEI = (AR at start + invoiced − AR at end)
-- ÷ (AR at start + invoiced − current AR at end) × 100. Either is NULL when its divisor is 0.
-- params: start_date, end_date, regions, salespeople, tiers, industries, through
-- columns: period_start, period_end, days_in_period, ar_start_cny, invoiced_cny, ar_end_cny, current_ar_end_cny, collected_cny, dso_days, cei_pct
WITH
ar_start AS (
    SELECT coalesce(sum(outstanding), 0) AS v
    FROM kpi_receivables_on($start_date::DATE - 1, $regions, $salespeople, $tiers, $industries, false)
),
ar_end AS (
    SELECT coalesce(sum(outstanding), 0) AS v,
           coalesce(sum(outstanding) - sum(past_due_0), 0) AS current_v
    FROM kpi_receivables_on($through::DATE, $regions, $salespeople, $tiers, $industries,
                            false)
),
invoiced AS (
    SELECT coalesce(sum(amount), 0) AS v
    FROM invoices
    WHERE issue_date BETWEEN $start_date::DATE AND $through::DATE
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
      AND customer_passes(customer_id, $tiers, $industries)
),
collected AS (
    SELECT coalesce(sum(amount), 0) AS v
    FROM kpi_payments_by_day($start_date::DATE, $through::DATE,
                             $regions, $salespeople, $tiers, $industries)
),
p AS (SELECT $start_date::DATE AS s, $through::DATE AS e)
SELECT p.s AS period_start, p.e AS period_end, p.e - p.s + 1 AS days_in_period,
       ar_start.v AS ar_start_cny, invoiced.v AS invoiced_cny, ar_end.v AS ar_end_cny,
       ar_end.current_v AS current_ar_end_cny, collected.v AS collected_cny,
       CASE WHEN invoiced.v > 0 THEN ar_end.v / invoiced.v * (p.e - p.s + 1) END AS dso_days,
       CASE WHEN ar_start.v + invoiced.v - ar_end.current_v <> 0
            THEN (ar_start.v + invoiced.v - ar_end.v)
                 / (ar_start.v + invoiced.v - ar_end.current_v) * 100 END AS cei_pct
FROM p, ar_start, ar_end, invoiced, collected
