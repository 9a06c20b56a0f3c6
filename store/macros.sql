-- The store's shared relations: every KPI query reads the facts through these table
-- macros, so each filter rule is written once. Installed (CREATE OR REPLACE) whenever the
-- store is opened, so a store always has the definitions of the code that opens it.
--
-- Filter arguments are lists, NULL meaning "no filter" and an empty list "nothing"
-- (a viewer scope that excludes the chosen value): regions, salespeople, tiers,
-- industries, product_lines. Region and salesperson are those recorded on the fact at the
-- time of the transaction (SPEC §4, ownership); tier and industry are the customer's.

-- Whether a customer passes the tier and industry filters. Written as IN (…) rather than a
-- join, so an unused filter costs nothing.
CREATE OR REPLACE MACRO customer_passes(customer, tiers, industries) AS (
    (tiers IS NULL OR customer IN (SELECT customer_id FROM customers WHERE list_contains(tiers, tier)))
    AND (industries IS NULL
         OR customer IN (SELECT customer_id FROM customers WHERE list_contains(industries, industry)))
);

-- Whether a customer with this region, owner, tier and industry matches the filters.
CREATE OR REPLACE MACRO customer_matches(region_id, owner_id, tier, industry, regions, salespeople, tiers,
                                        industries) AS (
    (regions IS NULL OR list_contains(regions, region_id))
    AND (salespeople IS NULL OR list_contains(salespeople, owner_id))
    AND (tiers IS NULL OR list_contains(tiers, tier))
    AND (industries IS NULL OR list_contains(industries, industry))
);

-- Whether one customer, or one person, is within a viewer's scope (the regions and salespeople
-- lists as above): a query about one customer or person chosen on a page checks it, so a
-- value from outside the scope shows nothing. A customer by its region and owner.
CREATE OR REPLACE MACRO customer_in_scope(customer, regions, salespeople) AS (
    EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = customer
                AND (regions IS NULL OR list_contains(regions, c.region_id))
                AND (salespeople IS NULL OR list_contains(salespeople, c.owner_id)))
);

CREATE OR REPLACE MACRO person_in_scope(person, regions, salespeople) AS (
    EXISTS (SELECT 1 FROM salespeople s WHERE s.salesperson_id = person
                AND (regions IS NULL OR list_contains(regions, s.region_id))
                AND (salespeople IS NULL OR list_contains(salespeople, s.salesperson_id)))
);

-- The 95 % Wilson score interval (z = 1.96) of a proportion k of n.
CREATE OR REPLACE MACRO wilson_low(k, n) AS (
    ((k / n) + 1.9208 / n - 1.96 * sqrt((k / n) * (1 - k / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n)
);
CREATE OR REPLACE MACRO wilson_high(k, n) AS (
    ((k / n) + 1.9208 / n + 1.96 * sqrt((k / n) * (1 - k / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n)
);

-- A complaint's 24-hour clock (SPEC §4.6, seed 000) as of `now`: 'met' when its step happened
-- within 24 h of the clock's start (exactly 24 h counts as met); 'breached' when it happened
-- later, or has not happened and the 24 h have run out by `now` (even while the complaint is
-- open); 'pending' otherwise, and while the clock has not started.
CREATE OR REPLACE MACRO sla_clock(started_at, done_at, now) AS (
    CASE WHEN started_at IS NULL THEN 'pending'
         WHEN done_at IS NOT NULL
         THEN CASE WHEN done_at <= started_at + INTERVAL 24 HOUR THEN 'met' ELSE 'breached' END
         WHEN now > started_at + INTERVAL 24 HOUR THEN 'breached'
         ELSE 'pending' END
);

-- The overdue ratio (占压率, SPEC §4.4): outstanding past due ÷ total outstanding × 100; NULL
-- when nothing is outstanding, 0 when nothing of it is past due.
CREATE OR REPLACE MACRO overdue_ratio_pct(past_due, outstanding) AS (
    CASE WHEN outstanding > 0 THEN coalesce(past_due, 0) / outstanding * 100 END
);

-- Whether figures under these filters can be compared with targets (SPEC §4): targets exist per
-- salesperson and month only, so a tier, industry or product-line filter carries none (the
-- pages show actuals and "no target at this filter"). queries.filters.Filters.carries_target
-- says the same for the pages' notices; a test holds the two equal.
CREATE OR REPLACE MACRO carries_target(tiers, industries, product_lines) AS (
    tiers IS NULL AND industries IS NULL AND product_lines IS NULL
);

-- Days in the calendar month of a date.
CREATE OR REPLACE MACRO days_in_month(d) AS (day(last_day(d)));

-- Sales lines dated in [start_date, end_date] that match the filters, with the line's
-- gross profit (NULL when its cost is unknown).
CREATE OR REPLACE MACRO kpi_sales(start_date, end_date, regions, salespeople, tiers, industries,
                                  product_lines) AS TABLE
SELECT s.line_id, s.order_id, s.order_date, s.customer_id, s.product_id, s.quantity, s.amount,
       s.cost, s.amount - s.cost AS gross_profit, s.salesperson_id, s.region_id
FROM sales s
WHERE s.order_date BETWEEN start_date AND end_date
  AND (regions IS NULL OR list_contains(regions, s.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, s.salesperson_id))
  AND customer_passes(s.customer_id, tiers, industries)
  AND (product_lines IS NULL
       OR s.product_id IN (SELECT product_id FROM products WHERE list_contains(product_lines, product_line)));

-- Payments received in [start_date, end_date] that match the filters (payments carry no
-- product line).
CREATE OR REPLACE MACRO kpi_payments(start_date, end_date, regions, salespeople, tiers,
                                     industries) AS TABLE
SELECT pm.payment_id, pm.invoice_id, pm.customer_id, pm.paid_on, pm.amount, pm.salesperson_id,
       pm.region_id
FROM payments pm
WHERE pm.paid_on BETWEEN start_date AND end_date
  AND (regions IS NULL OR list_contains(regions, pm.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, pm.salesperson_id))
  AND customer_passes(pm.customer_id, tiers, industries);

-- The same facts summed per day, salesperson and region, for queries that need no finer
-- grain (rows to be summed: under a tier filter a day comes as one row per tier). Without a
-- filter on the customer or product they are read from the store's daily totals
-- (store/derived.sql, 15× fewer rows than the lines); with a tier filter alone, from the
-- daily totals per customer tier (6× fewer); with an industry or product-line filter, from
-- the daily totals per tier, industry and product line, kept in order of industry and product
-- line (a filter reads only its part). The branches not taken are pruned when the query is
-- planned, as their conditions are on parameters only.
CREATE OR REPLACE MACRO kpi_sales_by_day(start_date, end_date, regions, salespeople, tiers, industries,
                                         product_lines) AS TABLE
SELECT d.order_date AS day, d.salesperson_id, d.region_id, d.amount, d.gross_profit
FROM sales_daily d
WHERE tiers IS NULL AND industries IS NULL AND product_lines IS NULL
  AND d.order_date BETWEEN start_date AND end_date
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id))
UNION ALL
SELECT d.order_date, d.salesperson_id, d.region_id, d.amount, d.gross_profit
FROM sales_daily_tiers d
WHERE tiers IS NOT NULL AND industries IS NULL AND product_lines IS NULL
  AND d.order_date BETWEEN start_date AND end_date
  AND list_contains(tiers, d.tier)
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id))
UNION ALL
SELECT d.order_date, d.salesperson_id, d.region_id, d.amount, d.gross_profit
FROM sales_daily_classes d
WHERE NOT (industries IS NULL AND product_lines IS NULL)
  AND d.order_date BETWEEN start_date AND end_date
  AND (industries IS NULL OR list_contains(industries, d.industry))
  AND (product_lines IS NULL OR list_contains(product_lines, d.product_line))
  AND (tiers IS NULL OR list_contains(tiers, d.tier))
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id));

CREATE OR REPLACE MACRO kpi_payments_by_day(start_date, end_date, regions, salespeople, tiers,
                                            industries) AS TABLE
SELECT d.paid_on AS day, d.salesperson_id, d.region_id, d.amount
FROM payments_daily d
WHERE tiers IS NULL AND industries IS NULL
  AND d.paid_on BETWEEN start_date AND end_date
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id))
UNION ALL
SELECT d.paid_on, d.salesperson_id, d.region_id, d.amount
FROM payments_daily_tiers d
WHERE tiers IS NOT NULL AND industries IS NULL
  AND d.paid_on BETWEEN start_date AND end_date
  AND list_contains(tiers, d.tier)
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id))
UNION ALL
SELECT d.paid_on, d.salesperson_id, d.region_id, d.amount
FROM payments_daily_classes d
WHERE industries IS NOT NULL
  AND d.paid_on BETWEEN start_date AND end_date
  AND list_contains(industries, d.industry)
  AND (tiers IS NULL OR list_contains(tiers, d.tier))
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id));

-- The aging buckets (SPEC §3.3) by days past due: not yet due (≤ 0), 1–30, 31–60, 61–90,
-- 91–180, over 180. aging_limits() are the buckets' upper limits: the store's receivables
-- changes, kpi_receivables_at and the collections worklist all cut at these.
CREATE OR REPLACE MACRO aging_limits() AS ([0, 30, 60, 90, 180]);
CREATE OR REPLACE MACRO aging_bucket(days_past_due) AS (
    CASE WHEN days_past_due <= aging_limits()[1] THEN 'not_due'
         WHEN days_past_due <= aging_limits()[2] THEN 'days_1_30'
         WHEN days_past_due <= aging_limits()[3] THEN 'days_31_60'
         WHEN days_past_due <= aging_limits()[4] THEN 'days_61_90'
         WHEN days_past_due <= aging_limits()[5] THEN 'days_91_180'
         ELSE 'over_180' END
);

-- The invoices issued on or before each date of `on_dates` that match the filters and, on
-- that date, had something outstanding or were in credit (settled invoices contribute
-- nothing to any balance), as they stood then (SPEC §4.4): payments after the date are
-- ignored; outstanding never goes below zero and an overpayment shows as credit; days past
-- due = on_date − due date. One row per invoice and date.
-- Paid on the date = invoices.paid_total (store/derived.sql) less the payments after it, so
-- only those later payments are read.
CREATE OR REPLACE MACRO kpi_invoices_at(on_dates, regions, salespeople, tiers, industries) AS TABLE
WITH
dates AS (SELECT DISTINCT unnest(on_dates) AS on_date),
filtered AS (
    -- Open on some date: settled by it and not overpaid means paid = amount, nothing to show.
    SELECT i.invoice_id, i.customer_id, i.issue_date, i.due_date, i.amount, i.salesperson_id, i.region_id,
           i.paid_total, i.settled_on
    FROM invoices i
    WHERE i.issue_date <= list_max(on_dates)
      AND (i.settled_on IS NULL OR i.settled_on > list_min(on_dates) OR i.paid_total > i.amount)
      AND (regions IS NULL OR list_contains(regions, i.region_id))
      AND (salespeople IS NULL OR list_contains(salespeople, i.salesperson_id))
),
candidates AS (
    -- The customer filter only when one is set (the other branch is pruned at planning).
    SELECT * FROM filtered WHERE tiers IS NULL AND industries IS NULL
    UNION ALL
    SELECT * FROM filtered
    WHERE NOT (tiers IS NULL AND industries IS NULL) AND customer_passes(customer_id, tiers, industries)
),
open_then AS (
    SELECT d.on_date, c.* EXCLUDE (settled_on)
    FROM candidates c JOIN dates d
      ON c.issue_date <= d.on_date AND (c.settled_on IS NULL OR c.settled_on > d.on_date OR c.paid_total > c.amount)
),
later AS (
    SELECT o.on_date, o.invoice_id, sum(p.amount) AS later
    FROM payments p JOIN open_then o ON o.invoice_id = p.invoice_id AND p.paid_on > o.on_date
    WHERE p.paid_on > list_min(on_dates) AND p.invoice_id IN (SELECT invoice_id FROM open_then)
    GROUP BY ALL
),
inv AS (
    SELECT o.*, o.paid_total - coalesce(l.later, 0) AS paid
    FROM open_then o LEFT JOIN later l ON l.invoice_id = o.invoice_id AND l.on_date = o.on_date
)
SELECT on_date, invoice_id, customer_id, issue_date, due_date, amount, salesperson_id, region_id, paid,
       greatest(amount - paid, 0) AS outstanding,
       greatest(paid - amount, 0) AS credit,
       on_date - due_date AS days_past_due
FROM inv
WHERE paid <> amount;

-- The same on one date.
CREATE OR REPLACE MACRO kpi_invoices_on(on_date, regions, salespeople, tiers, industries) AS TABLE
SELECT * EXCLUDE (on_date) FROM kpi_invoices_at([on_date], regions, salespeople, tiers, industries);

-- The same, read from the store's open invoices (store/derived.sql) when on_date is the
-- store's today (`today`, bound by the query, so the branch not taken is pruned when the query
-- is planned), else computed as kpi_invoices_on.
CREATE OR REPLACE MACRO kpi_open_invoices(on_date, today, regions, salespeople, tiers, industries) AS TABLE
SELECT *, on_date - due_date AS days_past_due FROM invoices_open
WHERE on_date = today
  AND (regions IS NULL OR list_contains(regions, region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, salesperson_id))
  AND (tiers IS NULL AND industries IS NULL OR customer_passes(customer_id, tiers, industries))
UNION ALL
SELECT * FROM kpi_invoices_on(on_date, regions, salespeople, tiers, industries) WHERE on_date <> today;

-- The store's receivables changes per day, salesperson and region of the invoices
-- (store/derived_tables.sql: summed up to a date they give that date's receivables), for
-- the invoices that match the region, salesperson, tier and industry filters; per tier of
-- the customer too when `by_tier` or a tier or industry filter is set (read from
-- receivables_daily_tiers, kept per tier and industry), else tier is NULL
-- (receivables_daily, fewer rows). The branch not taken is pruned when the query is planned.
CREATE OR REPLACE MACRO kpi_receivables_changes(regions, salespeople, tiers, industries, by_tier) AS TABLE
SELECT day, salesperson_id, region_id, NULL::VARCHAR AS tier, outstanding, past_due_0, past_due_30, past_due_60,
       past_due_90, past_due_180, credit, open_count
FROM receivables_daily
WHERE tiers IS NULL AND industries IS NULL AND NOT by_tier
  AND (regions IS NULL OR list_contains(regions, region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, salesperson_id))
UNION ALL
SELECT day, salesperson_id, region_id, tier, outstanding, past_due_0, past_due_30, past_due_60, past_due_90,
       past_due_180, credit, open_count
FROM receivables_daily_tiers
WHERE (tiers IS NOT NULL OR industries IS NOT NULL OR by_tier)
  AND (tiers IS NULL OR list_contains(tiers, tier))
  AND (industries IS NULL OR list_contains(industries, industry))
  AND (regions IS NULL OR list_contains(regions, region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, salesperson_id));

-- Receivables on each date of `on_dates` per salesperson and region of the invoices (SPEC
-- §4.4, as kpi_invoices_at), and per tier of their customer when `by_tier` (else tier is
-- NULL): outstanding, the part of it past the aging limits (more than 0, 30, 60, 90 and 180
-- days past due), credit, and the invoices with something outstanding. Summed from the
-- store's receivables changes up to the date.
CREATE OR REPLACE MACRO kpi_receivables_at(on_dates, regions, salespeople, tiers, industries, by_tier) AS TABLE
SELECT d.on_date, c.salesperson_id, c.region_id, CASE WHEN by_tier THEN c.tier END AS tier,
       sum(c.outstanding) AS outstanding,
       sum(c.past_due_0) AS past_due_0, sum(c.past_due_30) AS past_due_30, sum(c.past_due_60) AS past_due_60,
       sum(c.past_due_90) AS past_due_90, sum(c.past_due_180) AS past_due_180, sum(c.credit) AS credit,
       sum(c.open_count) AS open_count
FROM kpi_receivables_changes(regions, salespeople, tiers, industries, by_tier) c
JOIN (SELECT DISTINCT unnest(on_dates) AS on_date) d ON c.day <= d.on_date
WHERE c.day <= list_max(on_dates)
GROUP BY ALL;

-- The same on one date.
CREATE OR REPLACE MACRO kpi_receivables_on(on_date, regions, salespeople, tiers, industries, by_tier) AS TABLE
SELECT * EXCLUDE (on_date) FROM kpi_receivables_at([on_date], regions, salespeople, tiers, industries, by_tier);

-- Abnormal customers (异常客户预警, SPEC §4.9) as of a date D: the customers to which at
-- least one rule applies, with the figures the rules look at and the rules' codes joined by
-- commas, in this order:
-- sales_drop — sales in the 90 days ending on D down more than 50 % against the same 90 days
-- a year earlier (which had sales); overdue_90 — outstanding more than 90 days past due;
-- complaints_30 — two or more complaints received in the 30 days ending on D; low_survey —
-- latest overall survey score up to D ≤ 2; over_credit — outstanding above the credit limit.
-- The store keeps them as of its today (customer_alerts, store/derived.sql).
CREATE OR REPLACE MACRO kpi_customer_alerts(on_date) AS TABLE
WITH
sales90 AS (
    SELECT s.customer_id,
           sum(s.amount) FILTER (WHERE s.order_date > on_date - 90) AS now_90,
           sum(s.amount) FILTER (WHERE s.order_date <= (on_date - INTERVAL 1 YEAR)::DATE) AS prior_90
    FROM sales s
    WHERE s.order_date BETWEEN on_date - 89 AND on_date
       OR s.order_date BETWEEN (on_date - INTERVAL 1 YEAR)::DATE - 89 AND (on_date - INTERVAL 1 YEAR)::DATE
    GROUP BY s.customer_id
),
owed AS (
    SELECT customer_id, sum(outstanding) AS outstanding,
           sum(outstanding) FILTER (WHERE days_past_due > 90) AS overdue_90
    FROM kpi_invoices_on(on_date, NULL, NULL, NULL, NULL)
    GROUP BY customer_id
),
complained AS (
    SELECT customer_id, count(*) AS n FROM complaints
    WHERE received_at >= on_date - 29 AND received_at < on_date + 1
    GROUP BY customer_id
),
latest_survey AS (
    SELECT customer_id, arg_max(overall_score, {'d': survey_date, 'id': survey_id}) AS score
    FROM surveys WHERE survey_date <= on_date
    GROUP BY customer_id
),
figures AS (
    SELECT c.customer_id, c.name, c.tier, c.industry, c.region_id, c.owner_id, c.credit_limit,
           coalesce(s.now_90, 0)::DECIMAL(18, 4) AS sales_90,
           coalesce(s.prior_90, 0)::DECIMAL(18, 4) AS sales_prior_90,
           coalesce(o.outstanding, 0)::DECIMAL(18, 4) AS outstanding,
           coalesce(o.overdue_90, 0)::DECIMAL(18, 4) AS overdue_90,
           coalesce(k.n, 0)::INTEGER AS complaints_30,
           ls.score AS latest_score
    FROM customers c
    LEFT JOIN sales90 s ON s.customer_id = c.customer_id
    LEFT JOIN owed o ON o.customer_id = c.customer_id
    LEFT JOIN complained k ON k.customer_id = c.customer_id
    LEFT JOIN latest_survey ls ON ls.customer_id = c.customer_id
),
flags AS (
    SELECT *,
           sales_prior_90 > 0 AND sales_90 < sales_prior_90 * 0.5 AS sales_drop,
           overdue_90 > 0 AS overdue, complaints_30 >= 2 AS complained,
           coalesce(latest_score <= 2, false) AS low_survey,
           coalesce(outstanding > credit_limit, false) AS over_credit  -- no limit: never over it
    FROM figures
)
SELECT customer_id, name, tier, industry, region_id, owner_id, credit_limit, sales_90, sales_prior_90,
       outstanding, overdue_90, complaints_30, latest_score,
       concat_ws(',', CASE WHEN sales_drop THEN 'sales_drop' END, CASE WHEN overdue THEN 'overdue_90' END,
                 CASE WHEN complained THEN 'complaints_30' END, CASE WHEN low_survey THEN 'low_survey' END,
                 CASE WHEN over_credit THEN 'over_credit' END) AS reasons,
       (sales_drop::INTEGER + overdue::INTEGER + complained::INTEGER + low_survey::INTEGER
        + over_credit::INTEGER)::INTEGER AS reasons_count
FROM flags
WHERE sales_drop OR overdue OR complained OR low_survey OR over_credit;

-- The abnormal customers as of D = end_date or today, whichever is earlier, that match the
-- filters by their own region, current owner, tier and industry. Read from the store's
-- customer_alerts when D is its today (the other branch is pruned when the query is planned).
CREATE OR REPLACE MACRO kpi_alerts(end_date, today, regions, salespeople, tiers, industries) AS TABLE
SELECT *
FROM (
    SELECT * FROM customer_alerts WHERE least(end_date, today) = today
    UNION ALL
    SELECT * FROM kpi_customer_alerts(least(end_date, today)) WHERE least(end_date, today) <> today
)
WHERE customer_matches(region_id, owner_id, tier, industry, regions, salespeople, tiers, industries);

-- Churn (SPEC §4.6). The window is [start_date, through] (the period up to the store's
-- today); when that is shorter than 90 days, the 90 days ending on `through` stand in for it.
-- The base is the 12 months before the window.
CREATE OR REPLACE MACRO kpi_churn_window(start_date, through) AS TABLE
SELECT window_start, through AS window_end, (window_start - INTERVAL 12 MONTH)::DATE AS base_start,
       window_start - 1 AS base_end
FROM (SELECT CASE WHEN through - start_date + 1 < 90 THEN through - 89 ELSE start_date END AS window_start);

-- Whether kpi_churn_customers reads each customer's orders per month: the window starts on the
-- first of a month (and is the period, 90 days or more) and no product-line filter is set.
CREATE OR REPLACE MACRO churn_by_month(start_date, through, product_lines) AS (
    day(start_date) = 1 AND through - start_date + 1 >= 90 AND product_lines IS NULL
);

-- Every customer with an order (a sales line with positive quantity; returns are not orders)
-- in the base or the window that matches the filters: whether it ordered in the base and in
-- the window, its last order in the base and its base sales. A period that starts after the
-- store's today has none. A window that starts on the first of a month (a month, quarter or
-- year) without a product-line filter is read from each customer's orders per month
-- (customer_months, store/derived.sql): the base is then whole months, and a month of the
-- window has an order by `through` when its first order day is by then; any other window from
-- the lines. The branch not taken is pruned when the query is planned.
CREATE OR REPLACE MACRO kpi_churn_customers(start_date, through, today, regions, salespeople, tiers, industries,
                                           product_lines) AS TABLE
WITH w AS (SELECT * FROM kpi_churn_window(start_date, through))
SELECT m.customer_id,
       bool_or(m.month < w.window_start) AS in_base,
       bool_or(m.month >= w.window_start AND m.first_day <= through) AS active,
       max(m.last_day) FILTER (WHERE m.month < w.window_start) AS last_order_date,
       sum(m.amount) FILTER (WHERE m.month < w.window_start) AS base_sales
FROM customer_months m, w
WHERE churn_by_month(start_date, through, product_lines)
  AND m.month BETWEEN w.base_start AND through AND start_date <= today
  AND (regions IS NULL OR list_contains(regions, m.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, m.salesperson_id))
  AND customer_passes(m.customer_id, tiers, industries)
GROUP BY m.customer_id
UNION ALL
SELECT s.customer_id,
       bool_or(s.order_date < w.window_start) AS in_base,
       bool_or(s.order_date >= w.window_start) AS active,
       max(s.order_date) FILTER (WHERE s.order_date < w.window_start) AS last_order_date,
       sum(s.amount) FILTER (WHERE s.order_date < w.window_start) AS base_sales
FROM kpi_sales((SELECT base_start FROM w), through, regions, salespeople, tiers, industries, product_lines) s,
     w
WHERE NOT churn_by_month(start_date, through, product_lines)
  AND s.quantity > 0 AND start_date <= today
GROUP BY s.customer_id;

-- Monthly targets of the salespeople that match the region and salesperson filters,
-- pro-rated to the part of each month inside [start_date, end_date] (SPEC §4.1: a partial
-- month counts its days). A salesperson's targets belong to their region. With a plan
-- version (plan_versions, saved on the Planning page) the months of its year are that
-- version's targets and other years' those in force; with NULL, all are those in force.
CREATE OR REPLACE MACRO kpi_targets(start_date, end_date, regions, salespeople, plan_version) AS TABLE
SELECT t.salesperson_id, sp.region_id, t.month, t.metric,
       t.plan_value * share.days / days_in_month(t.month) AS plan_value,
       t.stretch_value * share.days / days_in_month(t.month) AS stretch_value
FROM (
    SELECT salesperson_id, month, metric, plan_value, stretch_value FROM targets
    WHERE plan_version IS NULL
       OR year(month) <> coalesce((SELECT plan_year FROM plan_versions
                                   WHERE version_id = plan_version AND kind = 'targets'), -1)
    UNION ALL
    SELECT salesperson_id, month, metric, plan_value, stretch_value FROM plan_targets
    WHERE version_id = plan_version
) t
JOIN salespeople sp ON sp.salesperson_id = t.salesperson_id
CROSS JOIN LATERAL (
    SELECT least(last_day(t.month), end_date) - greatest(t.month, start_date) + 1 AS days
) share
WHERE t.month <= end_date AND last_day(t.month) >= start_date
  AND (regions IS NULL OR list_contains(regions, sp.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, t.salesperson_id));

-- Every judged ISO week (Monday–Sunday) of every key-account manager (SPEC §4.8, seed 004):
-- from the manager's first week with recorded activity to the last week complete by
-- `today` (and not after they left); a week with no record counts as zero. Quotas and fines
-- are the activity_quotas rows in force on the week's Thursday; shortfall = quota − actual
-- when positive; fine = Σ shortfall × fine per missing unit; a week is short when any
-- measure falls short; streak = consecutive short weeks up to this one. The store keeps
-- them as of its today (quota_weeks, store/derived.sql), which the weekly-quota page and the
-- commission payable (fines) read through kpi_activity_weeks().
CREATE OR REPLACE MACRO kpi_activity_weeks_on(today) AS TABLE
WITH
kams AS (
    SELECT salesperson_id, name, region_id, left_on FROM salespeople
    WHERE role = 'key_account_manager'
),
recorded AS (
    SELECT salesperson_id, date_trunc('week', activity_date)::DATE AS week_start,
           sum(orgs_developed) AS orgs, sum(batches_on_site) AS batches, sum(leads_submitted) AS leads
    FROM activities GROUP BY ALL
),
weeks AS (
    SELECT k.salesperson_id, k.name, k.region_id, w.week::DATE AS week_start
    FROM kams k
    JOIN (SELECT salesperson_id, min(week_start) AS first_week FROM recorded GROUP BY 1) f USING (salesperson_id)
    CROSS JOIN LATERAL range(f.first_week, (date_trunc('week', today + 1) - INTERVAL 7 DAY)::DATE + 1,
                             INTERVAL 7 DAY) w(week)
    WHERE k.left_on IS NULL OR w.week::DATE <= k.left_on
),
judged AS (
    SELECT w.*, w.week_start + 3 AS thursday,
           coalesce(r.orgs, 0) AS orgs, coalesce(r.batches, 0) AS batches, coalesce(r.leads, 0) AS leads,
           q1.weekly_quota AS orgs_quota, q1.fine_per_missing AS orgs_fine,
           q2.weekly_quota AS batches_quota, q2.fine_per_missing AS batches_fine,
           q3.weekly_quota AS leads_quota, q3.fine_per_missing AS leads_fine
    FROM weeks w
    LEFT JOIN recorded r ON r.salesperson_id = w.salesperson_id AND r.week_start = w.week_start
    LEFT JOIN activity_quotas q1 ON q1.measure = 'orgs_developed' AND q1.effective_from <= w.week_start + 3
         AND (q1.effective_to IS NULL OR w.week_start + 3 < q1.effective_to)
    LEFT JOIN activity_quotas q2 ON q2.measure = 'batches_on_site' AND q2.effective_from <= w.week_start + 3
         AND (q2.effective_to IS NULL OR w.week_start + 3 < q2.effective_to)
    LEFT JOIN activity_quotas q3 ON q3.measure = 'leads_submitted' AND q3.effective_from <= w.week_start + 3
         AND (q3.effective_to IS NULL OR w.week_start + 3 < q3.effective_to)
),
shortfalls AS (
    SELECT *, greatest(orgs_quota - orgs, 0) AS orgs_short, greatest(batches_quota - batches, 0) AS batches_short,
           greatest(leads_quota - leads, 0) AS leads_short
    FROM judged
),
weekly AS (
    SELECT *, orgs_short * orgs_fine + batches_short * batches_fine + leads_short * leads_fine AS fine,
           orgs_short + batches_short + leads_short > 0 AS short,
           sum(CASE WHEN orgs_short + batches_short + leads_short > 0 THEN 0 ELSE 1 END)
               OVER (PARTITION BY salesperson_id ORDER BY week_start) AS island
    FROM shortfalls
),
streaks AS (
    SELECT *, CASE WHEN short THEN sum(short::INT) OVER (PARTITION BY salesperson_id, island ORDER BY week_start)
                   ELSE 0 END AS streak
    FROM weekly
)
SELECT * FROM streaks;

CREATE OR REPLACE MACRO kpi_activity_weeks() AS TABLE SELECT * FROM quota_weeks;

-- Commission attribution (SPEC §4.7, seed 004). kpi_commission_claims: every claim of the
-- deals closed in [start_date, end_date], judged, the one chosen per deal marked;
-- kpi_commission_deals: one row per deal closed then, with the closer's base commission
-- (base rate in force on the close date for the deal's product line × amount, rounded to
-- the fen; cancelled deals earn nothing), and the one attribution the deal carries, if it
-- claims one:
-- * claims: the referral and lead registrations of the deal's customer made by the close
--   date (the deal's attribution_source says whether it claims at all);
-- * a claim is void when the same company or phone was registered by anyone earlier
--   ('already_registered', with who and when) or the visit was not the customer's first
--   ('not_first_visit'); a claiming deal without any claim is 'no_registration';
-- * the earliest valid claim wins; with none valid the deal shows the earliest claim's reason;
-- * referral: the manager is credited share × the closer's base commission, taken from the
--   closer (split, not extra); lead: the manager earns bonus × units, in addition.
-- Rules are the commission_rules rows in force on the close date, over [from, to);
-- share_override / bonus_override (NULL: the rules) let the page ask "what if", nothing stored.
CREATE OR REPLACE MACRO kpi_commission_claims(start_date, end_date) AS TABLE
WITH
d AS (
    SELECT deal_id, customer_id, close_date, attribution_source FROM deals
    WHERE close_date BETWEEN start_date AND end_date AND attribution_source <> 'none'
),
-- the first registration of each phone and of each company name: a registration is
-- "already registered" when the first of its phone or of its company came before it
firsts AS (
    SELECT registration_id,
           CASE WHEN phone IS NOT NULL THEN first_value({'by': registered_by, 'at': registered_at})
                OVER (PARTITION BY phone ORDER BY registered_at, registration_id) END AS by_phone,
           first_value({'by': registered_by, 'at': registered_at})
                OVER (PARTITION BY company_name ORDER BY registered_at, registration_id) AS by_company
    FROM registrations
),
claims AS (
    SELECT d.deal_id, d.close_date, g.registration_id, g.registered_by, g.registered_at, g.channel,
           g.first_visit,
           CASE WHEN f.by_phone.at < g.registered_at
                     AND (f.by_company.at >= g.registered_at OR f.by_phone.at <= f.by_company.at) THEN f.by_phone
                WHEN f.by_company.at < g.registered_at THEN f.by_company END AS earlier
    FROM d
    JOIN registrations g
      ON g.customer_id = d.customer_id AND g.channel IN ('referral', 'lead')
     AND g.registered_at < d.close_date + INTERVAL 1 DAY
    JOIN firsts f ON f.registration_id = g.registration_id
),
judged AS (
    SELECT *, CASE WHEN earlier IS NOT NULL THEN 'already_registered'
                   WHEN NOT first_visit THEN 'not_first_visit' END AS void_code
    FROM claims
)
SELECT *, row_number() OVER (PARTITION BY deal_id
                             ORDER BY void_code IS NOT NULL, registered_at, registration_id) = 1 AS chosen
FROM judged;

CREATE OR REPLACE MACRO kpi_commission_deals(start_date, end_date, share_override, bonus_override) AS TABLE
WITH
d AS (
    SELECT d.*, r.rule_id AS base_rule_id, r.value AS base_rate
    FROM deals d
    LEFT JOIN commission_rules r
      ON r.kind = 'base_rate' AND r.product_line = d.product_line
     AND r.effective_from <= d.close_date AND (r.effective_to IS NULL OR d.close_date < r.effective_to)
    WHERE d.close_date BETWEEN start_date AND end_date
),
attributed AS (
    SELECT d.*, w.registration_id, w.registered_by AS manager_id, w.registered_at, w.claims_count,
           CASE WHEN d.status = 'closed' AND w.void_code IS NULL THEN w.channel END AS attribution,
           CASE WHEN d.attribution_source = 'none' THEN NULL
                WHEN w.deal_id IS NULL THEN 'no_registration'
                ELSE w.void_code END AS void_code,
           w.earlier.by AS earlier_by, w.earlier.at AS earlier_at,
           CASE WHEN d.status = 'closed' THEN round(coalesce(d.base_rate, 0) * d.amount, 2) ELSE 0 END
               AS base_commission
    FROM d
    LEFT JOIN (SELECT *, count(*) OVER (PARTITION BY deal_id) AS claims_count
               FROM kpi_commission_claims(start_date, end_date)) w
      ON w.deal_id = d.deal_id AND w.chosen
),
ruled AS (
    SELECT a.*, s.rule_id AS share_rule_id, coalesce(share_override, s.value) AS share,
           b.rule_id AS bonus_rule_id, coalesce(bonus_override, b.value) AS bonus_per_unit
    FROM attributed a
    LEFT JOIN commission_rules s
      ON s.kind = 'referral_share' AND s.effective_from <= a.close_date
     AND (s.effective_to IS NULL OR a.close_date < s.effective_to)
    LEFT JOIN commission_rules b
      ON b.kind = 'lead_bonus_per_unit' AND b.effective_from <= a.close_date
     AND (b.effective_to IS NULL OR a.close_date < b.effective_to)
)
SELECT deal_id, close_date, customer_id, product_line, units, amount, status, attribution_source,
       closer_id, base_rule_id, base_rate, base_commission,
       registration_id, CASE WHEN attribution IS NOT NULL OR void_code IN ('already_registered', 'not_first_visit')
                             THEN manager_id END AS manager_id,
       registered_at, claims_count, attribution, void_code, earlier_by, earlier_at,
       CASE WHEN attribution = 'referral' THEN share_rule_id END AS share_rule_id,
       CASE WHEN attribution = 'referral' THEN share END AS share,
       CASE WHEN attribution = 'referral' THEN round(base_commission * coalesce(share, 0), 2) ELSE 0 END
           AS referral_share_cny,
       CASE WHEN attribution = 'lead' THEN bonus_rule_id END AS bonus_rule_id,
       CASE WHEN attribution = 'lead' THEN bonus_per_unit END AS bonus_per_unit,
       CASE WHEN attribution = 'lead' THEN round(units * coalesce(bonus_per_unit, 0), 2) ELSE 0 END
           AS lead_bonus_cny
FROM ruled;

-- A deal's line does not depend on the period asked for, so the store keeps every deal's
-- line under the rules in force (deal_commissions, store/derived.sql); a what-if is
-- computed from the facts (the branch not taken is pruned when the query is planned).
CREATE OR REPLACE MACRO kpi_commission_lines(start_date, end_date, share_override, bonus_override) AS TABLE
SELECT * FROM deal_commissions
WHERE share_override IS NULL AND bonus_override IS NULL AND close_date BETWEEN start_date AND end_date
UNION ALL
SELECT * FROM kpi_commission_deals(start_date, end_date, share_override, bonus_override)
WHERE NOT (share_override IS NULL AND bonus_override IS NULL);

-- Commission payable per person and month (SPEC §4.7): own base commissions − referral
-- shares given + shares received + lead bonuses − activity-quota fines (the month holding
-- the week's Thursday, kpi_activity_weeks). Never floored: it may be negative. A deal
-- belongs to the month of its close date.
CREATE OR REPLACE MACRO kpi_commission_payable(start_date, end_date, today, share_override, bonus_override) AS TABLE
WITH
lines AS (SELECT * FROM kpi_commission_lines(start_date, end_date, share_override, bonus_override)),
parts AS (
    SELECT closer_id AS person_id, date_trunc('month', close_date)::DATE AS month,
           base_commission AS own, referral_share_cny AS given, 0 AS received, 0 AS bonus, 0 AS fine,
           1 AS deals
    FROM lines
    UNION ALL
    SELECT manager_id, date_trunc('month', close_date)::DATE, 0, 0, referral_share_cny, lead_bonus_cny, 0, 0
    FROM lines WHERE attribution IS NOT NULL
    UNION ALL
    SELECT salesperson_id, date_trunc('month', thursday)::DATE, 0, 0, 0, 0, fine, 0
    FROM kpi_activity_weeks()
    WHERE thursday BETWEEN start_date AND least(end_date, today) AND fine > 0
)
SELECT person_id, month, sum(deals)::BIGINT AS deals, sum(own) AS own_commission, sum(given) AS shares_given,
       sum(received) AS shares_received, sum(bonus) AS lead_bonuses, sum(fine) AS fines,
       sum(own) - sum(given) + sum(received) + sum(bonus) - sum(fine) AS payable
FROM parts
GROUP BY ALL;

-- The expense budgets in force, or — with a budget version (plan_versions, saved on the
-- Planning page) — that version's for the months of its year and those in force for others.
CREATE OR REPLACE MACRO kpi_budgets(budget_version) AS TABLE
SELECT salesperson_id, region_id, month, category, budget_amount FROM expense_budgets
WHERE budget_version IS NULL
   OR year(month) <> coalesce((SELECT plan_year FROM plan_versions
                               WHERE version_id = budget_version AND kind = 'budgets'), -1)
UNION ALL
SELECT salesperson_id, region_id, month, category, budget_amount FROM plan_budgets
WHERE version_id = budget_version;

-- Expense budget and spend (SPEC §4.11) per salesperson, region, month and category, as
-- two kinds of rows: budgets (monthly, pro-rated to the days of each month inside
-- [start_date, end_date]; day NULL) and spend on its day in the period up to `today`, each
-- spend row marked unbudgeted when its salesperson has no budget row for that month and
-- category. The expense page's control ratios, overruns and burn line, and the scorecard,
-- group it. The budgets are those in force, or a saved version's (kpi_budgets).
CREATE OR REPLACE MACRO kpi_expense_lines(start_date, end_date, today, regions, salespeople, budget_version) AS TABLE
WITH
budget AS (
    SELECT b.salesperson_id, b.region_id, b.month, b.category,
           b.budget_amount * (least(last_day(b.month), end_date)
                              - greatest(b.month, start_date) + 1) / days_in_month(b.month) AS budget
    FROM kpi_budgets(budget_version) b
    WHERE b.month <= end_date AND last_day(b.month) >= start_date
      AND (regions IS NULL OR list_contains(regions, b.region_id))
      AND (salespeople IS NULL OR list_contains(salespeople, b.salesperson_id))
),
spend AS (
    SELECT e.salesperson_id, e.region_id, date_trunc('month', e.expense_date)::DATE AS month,
           e.expense_date, e.category, e.amount,
           NOT EXISTS (SELECT 1 FROM kpi_budgets(budget_version) b WHERE b.salesperson_id = e.salesperson_id
                       AND b.month = date_trunc('month', e.expense_date) AND b.category = e.category)
               AS unbudgeted
    FROM expenses e
    WHERE e.expense_date BETWEEN start_date AND least(end_date, today)
      AND (regions IS NULL OR list_contains(regions, e.region_id))
      AND (salespeople IS NULL OR list_contains(salespeople, e.salesperson_id))
)
SELECT salesperson_id, region_id, month, NULL::DATE AS day, category, budget, 0 AS amount, false AS unbudgeted
FROM budget
UNION ALL
SELECT salesperson_id, region_id, month, expense_date, category, 0, amount, unbudgeted FROM spend;

-- Customers that match the filters by their own region, current owner, tier and industry.
CREATE OR REPLACE MACRO kpi_customers(regions, salespeople, tiers, industries) AS TABLE
SELECT c.*
FROM customers c
WHERE customer_matches(c.region_id, c.owner_id, c.tier, c.industry, regions, salespeople, tiers, industries);

-- Customer development (definitions §15). The stages in order; a lost opportunity keeps the
-- stages it had reached (lost has no place in the order).
CREATE OR REPLACE MACRO stage_rank(stage) AS (
    CASE stage WHEN 'lead' THEN 1 WHEN 'approved' THEN 2 WHEN 'proposal' THEN 3
               WHEN 'negotiation' THEN 4 WHEN 'won' THEN 5 END
);

-- The opportunities under the filters: their region and owner, the customer's tier and
-- industry (a prospect has neither, so it drops out under those two filters), with the
-- account's name (the customer's, or the prospect's) and the owner's.
CREATE OR REPLACE MACRO kpi_opportunities(regions, salespeople, tiers, industries) AS TABLE
SELECT o.*, coalesce(c.name, o.prospect_name) AS account_name, sp.name AS owner_name
FROM opportunities o
LEFT JOIN customers c ON c.customer_id = o.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = o.owner_id
WHERE (regions IS NULL OR list_contains(regions, o.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, o.owner_id))
  AND customer_passes(o.customer_id, tiers, industries);

-- The open opportunities (lead to negotiation) weighted by the probability of their stage in
-- force on `on_date`: weighted = expected amount × probability ÷ 100 (no amount: 0).
CREATE OR REPLACE MACRO kpi_weighted_pipeline(on_date, regions, salespeople, tiers, industries) AS TABLE
SELECT o.*, p.probability_pct,
       (coalesce(o.expected_amount, 0) * coalesce(p.probability_pct, 0) / 100)::DECIMAL(18, 4) AS weighted_amount
FROM kpi_opportunities(regions, salespeople, tiers, industries) o
LEFT JOIN stage_probabilities p
       ON p.stage = o.stage AND p.effective_from <= on_date
      AND (p.effective_to IS NULL OR p.effective_to > on_date)
WHERE o.stage IN ('lead', 'approved', 'proposal', 'negotiation');

-- The contracts under the filters (their region and salesperson, the customer's tier and
-- industry) with the 24-hour signing clock (agreed → signed; `now` ends the as-of day, as
-- for the complaint clocks) and where each stands in its reviews: awaiting signature,
-- awaiting the first review (since signing), awaiting the GM's review (since the first
-- review passed), returned at either, or approved; waiting_days: since then, to `now`.
CREATE OR REPLACE MACRO kpi_contracts(now, regions, salespeople, tiers, industries) AS TABLE
SELECT *, date_diff('minute', waiting_since, now) / 1440 AS waiting_days FROM (
SELECT k.*, c.name AS customer_name, sp.name AS salesperson_name,
       sla_clock(k.agreed_at, k.signed_at, now) AS sign_clock,
       date_diff('minute', k.agreed_at, k.signed_at) / 60 AS hours_to_sign,
       CASE WHEN k.signed_at IS NULL THEN 'awaiting_signature'
            WHEN k.first_review_at IS NULL THEN 'awaiting_first_review'
            WHEN k.first_review_outcome = 'returned' THEN 'returned_first_review'
            WHEN k.gm_review_at IS NULL THEN 'awaiting_gm_review'
            WHEN k.gm_review_outcome = 'returned' THEN 'returned_gm_review'
            ELSE 'approved' END AS review_state,
       CASE WHEN k.signed_at IS NULL THEN k.agreed_at
            WHEN k.first_review_at IS NULL THEN k.signed_at
            WHEN k.first_review_outcome = 'approved' AND k.gm_review_at IS NULL THEN k.first_review_at
       END AS waiting_since
FROM contracts k
LEFT JOIN customers c ON c.customer_id = k.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = k.salesperson_id
WHERE (regions IS NULL OR list_contains(regions, k.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, k.salesperson_id))
  AND customer_passes(k.customer_id, tiers, industries));

-- Each instalment of the contracts' payment plans with what was collected for it by
-- `on_date`: the payments on the invoices the contract's invoicing schedule names, paid on or
-- before that day, settle the instalments in the order they fall due (the earliest first);
-- paid_in_full_on is the day the payments first covered the instalment (NULL while not). Only
-- the contracts with something due in the month of `on_date`, or due earlier and not collected
-- in full (what is due by the month's end exceeds what was paid), are worked out: the others
-- have nothing to show for that month.
CREATE OR REPLACE MACRO kpi_instalments(on_date, regions, salespeople, tiers, industries) AS TABLE
WITH
-- not materialized: DuckDB 2.0 fails to plan the left joins to it (an internal error)
-- when no payment is that old and the materialized result is known to be empty
totals AS NOT MATERIALIZED (
    SELECT contract_id, sum(amount) AS paid_total FROM contract_payments WHERE paid_on <= on_date GROUP BY ALL
),
open AS (
    SELECT p.contract_id
    FROM payment_plans p LEFT JOIN totals t USING (contract_id)
    WHERE p.due_date <= last_day(on_date)
    GROUP BY p.contract_id, t.paid_total
    HAVING max(p.due_date) >= date_trunc('month', on_date) OR sum(p.amount) > coalesce(t.paid_total, 0)
),
plan AS (
    SELECT p.*, k.customer_id, k.customer_name, k.salesperson_id, k.salesperson_name, k.region_id,
           sum(p.amount) OVER (PARTITION BY p.contract_id ORDER BY p.due_date, p.instalment_no) AS through_this,
           sum(p.amount) OVER (PARTITION BY p.contract_id ORDER BY p.due_date, p.instalment_no) - p.amount
               AS before_this
    FROM payment_plans p
    JOIN kpi_contracts(on_date::TIMESTAMP, regions, salespeople, tiers, industries) k USING (contract_id)
    WHERE p.contract_id IN (SELECT contract_id FROM open)
),
paid AS (
    SELECT contract_id, paid_on, sum(amount) OVER (PARTITION BY contract_id ORDER BY paid_on) AS paid_by_then
    FROM contract_payments
    WHERE paid_on <= on_date AND contract_id IN (SELECT contract_id FROM open)
)
SELECT plan.*,
       greatest(0, least(plan.amount, coalesce(t.paid_total, 0) - plan.before_this)) AS collected,
       (SELECT min(paid.paid_on) FROM paid
        WHERE paid.contract_id = plan.contract_id AND paid.paid_by_then >= plan.through_this) AS paid_in_full_on
FROM plan
LEFT JOIN totals t USING (contract_id);
