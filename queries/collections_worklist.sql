-- name: collections_worklist
-- The collections worklist (SPEC §3.3): every customer with something past due on D (the
-- given date or the store's today, whichever is earlier), largest overdue first: its current
-- owner, region, oldest open invoice, most days past due, overdue amount per aging bucket,
-- total outstanding, last payment on or before D, credit limit and whether it is exceeded
-- (by the customer's whole outstanding), and complaints still open on D. Region and
-- salesperson filters apply to the invoices (as issued); $bucket narrows to customers with
-- an amount in that bucket.
-- `top` of them (NULL: all), each with how many there are in all (rows_count).
-- params: regions, salespeople, tiers, industries, as_of_date, bucket, through, today, top
-- choice: bucket = all | days_1_30 | days_31_60 | days_61_90 | days_91_180 | over_180
-- columns: customer_id, customer_name, owner_name, region_id, oldest_open_invoice, oldest_issue_date, max_days_past_due, days_1_30_cny, days_31_60_cny, days_61_90_cny, days_91_180_cny, over_180_cny, overdue_cny, outstanding_cny, last_payment_date, credit_limit_cny, over_credit, open_complaints_count, rows_count
WITH
d AS (SELECT $through::DATE AS d),
inv AS (
    SELECT * FROM kpi_open_invoices($through::DATE, $today::DATE, $regions, $salespeople, $tiers, $industries)
    WHERE outstanding > 0
),
per_customer AS (
    SELECT customer_id,
           arg_min(invoice_id, {'d': issue_date, 'i': invoice_id}) AS oldest_open_invoice,
           min(issue_date) AS oldest_issue_date,
           max(days_past_due) AS max_days_past_due,
           coalesce(sum(outstanding) FILTER (WHERE aging_bucket(days_past_due) = 'days_1_30'), 0) AS days_1_30_cny,
           coalesce(sum(outstanding) FILTER (WHERE aging_bucket(days_past_due) = 'days_31_60'), 0) AS days_31_60_cny,
           coalesce(sum(outstanding) FILTER (WHERE aging_bucket(days_past_due) = 'days_61_90'), 0) AS days_61_90_cny,
           coalesce(sum(outstanding) FILTER (WHERE aging_bucket(days_past_due) = 'days_91_180'), 0)
               AS days_91_180_cny,
           coalesce(sum(outstanding) FILTER (WHERE aging_bucket(days_past_due) = 'over_180'), 0) AS over_180_cny,
           coalesce(sum(outstanding) FILTER (WHERE days_past_due > 0), 0) AS overdue_cny,
           sum(outstanding) AS outstanding_cny
    FROM inv GROUP BY customer_id
    HAVING overdue_cny > 0
),
whole AS (  -- the customer's whole outstanding, for the credit check: without a filter, the
            -- invoices already read (the other branch is pruned when the query is planned)
    SELECT customer_id, outstanding_cny AS owed FROM per_customer
    WHERE $regions::VARCHAR[] IS NULL AND $salespeople::VARCHAR[] IS NULL
      AND $tiers::VARCHAR[] IS NULL AND $industries::VARCHAR[] IS NULL
    UNION ALL
    SELECT customer_id, sum(outstanding)
    FROM kpi_open_invoices($through::DATE, $today::DATE, NULL, NULL, NULL, NULL)
    WHERE NOT ($regions::VARCHAR[] IS NULL AND $salespeople::VARCHAR[] IS NULL
               AND $tiers::VARCHAR[] IS NULL AND $industries::VARCHAR[] IS NULL)
      AND customer_id IN (SELECT customer_id FROM per_customer)
    GROUP BY customer_id
),
last_paid AS (  -- the last payment on or before D: kept for the store's today, else read
    SELECT customer_id, paid_on AS last_payment_date FROM last_payments WHERE $through::DATE = $today::DATE
    UNION ALL
    SELECT customer_id, max(paid_on) FROM payments
    WHERE $through::DATE <> $today::DATE AND paid_on <= $through::DATE
      AND customer_id IN (SELECT customer_id FROM per_customer)
    GROUP BY customer_id
)
SELECT p.customer_id, c.name AS customer_name, sp.name AS owner_name, c.region_id,
       p.oldest_open_invoice, p.oldest_issue_date, p.max_days_past_due,
       p.days_1_30_cny, p.days_31_60_cny, p.days_61_90_cny, p.days_91_180_cny, p.over_180_cny,
       p.overdue_cny, p.outstanding_cny,
       lp.last_payment_date,
       c.credit_limit AS credit_limit_cny, w.owed > c.credit_limit AS over_credit,
       (SELECT count(*) FROM complaints k
        WHERE k.customer_id = p.customer_id AND k.received_at < (SELECT d + 1 FROM d)
          AND (k.closed_at IS NULL OR k.closed_at >= (SELECT d + 1 FROM d))) AS open_complaints_count,
       count(*) OVER () AS rows_count
FROM per_customer p
JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = c.owner_id
JOIN whole w ON w.customer_id = p.customer_id
LEFT JOIN last_paid lp ON lp.customer_id = p.customer_id
WHERE $bucket = 'all'
   OR ($bucket = 'days_1_30' AND p.days_1_30_cny > 0) OR ($bucket = 'days_31_60' AND p.days_31_60_cny > 0)
   OR ($bucket = 'days_61_90' AND p.days_61_90_cny > 0) OR ($bucket = 'days_91_180' AND p.days_91_180_cny > 0)
   OR ($bucket = 'over_180' AND p.over_180_cny > 0)
ORDER BY p.overdue_cny DESC, p.customer_id
LIMIT $top
