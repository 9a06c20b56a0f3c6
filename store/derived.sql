-- Derived columns and summaries (defined in store/derived_tables.sql), computed from the
-- facts after every load (demo build or import), in the same transaction.
--
-- The file is in sections, each headed `-- section NAME: the tables it reads` (`today`: the
-- store's today; `TABLE(replaced)`: read anew when the table is replaced, not appended to). After
-- a load, store/db.py runs in this order the sections that read the table loaded (all of them for
-- a new store, and those reading `today` when it moves).
-- A section that can be computed in part works on the keys in its temp table scope_NAME
-- (days, customers or salespeople): made here with every key of the facts and of the
-- summary (so rows of keys no longer in the facts go), unless an append has made it first
-- with the keys its new rows touch (store/derived_appended.sql); rows of other keys stay as
-- they are. The scopes are dropped at the end.

-- section receivables: invoices payments customers
-- The salespeople whose invoices are computed (an invoice's receivables depend on its own
-- payments only).
CREATE TEMP TABLE IF NOT EXISTS scope_receivables AS
SELECT salesperson_id FROM invoices UNION SELECT salesperson_id FROM receivables_daily_tiers;

-- Each payment with what had been paid against its invoice up to and including it (read by
-- the invoices' paid totals and the receivables changes; dropped at the end).
CREATE OR REPLACE TEMP TABLE paid_so_far AS
SELECT p.invoice_id, p.paid_on, p.amount,
       sum(p.amount) OVER (PARTITION BY p.invoice_id ORDER BY p.paid_on, p.payment_id) AS cumulative
FROM payments p JOIN invoices i ON i.invoice_id = p.invoice_id
WHERE i.salesperson_id IN (SELECT salesperson_id FROM scope_receivables);

-- invoices.paid_total: everything paid against the invoice; invoices.settled_on: the first
-- day the cumulative payments reached the amount (payments are positive, so an invoice
-- once settled stays settled).
UPDATE invoices
SET paid_total = t.paid_total, settled_on = t.settled_on
FROM (
    SELECT i.invoice_id, coalesce(max(p.cumulative), 0) AS paid_total,
           min(p.paid_on) FILTER (WHERE p.cumulative >= i.amount) AS settled_on
    FROM invoices i
    LEFT JOIN paid_so_far p ON p.invoice_id = i.invoice_id
    WHERE i.salesperson_id IN (SELECT salesperson_id FROM scope_receivables)
    GROUP BY i.invoice_id, i.amount
) t
WHERE t.invoice_id = invoices.invoice_id;

-- Receivables changes per day (their meaning is in store/derived_tables.sql). Each
-- payment's effect comes from the invoice's cumulative payments: it takes off
-- least(paid so far, amount) − least(paid before it, amount) and credits what goes beyond.
DELETE FROM receivables_daily_tiers WHERE salesperson_id IN (SELECT salesperson_id FROM scope_receivables);
INSERT INTO receivables_daily_tiers BY NAME
WITH
inv AS (
    SELECT i.*, c.tier, c.industry FROM invoices i LEFT JOIN customers c ON c.customer_id = i.customer_id
    WHERE i.salesperson_id IN (SELECT salesperson_id FROM scope_receivables)
),
steps AS (
    SELECT i.salesperson_id, i.region_id, i.tier, i.industry, i.due_date, i.settled_on,
           greatest(p.paid_on, i.issue_date) AS day,
           least(p.cumulative, i.amount) - least(p.cumulative - p.amount, i.amount) AS paid_off,
           greatest(p.cumulative - i.amount, 0) - greatest(p.cumulative - p.amount - i.amount, 0) AS overpaid
    FROM paid_so_far p
    JOIN inv i ON i.invoice_id = p.invoice_id
),
balance AS (  -- changes of the outstanding amount, with the due date that ages them
    SELECT salesperson_id, region_id, tier, industry, due_date, settled_on, issue_date AS day, amount FROM inv
    UNION ALL
    SELECT salesperson_id, region_id, tier, industry, due_date, settled_on, day, -paid_off FROM steps
    WHERE paid_off <> 0
),
aged AS (  -- each change as seen by each column: outstanding (-1) and past the aging limits —
           -- an invoice settled before it passed a column's age adds and takes off the same
           -- amount on one day there, so it is left out of that column
    SELECT b.salesperson_id, b.region_id, b.tier, b.industry, b.amount, a.past,
           CASE WHEN a.past < 0 THEN b.day ELSE greatest(b.day, b.due_date + a.past + 1) END AS day
    FROM balance b CROSS JOIN (SELECT unnest([-1] || aging_limits()) AS past) a
    WHERE a.past < 0 OR b.settled_on IS NULL OR b.settled_on > b.due_date + a.past + 1
),
changes AS (
    SELECT day, salesperson_id, region_id, tier, industry, past, amount, 0 AS credit, 0 AS opened FROM aged
    UNION ALL
    SELECT day, salesperson_id, region_id, tier, industry, NULL, 0, overpaid, 0 FROM steps WHERE overpaid <> 0
    UNION ALL
    SELECT issue_date, salesperson_id, region_id, tier, industry, NULL, 0, 0, 1 FROM inv
    UNION ALL
    SELECT greatest(settled_on, issue_date), salesperson_id, region_id, tier, industry, NULL, 0, 0, -1
    FROM inv WHERE settled_on IS NOT NULL
)
SELECT day, salesperson_id, region_id, tier, industry,
       coalesce(sum(amount) FILTER (WHERE past = -1), 0) AS outstanding,
       coalesce(sum(amount) FILTER (WHERE past = aging_limits()[1]), 0) AS past_due_0,
       coalesce(sum(amount) FILTER (WHERE past = aging_limits()[2]), 0) AS past_due_30,
       coalesce(sum(amount) FILTER (WHERE past = aging_limits()[3]), 0) AS past_due_60,
       coalesce(sum(amount) FILTER (WHERE past = aging_limits()[4]), 0) AS past_due_90,
       coalesce(sum(amount) FILTER (WHERE past = aging_limits()[5]), 0) AS past_due_180,
       sum(credit) AS credit, sum(opened) AS open_count
FROM changes
GROUP BY ALL
-- in order of industry and tier: a filter on either reads only its part of the table
ORDER BY industry, tier, day, salesperson_id, region_id;

DELETE FROM receivables_daily WHERE salesperson_id IN (SELECT salesperson_id FROM scope_receivables);
INSERT INTO receivables_daily
SELECT day, salesperson_id, region_id, sum(outstanding), sum(past_due_0), sum(past_due_30), sum(past_due_60),
       sum(past_due_90), sum(past_due_180), sum(credit), sum(open_count)
FROM receivables_daily_tiers
WHERE salesperson_id IN (SELECT salesperson_id FROM scope_receivables)
GROUP BY ALL
ORDER BY day, salesperson_id, region_id;

DROP TABLE paid_so_far;

-- section open_items: today invoices payments
-- The invoices open or in credit on the store's today and each customer's last payment by
-- then, for the worklists (kpi_open_invoices in store/macros.sql); after the paid totals.
DELETE FROM invoices_open;
INSERT INTO invoices_open
SELECT * EXCLUDE (days_past_due)
FROM kpi_invoices_on((SELECT as_of_date FROM store_meta WHERE id = 1), NULL, NULL, NULL, NULL)
ORDER BY customer_id, invoice_id;
DELETE FROM last_payments;
INSERT INTO last_payments
SELECT customer_id, max(paid_on) FROM payments
WHERE paid_on <= (SELECT as_of_date FROM store_meta WHERE id = 1)
GROUP BY customer_id ORDER BY customer_id;

-- section first_orders: sales customers
-- customers.first_order_*: the first-ever order line (positive quantity; the lowest line
-- number on that day) and its salesperson and region.
CREATE TEMP TABLE IF NOT EXISTS scope_first_orders AS SELECT customer_id FROM customers;
UPDATE customers
SET first_order_on = f.first_order_on, first_salesperson_id = f.salesperson_id,
    first_region_id = f.region_id
FROM (
    SELECT c.customer_id, min(s.order_date) AS first_order_on,
           arg_min(s.salesperson_id, {'d': s.order_date, 'l': s.line_id}) AS salesperson_id,
           arg_min(s.region_id, {'d': s.order_date, 'l': s.line_id}) AS region_id
    FROM customers c
    LEFT JOIN sales s ON s.customer_id = c.customer_id AND s.quantity > 0
    WHERE c.customer_id IN (SELECT customer_id FROM scope_first_orders)
    GROUP BY c.customer_id
) f
WHERE f.customer_id = customers.customer_id;

-- section sales_daily: sales customers products
-- Daily totals per customer tier (a fact of a customer not in customers: NULL), summed over
-- the tiers, and per tier, industry and product line, of the days in scope.
CREATE TEMP TABLE IF NOT EXISTS scope_sales_daily AS
SELECT order_date FROM sales UNION SELECT order_date FROM sales_daily_tiers;
DELETE FROM sales_daily_tiers WHERE order_date IN (SELECT order_date FROM scope_sales_daily);
INSERT INTO sales_daily_tiers
SELECT s.order_date, s.salesperson_id, s.region_id, c.tier, sum(s.amount), sum(s.amount - s.cost)
FROM sales s LEFT JOIN customers c ON c.customer_id = s.customer_id
WHERE s.order_date IN (SELECT order_date FROM scope_sales_daily)
GROUP BY ALL ORDER BY ALL;

DELETE FROM sales_daily_classes WHERE order_date IN (SELECT order_date FROM scope_sales_daily);
INSERT INTO sales_daily_classes
SELECT s.order_date, s.salesperson_id, s.region_id, c.tier, c.industry, p.product_line, sum(s.amount),
       sum(s.amount - s.cost)
FROM sales s LEFT JOIN customers c ON c.customer_id = s.customer_id
LEFT JOIN products p ON p.product_id = s.product_id
WHERE s.order_date IN (SELECT order_date FROM scope_sales_daily)
GROUP BY ALL ORDER BY c.industry, p.product_line, s.order_date, s.salesperson_id, s.region_id, c.tier;

DELETE FROM sales_daily WHERE order_date IN (SELECT order_date FROM scope_sales_daily);
INSERT INTO sales_daily
SELECT order_date, salesperson_id, region_id, sum(amount), sum(gross_profit)
FROM sales_daily_tiers WHERE order_date IN (SELECT order_date FROM scope_sales_daily)
GROUP BY ALL ORDER BY order_date, salesperson_id, region_id;

-- section customer_months: sales
-- Each customer's orders per month, salesperson and region (of the customers and months in
-- scope; the months bound the lines read).
CREATE TEMP TABLE IF NOT EXISTS scope_customer_months AS
SELECT DISTINCT customer_id, date_trunc('month', order_date)::DATE AS month FROM sales
UNION SELECT customer_id, month FROM customer_months;
DELETE FROM customer_months m USING scope_customer_months s
WHERE m.customer_id = s.customer_id AND m.month = s.month;
INSERT INTO customer_months
SELECT l.customer_id, date_trunc('month', l.order_date)::DATE AS month, l.salesperson_id, l.region_id,
       min(l.order_date), max(l.order_date), sum(l.amount)
FROM sales l
SEMI JOIN scope_customer_months s ON s.customer_id = l.customer_id AND s.month = date_trunc('month', l.order_date)
WHERE l.quantity > 0
  AND l.order_date BETWEEN (SELECT min(month) FROM scope_customer_months)
                       AND (SELECT last_day(max(month)) FROM scope_customer_months)
GROUP BY ALL ORDER BY 2, 1;

-- section payments_daily: payments customers
-- The same for the payments (which carry no product line).
CREATE TEMP TABLE IF NOT EXISTS scope_payments_daily AS
SELECT paid_on FROM payments UNION SELECT paid_on FROM payments_daily_tiers;
DELETE FROM payments_daily_tiers WHERE paid_on IN (SELECT paid_on FROM scope_payments_daily);
INSERT INTO payments_daily_tiers
SELECT p.paid_on, p.salesperson_id, p.region_id, c.tier, sum(p.amount)
FROM payments p LEFT JOIN customers c ON c.customer_id = p.customer_id
WHERE p.paid_on IN (SELECT paid_on FROM scope_payments_daily)
GROUP BY ALL ORDER BY ALL;

DELETE FROM payments_daily_classes WHERE paid_on IN (SELECT paid_on FROM scope_payments_daily);
INSERT INTO payments_daily_classes
SELECT p.paid_on, p.salesperson_id, p.region_id, c.tier, c.industry, sum(p.amount)
FROM payments p LEFT JOIN customers c ON c.customer_id = p.customer_id
WHERE p.paid_on IN (SELECT paid_on FROM scope_payments_daily)
GROUP BY ALL ORDER BY c.industry, p.paid_on, p.salesperson_id, p.region_id, c.tier;

DELETE FROM payments_daily WHERE paid_on IN (SELECT paid_on FROM scope_payments_daily);
INSERT INTO payments_daily
SELECT paid_on, salesperson_id, region_id, sum(amount)
FROM payments_daily_tiers WHERE paid_on IN (SELECT paid_on FROM scope_payments_daily)
GROUP BY ALL ORDER BY paid_on, salesperson_id, region_id;

-- section revisits: visit_plans visits customers
-- visit_plans.first_visit_on: the first visit made against the plan (NULL: none yet).
UPDATE visit_plans
SET first_visit_on = f.first_visit_on
FROM (
    SELECT vp.plan_id, min(v.visit_date) AS first_visit_on
    FROM visit_plans vp LEFT JOIN visits v ON v.plan_id = vp.plan_id
    GROUP BY vp.plan_id
) f
WHERE f.plan_id = visit_plans.plan_id;

-- Revisit plans counted by month, salesperson, their customer's region, tier and industry,
-- and outcome.
DELETE FROM revisit_outcomes;
INSERT INTO revisit_outcomes
SELECT vp.planned_month, vp.salesperson_id, c.region_id, c.tier, c.industry,
       CASE WHEN vp.first_visit_on <= last_day(vp.planned_month) THEN vp.planned_month ELSE vp.first_visit_on END,
       count(*)
FROM visit_plans vp JOIN customers c ON c.customer_id = vp.customer_id
GROUP BY ALL
ORDER BY ALL;

-- section alerts: today sales invoices payments complaints surveys customers
-- The abnormal customers on the store's today (of the customers in scope).
CREATE TEMP TABLE IF NOT EXISTS scope_alerts AS
SELECT customer_id FROM customers UNION SELECT customer_id FROM customer_alerts;
DELETE FROM customer_alerts WHERE customer_id IN (SELECT customer_id FROM scope_alerts);
INSERT INTO customer_alerts
SELECT * FROM kpi_customer_alerts((SELECT as_of_date FROM store_meta WHERE id = 1))
WHERE customer_id IN (SELECT customer_id FROM scope_alerts)
ORDER BY reasons_count DESC, overdue_90 DESC, customer_id;

-- section commissions: deals registrations commission_rules customers salespeople products
-- Every deal's commission line.
DELETE FROM deal_commissions;
INSERT INTO deal_commissions
SELECT * FROM kpi_commission_deals((SELECT min(close_date) FROM deals), (SELECT max(close_date) FROM deals), NULL, NULL)
ORDER BY close_date, deal_id;

-- section quota_weeks: today activities activity_quotas salespeople
-- The judged quota weeks as of the store's today.
DELETE FROM quota_weeks;
INSERT INTO quota_weeks
SELECT * FROM kpi_activity_weeks_on((SELECT as_of_date FROM store_meta WHERE id = 1))
ORDER BY salesperson_id, week_start;

-- section customer_gaps: customers
-- The customers whose archive is incomplete (SPEC §4.12), with the required fields each lacks in
-- the order name, tier, industry, region, owner, phone, address (a blank text counts as missing).
DELETE FROM customer_gaps;
INSERT INTO customer_gaps
SELECT customer_id, missing FROM (
    SELECT customer_id,
           list_filter([CASE WHEN nullif(trim(name), '') IS NULL THEN 'name' END,
                        CASE WHEN nullif(trim(tier), '') IS NULL THEN 'tier' END,
                        CASE WHEN nullif(trim(industry), '') IS NULL THEN 'industry' END,
                        CASE WHEN nullif(trim(region_id), '') IS NULL THEN 'region' END,
                        CASE WHEN nullif(trim(owner_id), '') IS NULL THEN 'owner' END,
                        CASE WHEN nullif(trim(phone), '') IS NULL THEN 'phone' END,
                        CASE WHEN nullif(trim(address), '') IS NULL THEN 'address' END], lambda x: x IS NOT NULL)
               AS missing
    FROM customers
)
WHERE len(missing) > 0
ORDER BY customer_id;

-- section contract_receipts: invoice_plans invoices payments
-- The invoices the contracts' invoicing schedules name, with their issue date and amount, and
-- each day's payments on them per contract (an invoice named twice by one contract counts once).
DELETE FROM contract_invoices;
INSERT INTO contract_invoices
SELECT DISTINCT p.contract_id, p.invoice_id, i.issue_date, i.amount
FROM invoice_plans p JOIN invoices i ON i.invoice_id = p.invoice_id
ORDER BY ALL;
DELETE FROM contract_payments;
INSERT INTO contract_payments
SELECT c.contract_id, pay.paid_on, sum(pay.amount)
FROM contract_invoices c JOIN payments pay ON pay.invoice_id = c.invoice_id
GROUP BY ALL
ORDER BY ALL;

-- section references_salespeople: salespeople(replaced) regions
-- References that point at nothing (SPEC §3.10): for every column of a table that names a row of
-- another (a customer, salesperson, region, product, invoice, visit plan, opportunity or contract), how many rows name one
-- that does not exist (0 included) and one example; made anew when the table or a table it names
-- is loaded. The store keeps no foreign keys (so a table can be replaced in one transaction);
-- imports check references, and this shows what a replaced table left behind. Rows appended to
-- a table were checked by their import and the older ones did not change: its own checks are
-- made anew only when it is replaced. Here a salesperson's region.
DELETE FROM reference_checks WHERE table_name = 'salespeople';
INSERT INTO reference_checks
SELECT 'salespeople', 'region_id', 'regions', count(*), min(region_id) FROM salespeople
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_customers: customers(replaced) regions salespeople
DELETE FROM reference_checks WHERE table_name = 'customers';
INSERT INTO reference_checks
SELECT 'customers', 'region_id', 'regions', count(*), min(region_id) FROM customers
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'customers', 'owner_id', 'salespeople', count(*), min(owner_id) FROM customers
WHERE owner_id IS NOT NULL AND owner_id NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_sales: sales(replaced) customers products salespeople regions
DELETE FROM reference_checks WHERE table_name = 'sales';
INSERT INTO reference_checks
SELECT 'sales', 'customer_id', 'customers', count(*), min(customer_id) FROM sales
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'sales', 'product_id', 'products', count(*), min(product_id) FROM sales
WHERE product_id IS NOT NULL AND product_id NOT IN (SELECT product_id FROM products)
UNION ALL
SELECT 'sales', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM sales
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'sales', 'region_id', 'regions', count(*), min(region_id) FROM sales
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_targets: targets(replaced) salespeople
DELETE FROM reference_checks WHERE table_name = 'targets';
INSERT INTO reference_checks
SELECT 'targets', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM targets
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_invoices: invoices(replaced) customers salespeople regions
DELETE FROM reference_checks WHERE table_name = 'invoices';
INSERT INTO reference_checks
SELECT 'invoices', 'customer_id', 'customers', count(*), min(customer_id) FROM invoices
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'invoices', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM invoices
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'invoices', 'region_id', 'regions', count(*), min(region_id) FROM invoices
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_payments: payments(replaced) invoices customers salespeople regions
DELETE FROM reference_checks WHERE table_name = 'payments';
INSERT INTO reference_checks
SELECT 'payments', 'invoice_id', 'invoices', count(*), min(invoice_id) FROM payments
WHERE invoice_id IS NOT NULL AND invoice_id NOT IN (SELECT invoice_id FROM invoices)
UNION ALL
SELECT 'payments', 'customer_id', 'customers', count(*), min(customer_id) FROM payments
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'payments', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM payments
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'payments', 'region_id', 'regions', count(*), min(region_id) FROM payments
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_visit_plans: visit_plans(replaced) customers salespeople
DELETE FROM reference_checks WHERE table_name = 'visit_plans';
INSERT INTO reference_checks
SELECT 'visit_plans', 'customer_id', 'customers', count(*), min(customer_id) FROM visit_plans
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'visit_plans', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM visit_plans
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_visits: visits(replaced) customers salespeople regions visit_plans
DELETE FROM reference_checks WHERE table_name = 'visits';
INSERT INTO reference_checks
SELECT 'visits', 'customer_id', 'customers', count(*), min(customer_id) FROM visits
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'visits', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM visits
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'visits', 'region_id', 'regions', count(*), min(region_id) FROM visits
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'visits', 'plan_id', 'visit_plans', count(*), min(plan_id) FROM visits
WHERE plan_id IS NOT NULL AND plan_id NOT IN (SELECT plan_id FROM visit_plans);

-- section references_surveys: surveys(replaced) customers salespeople regions
DELETE FROM reference_checks WHERE table_name = 'surveys';
INSERT INTO reference_checks
SELECT 'surveys', 'customer_id', 'customers', count(*), min(customer_id) FROM surveys
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'surveys', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM surveys
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'surveys', 'region_id', 'regions', count(*), min(region_id) FROM surveys
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_complaints: complaints(replaced) customers salespeople regions
DELETE FROM reference_checks WHERE table_name = 'complaints';
INSERT INTO reference_checks
SELECT 'complaints', 'customer_id', 'customers', count(*), min(customer_id) FROM complaints
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'complaints', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM complaints
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'complaints', 'region_id', 'regions', count(*), min(region_id) FROM complaints
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_competitor_notes: competitor_notes(replaced) salespeople customers regions
DELETE FROM reference_checks WHERE table_name = 'competitor_notes';
INSERT INTO reference_checks
SELECT 'competitor_notes', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM competitor_notes
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'competitor_notes', 'customer_id', 'customers', count(*), min(customer_id) FROM competitor_notes
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'competitor_notes', 'region_id', 'regions', count(*), min(region_id) FROM competitor_notes
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_expenses: expenses(replaced) salespeople regions customers
DELETE FROM reference_checks WHERE table_name = 'expenses';
INSERT INTO reference_checks
SELECT 'expenses', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM expenses
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'expenses', 'region_id', 'regions', count(*), min(region_id) FROM expenses
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'expenses', 'customer_id', 'customers', count(*), min(customer_id) FROM expenses
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers);

-- section references_expense_budgets: expense_budgets(replaced) salespeople regions
DELETE FROM reference_checks WHERE table_name = 'expense_budgets';
INSERT INTO reference_checks
SELECT 'expense_budgets', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM expense_budgets
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'expense_budgets', 'region_id', 'regions', count(*), min(region_id) FROM expense_budgets
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions);

-- section references_customer_budgets: customer_budgets(replaced) customers salespeople
DELETE FROM reference_checks WHERE table_name = 'customer_budgets';
INSERT INTO reference_checks
SELECT 'customer_budgets', 'customer_id', 'customers', count(*), min(customer_id) FROM customer_budgets
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'customer_budgets', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM customer_budgets
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_registrations: registrations(replaced) customers salespeople
DELETE FROM reference_checks WHERE table_name = 'registrations';
INSERT INTO reference_checks
SELECT 'registrations', 'customer_id', 'customers', count(*), min(customer_id) FROM registrations
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'registrations', 'registered_by', 'salespeople', count(*), min(registered_by) FROM registrations
WHERE registered_by IS NOT NULL AND registered_by NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_deals: deals(replaced) customers salespeople
DELETE FROM reference_checks WHERE table_name = 'deals';
INSERT INTO reference_checks
SELECT 'deals', 'customer_id', 'customers', count(*), min(customer_id) FROM deals
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'deals', 'closer_id', 'salespeople', count(*), min(closer_id) FROM deals
WHERE closer_id IS NOT NULL AND closer_id NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_activities: activities(replaced) salespeople
DELETE FROM reference_checks WHERE table_name = 'activities';
INSERT INTO reference_checks
SELECT 'activities', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM activities
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_opportunities: opportunities(replaced) customers salespeople regions
DELETE FROM reference_checks WHERE table_name = 'opportunities';
INSERT INTO reference_checks
SELECT 'opportunities', 'customer_id', 'customers', count(*), min(customer_id) FROM opportunities
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'opportunities', 'owner_id', 'salespeople', count(*), min(owner_id) FROM opportunities
WHERE owner_id IS NOT NULL AND owner_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'opportunities', 'region_id', 'regions', count(*), min(region_id) FROM opportunities
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'opportunities', 'approved_by', 'salespeople', count(*), min(approved_by) FROM opportunities
WHERE approved_by IS NOT NULL AND approved_by NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_opportunity_stages: opportunity_stages(replaced) opportunities
DELETE FROM reference_checks WHERE table_name = 'opportunity_stages';
INSERT INTO reference_checks
SELECT 'opportunity_stages', 'opportunity_id', 'opportunities', count(*), min(opportunity_id) FROM opportunity_stages
WHERE opportunity_id IS NOT NULL AND opportunity_id NOT IN (SELECT opportunity_id FROM opportunities);

-- section references_development_actions: development_actions(replaced) opportunities salespeople
DELETE FROM reference_checks WHERE table_name = 'development_actions';
INSERT INTO reference_checks
SELECT 'development_actions', 'opportunity_id', 'opportunities', count(*), min(opportunity_id) FROM development_actions
WHERE opportunity_id IS NOT NULL AND opportunity_id NOT IN (SELECT opportunity_id FROM opportunities)
UNION ALL
SELECT 'development_actions', 'owner_id', 'salespeople', count(*), min(owner_id) FROM development_actions
WHERE owner_id IS NOT NULL AND owner_id NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_contracts: contracts(replaced) opportunities customers salespeople regions
DELETE FROM reference_checks WHERE table_name = 'contracts';
INSERT INTO reference_checks
SELECT 'contracts', 'opportunity_id', 'opportunities', count(*), min(opportunity_id) FROM contracts
WHERE opportunity_id IS NOT NULL AND opportunity_id NOT IN (SELECT opportunity_id FROM opportunities)
UNION ALL
SELECT 'contracts', 'customer_id', 'customers', count(*), min(customer_id) FROM contracts
WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'contracts', 'salesperson_id', 'salespeople', count(*), min(salesperson_id) FROM contracts
WHERE salesperson_id IS NOT NULL AND salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'contracts', 'region_id', 'regions', count(*), min(region_id) FROM contracts
WHERE region_id IS NOT NULL AND region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'contracts', 'first_review_by', 'salespeople', count(*), min(first_review_by) FROM contracts
WHERE first_review_by IS NOT NULL AND first_review_by NOT IN (SELECT salesperson_id FROM salespeople);

-- section references_payment_plans: payment_plans(replaced) contracts
DELETE FROM reference_checks WHERE table_name = 'payment_plans';
INSERT INTO reference_checks
SELECT 'payment_plans', 'contract_id', 'contracts', count(*), min(contract_id) FROM payment_plans
WHERE contract_id IS NOT NULL AND contract_id NOT IN (SELECT contract_id FROM contracts);

-- section references_invoice_plans: invoice_plans(replaced) contracts invoices
DELETE FROM reference_checks WHERE table_name = 'invoice_plans';
INSERT INTO reference_checks
SELECT 'invoice_plans', 'contract_id', 'contracts', count(*), min(contract_id) FROM invoice_plans
WHERE contract_id IS NOT NULL AND contract_id NOT IN (SELECT contract_id FROM contracts)
UNION ALL
SELECT 'invoice_plans', 'invoice_id', 'invoices', count(*), min(invoice_id) FROM invoice_plans
WHERE invoice_id IS NOT NULL AND invoice_id NOT IN (SELECT invoice_id FROM invoices);
