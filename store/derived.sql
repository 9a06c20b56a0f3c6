-- Derived columns and summaries, recomputed from the facts after every load (demo build or
-- import), in the same transaction. Each is created here if missing, so a store made by an
-- earlier version gains it when opened (store/db.py).

-- invoices.paid_total: everything paid against the invoice; invoices.settled_on: the first
-- day the cumulative payments reached the amount (payments are positive, so an invoice
-- once settled stays settled).
UPDATE invoices
SET paid_total = t.paid_total, settled_on = t.settled_on
FROM (
    SELECT i.invoice_id, coalesce(max(p.cumulative), 0) AS paid_total,
           min(p.paid_on) FILTER (WHERE p.cumulative >= i.amount) AS settled_on
    FROM invoices i
    LEFT JOIN (
        SELECT invoice_id, paid_on,
               sum(amount) OVER (PARTITION BY invoice_id ORDER BY paid_on, payment_id) AS cumulative
        FROM payments
    ) p ON p.invoice_id = i.invoice_id
    GROUP BY i.invoice_id, i.amount
) t
WHERE t.invoice_id = invoices.invoice_id;

-- customers.first_order_*: the first-ever order line (positive quantity; the lowest line
-- number on that day) and its salesperson and region.
UPDATE customers
SET first_order_on = f.first_order_on, first_salesperson_id = f.salesperson_id,
    first_region_id = f.region_id
FROM (
    SELECT c.customer_id, min(s.order_date) AS first_order_on,
           arg_min(s.salesperson_id, {'d': s.order_date, 'l': s.line_id}) AS salesperson_id,
           arg_min(s.region_id, {'d': s.order_date, 'l': s.line_id}) AS region_id
    FROM customers c
    LEFT JOIN sales s ON s.customer_id = c.customer_id AND s.quantity > 0
    GROUP BY c.customer_id
) f
WHERE f.customer_id = customers.customer_id;

-- One row: a day's sales lines of one salesperson in one region, summed. Refilled from
-- sales after every load; a store made before they existed gains them when opened.
CREATE TABLE IF NOT EXISTS sales_daily (
    order_date     DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    amount         DECIMAL(18, 2) NOT NULL,
    cost           DECIMAL(18, 2) NOT NULL
);

-- One row: a day's payments credited to one salesperson in one region, summed. Refilled
-- from payments after every load.
CREATE TABLE IF NOT EXISTS payments_daily (
    paid_on        DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    amount         DECIMAL(18, 2) NOT NULL
);

DELETE FROM sales_daily;
INSERT INTO sales_daily
SELECT order_date, salesperson_id, region_id, sum(amount), sum(cost)
FROM sales GROUP BY ALL ORDER BY order_date, salesperson_id, region_id;

DELETE FROM payments_daily;
INSERT INTO payments_daily
SELECT paid_on, salesperson_id, region_id, sum(amount)
FROM payments GROUP BY ALL ORDER BY paid_on, salesperson_id, region_id;

-- visit_plans.first_visit_on: the first visit made against the plan (NULL: none yet).
ALTER TABLE visit_plans ADD COLUMN IF NOT EXISTS first_visit_on DATE;
UPDATE visit_plans
SET first_visit_on = f.first_visit_on
FROM (
    SELECT vp.plan_id, min(v.visit_date) AS first_visit_on
    FROM visit_plans vp LEFT JOIN visits v ON v.plan_id = vp.plan_id
    GROUP BY vp.plan_id
) f
WHERE f.plan_id = visit_plans.plan_id;
