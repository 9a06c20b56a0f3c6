-- After an append, the keys its new rows (the temp view new_rows) touch, for the sections
-- of store/derived.sql that can be computed in part: one section per table appended to,
-- `-- section TABLE`. A scope left out here is made with every key there.

-- section sales
-- a customer's first order changes only if a new order line is dated on or before it
CREATE TEMP TABLE scope_first_orders AS
SELECT DISTINCT n.customer_id FROM new_rows n JOIN customers c ON c.customer_id = n.customer_id
WHERE n.quantity > 0 AND (c.first_order_on IS NULL OR n.order_date <= c.first_order_on);
CREATE TEMP TABLE scope_sales_daily AS SELECT DISTINCT order_date FROM new_rows;
CREATE TEMP TABLE scope_customer_months AS
SELECT DISTINCT customer_id, date_trunc('month', order_date)::DATE AS month FROM new_rows;
CREATE TEMP TABLE scope_alerts AS SELECT DISTINCT customer_id FROM new_rows;

-- section payments
CREATE TEMP TABLE scope_payments_daily AS SELECT DISTINCT paid_on FROM new_rows;
CREATE TEMP TABLE scope_receivables AS
SELECT DISTINCT salesperson_id FROM invoices WHERE invoice_id IN (SELECT invoice_id FROM new_rows);
CREATE TEMP TABLE scope_alerts AS SELECT DISTINCT customer_id FROM new_rows;

-- section invoices
CREATE TEMP TABLE scope_receivables AS SELECT DISTINCT salesperson_id FROM new_rows;
CREATE TEMP TABLE scope_alerts AS SELECT DISTINCT customer_id FROM new_rows;

-- section complaints
CREATE TEMP TABLE scope_alerts AS SELECT DISTINCT customer_id FROM new_rows;

-- section surveys
CREATE TEMP TABLE scope_alerts AS SELECT DISTINCT customer_id FROM new_rows;
