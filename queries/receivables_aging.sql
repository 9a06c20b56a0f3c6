-- name: receivables_aging
-- Outstanding receivables on a date (SPEC §3.3, §4.4) in aging buckets, per group.
-- On D = the given as-of date or the store's today, whichever is earlier: outstanding of an
-- invoice = amount − payments on or before D, never below zero (an overpayment is the
-- customer's credit, reported apart); days past due = D − due date. Buckets: not yet due
-- (≤ 0 days), 1–30, 31–60, 61–90, 91–180, over 180. Overdue ratio (占压率) = outstanding
-- past due ÷ total outstanding × 100 (NULL when nothing is outstanding). Invoices carry no
-- product line. Region and salesperson are the invoice's (at the time it was issued).
-- The sums come from kpi_receivables_on (the store's receivables changes unless an industry
-- filter is set; per customer, see collections_worklist).
-- params: regions, salespeople, tiers, industries, as_of_date, group_by, through
-- choice: group_by = department | region | salesperson | tier
-- columns: group_id, group_name, group_name_en, not_due_cny, days_1_30_cny, days_31_60_cny, days_61_90_cny, days_91_180_cny, over_180_cny, outstanding_cny, overdue_cny, overdue_ratio_pct, credit_cny, open_invoices_count
WITH sums AS (
    SELECT CASE $group_by WHEN 'department' THEN 'department' WHEN 'region' THEN region_id
                          WHEN 'tier' THEN tier ELSE salesperson_id END AS group_id,
           sum(outstanding) - sum(past_due_0) AS not_due,
           sum(past_due_0) - sum(past_due_30) AS d30,
           sum(past_due_30) - sum(past_due_60) AS d60,
           sum(past_due_60) - sum(past_due_90) AS d90,
           sum(past_due_90) - sum(past_due_180) AS d180,
           sum(past_due_180) AS over180,
           sum(outstanding) AS total,
           sum(past_due_0) AS overdue,
           sum(credit) AS credit,
           sum(open_count) AS open_count
    FROM kpi_receivables_on($through::DATE, $regions, $salespeople, $tiers, $industries,
                            $group_by = 'tier')
    GROUP BY ALL
)
SELECT s.group_id,
       coalesce(r.name_zh, sp.name, s.group_id) AS group_name,
       coalesce(r.name_en, sp.name, s.group_id) AS group_name_en,
       coalesce(s.not_due, 0) AS not_due_cny, coalesce(s.d30, 0) AS days_1_30_cny,
       coalesce(s.d60, 0) AS days_31_60_cny, coalesce(s.d90, 0) AS days_61_90_cny,
       coalesce(s.d180, 0) AS days_91_180_cny, coalesce(s.over180, 0) AS over_180_cny,
       coalesce(s.total, 0) AS outstanding_cny, coalesce(s.overdue, 0) AS overdue_cny,
       overdue_ratio_pct(s.overdue, s.total) AS overdue_ratio_pct,
       coalesce(s.credit, 0) AS credit_cny, s.open_count AS open_invoices_count
FROM sums s
LEFT JOIN regions r ON $group_by = 'region' AND r.region_id = s.group_id
LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = s.group_id
WHERE s.total > 0 OR s.credit > 0
ORDER BY overdue_cny DESC, s.group_id
