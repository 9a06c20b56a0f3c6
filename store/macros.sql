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

-- The 95 % Wilson score interval (z = 1.96) of a proportion k of n.
CREATE OR REPLACE MACRO wilson_low(k, n) AS (
    ((k / n) + 1.9208 / n - 1.96 * sqrt((k / n) * (1 - k / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n)
);
CREATE OR REPLACE MACRO wilson_high(k, n) AS (
    ((k / n) + 1.9208 / n + 1.96 * sqrt((k / n) * (1 - k / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n)
);

-- Days in the calendar month of a date.
CREATE OR REPLACE MACRO days_in_month(d) AS (day(last_day(d)));

-- Sales lines dated in [start_date, end_date] that match the filters, with the line's
-- gross profit.
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
-- grain. Without a tier, industry or product-line filter they are read from the store's
-- daily totals (store/derived.sql, 15× fewer rows than the lines); with one, from the
-- lines. The branch not taken is pruned when the query is planned, as its condition is on
-- parameters only.
CREATE OR REPLACE MACRO kpi_sales_by_day(start_date, end_date, regions, salespeople, tiers, industries,
                                         product_lines) AS TABLE
SELECT d.order_date AS day, d.salesperson_id, d.region_id, d.amount, d.amount - d.cost AS gross_profit
FROM sales_daily d
WHERE tiers IS NULL AND industries IS NULL AND product_lines IS NULL
  AND d.order_date BETWEEN start_date AND end_date
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id))
UNION ALL
SELECT order_date, salesperson_id, region_id, sum(amount), sum(gross_profit)
FROM kpi_sales(start_date, end_date, regions, salespeople, tiers, industries, product_lines)
WHERE NOT (tiers IS NULL AND industries IS NULL AND product_lines IS NULL)
GROUP BY ALL;

CREATE OR REPLACE MACRO kpi_payments_by_day(start_date, end_date, regions, salespeople, tiers,
                                            industries) AS TABLE
SELECT d.paid_on AS day, d.salesperson_id, d.region_id, d.amount
FROM payments_daily d
WHERE tiers IS NULL AND industries IS NULL
  AND d.paid_on BETWEEN start_date AND end_date
  AND (regions IS NULL OR list_contains(regions, d.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, d.salesperson_id))
UNION ALL
SELECT paid_on, salesperson_id, region_id, sum(amount)
FROM kpi_payments(start_date, end_date, regions, salespeople, tiers, industries)
WHERE NOT (tiers IS NULL AND industries IS NULL)
GROUP BY ALL;

-- The invoices issued on or before `on_date` that match the filters and, on that date,
-- had something outstanding or were in credit (settled invoices contribute nothing to any
-- balance), as they stood then (SPEC §4.4): payments after the date are ignored;
-- outstanding never goes below zero and an overpayment shows as credit; days past due =
-- on_date − due date.
-- Paid on the date = invoices.paid_total (store/derived.sql) less the payments after it, so
-- only those later payments are read.
CREATE OR REPLACE MACRO kpi_invoices_on(on_date, regions, salespeople, tiers, industries) AS TABLE
WITH open_then AS (
    -- Settled by the date and not overpaid: paid on the date = amount, nothing to show.
    SELECT i.invoice_id, i.customer_id, i.issue_date, i.due_date, i.amount, i.salesperson_id,
           i.region_id, i.paid_total
    FROM invoices i
    WHERE i.issue_date <= on_date
      AND (i.settled_on IS NULL OR i.settled_on > on_date OR i.paid_total > i.amount)
      AND (regions IS NULL OR list_contains(regions, i.region_id))
      AND (salespeople IS NULL OR list_contains(salespeople, i.salesperson_id))
),
candidates AS (
    -- The customer filter only when one is set (the other branch is pruned at planning).
    SELECT * FROM open_then WHERE tiers IS NULL AND industries IS NULL
    UNION ALL
    SELECT * FROM open_then
    WHERE NOT (tiers IS NULL AND industries IS NULL) AND customer_passes(customer_id, tiers, industries)
),
later AS (
    SELECT invoice_id, sum(amount) AS later FROM payments
    WHERE paid_on > on_date AND invoice_id IN (SELECT invoice_id FROM candidates)
    GROUP BY invoice_id
),
inv AS (
    SELECT c.*, c.paid_total - coalesce(l.later, 0) AS paid
    FROM candidates c LEFT JOIN later l ON l.invoice_id = c.invoice_id
)
SELECT invoice_id, customer_id, issue_date, due_date, amount, salesperson_id, region_id, paid,
       greatest(amount - paid, 0) AS outstanding,
       greatest(paid - amount, 0) AS credit,
       on_date - due_date AS days_past_due
FROM inv
WHERE paid <> amount;

-- Monthly targets of the salespeople that match the region and salesperson filters,
-- pro-rated to the part of each month inside [start_date, end_date] (SPEC §4.1: a partial
-- month counts its days). A salesperson's targets belong to their region.
CREATE OR REPLACE MACRO kpi_targets(start_date, end_date, regions, salespeople) AS TABLE
SELECT t.salesperson_id, sp.region_id, t.month, t.metric,
       t.plan_value * share.days / days_in_month(t.month) AS plan_value,
       t.stretch_value * share.days / days_in_month(t.month) AS stretch_value
FROM targets t
JOIN salespeople sp ON sp.salesperson_id = t.salesperson_id
CROSS JOIN LATERAL (
    SELECT least(last_day(t.month), end_date) - greatest(t.month, start_date) + 1 AS days
) share
WHERE t.month <= end_date AND last_day(t.month) >= start_date
  AND (regions IS NULL OR list_contains(regions, sp.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, t.salesperson_id));

-- Customers that match the filters by their own region, current owner, tier and industry.
CREATE OR REPLACE MACRO kpi_customers(regions, salespeople, tiers, industries) AS TABLE
SELECT c.*
FROM customers c
WHERE (regions IS NULL OR list_contains(regions, c.region_id))
  AND (salespeople IS NULL OR list_contains(salespeople, c.owner_id))
  AND (tiers IS NULL OR list_contains(tiers, c.tier))
  AND (industries IS NULL OR list_contains(industries, c.industry));
