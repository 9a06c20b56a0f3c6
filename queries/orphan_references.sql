-- name: orphan_references
-- References that point at nothing (SPEC §3.10, data quality): for every column that names
-- a row of another table (a customer, salesperson, region, product, invoice or visit plan),
-- how many rows name one that does not exist (every check listed, 0 included), and one
-- example. The store keeps no foreign keys (so a table can be replaced in one
-- transaction); imports check references, and this shows what a replaced table left behind.
-- The store keeps the checks (reference_checks, made anew when a table they read is loaded).
-- columns: table_name, column_name, references_table, orphan_count, example
SELECT * FROM reference_checks
ORDER BY orphan_count DESC, table_name, column_name
