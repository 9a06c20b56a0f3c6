-- name: orphan_references
-- References that point at nothing (SPEC §3.10, data quality): for every column that names
-- a row of another table (a customer, salesperson, region, product, invoice or visit plan),
-- how many rows name one that does not exist (every check listed, 0 included), and one
-- example. The store keeps no foreign keys (so a table can be replaced in one
-- transaction); imports check references, and this shows what a replaced table left behind.
-- columns: table_name, column_name, references_table, orphan_count, example
SELECT * FROM (
SELECT 'salespeople' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM salespeople x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'customers' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM customers x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'customers' AS table_name, 'owner_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.owner_id) AS example
FROM customers x WHERE x.owner_id IS NOT NULL AND x.owner_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'sales' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM sales x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'sales' AS table_name, 'product_id' AS column_name, 'products' AS references_table, count(*) AS orphan_count,
       min(x.product_id) AS example
FROM sales x WHERE x.product_id IS NOT NULL AND x.product_id NOT IN (SELECT product_id FROM products)
UNION ALL
SELECT 'sales' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM sales x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'sales' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM sales x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'targets' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM targets x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'invoices' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM invoices x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'invoices' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM invoices x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'invoices' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM invoices x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'payments' AS table_name, 'invoice_id' AS column_name, 'invoices' AS references_table, count(*) AS orphan_count,
       min(x.invoice_id) AS example
FROM payments x WHERE x.invoice_id IS NOT NULL AND x.invoice_id NOT IN (SELECT invoice_id FROM invoices)
UNION ALL
SELECT 'payments' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM payments x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'payments' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM payments x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'payments' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM payments x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'visit_plans' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM visit_plans x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'visit_plans' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM visit_plans x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'visits' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM visits x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'visits' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM visits x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'visits' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM visits x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'visits' AS table_name, 'plan_id' AS column_name, 'visit_plans' AS references_table, count(*) AS orphan_count,
       min(x.plan_id) AS example
FROM visits x WHERE x.plan_id IS NOT NULL AND x.plan_id NOT IN (SELECT plan_id FROM visit_plans)
UNION ALL
SELECT 'surveys' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM surveys x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'surveys' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM surveys x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'surveys' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM surveys x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'complaints' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM complaints x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'complaints' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM complaints x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'complaints' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM complaints x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'competitor_notes' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM competitor_notes x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'competitor_notes' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM competitor_notes x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'competitor_notes' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM competitor_notes x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'expenses' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM expenses x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'expenses' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM expenses x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'expenses' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM expenses x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'expense_budgets' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM expense_budgets x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'expense_budgets' AS table_name, 'region_id' AS column_name, 'regions' AS references_table, count(*) AS orphan_count,
       min(x.region_id) AS example
FROM expense_budgets x WHERE x.region_id IS NOT NULL AND x.region_id NOT IN (SELECT region_id FROM regions)
UNION ALL
SELECT 'registrations' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM registrations x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'registrations' AS table_name, 'registered_by' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.registered_by) AS example
FROM registrations x WHERE x.registered_by IS NOT NULL AND x.registered_by NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'deals' AS table_name, 'customer_id' AS column_name, 'customers' AS references_table, count(*) AS orphan_count,
       min(x.customer_id) AS example
FROM deals x WHERE x.customer_id IS NOT NULL AND x.customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL
SELECT 'deals' AS table_name, 'closer_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.closer_id) AS example
FROM deals x WHERE x.closer_id IS NOT NULL AND x.closer_id NOT IN (SELECT salesperson_id FROM salespeople)
UNION ALL
SELECT 'activities' AS table_name, 'salesperson_id' AS column_name, 'salespeople' AS references_table, count(*) AS orphan_count,
       min(x.salesperson_id) AS example
FROM activities x WHERE x.salesperson_id IS NOT NULL AND x.salesperson_id NOT IN (SELECT salesperson_id FROM salespeople)
)
ORDER BY orphan_count DESC, table_name, column_name
