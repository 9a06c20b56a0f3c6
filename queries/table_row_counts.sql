-- name: table_row_counts
-- Rows per table of the store, by table name (from DuckDB's catalog, exact
-- after the last checkpoint).
-- columns: table_name, rows_count
SELECT table_name, estimated_size AS rows_count
FROM duckdb_tables()
WHERE schema_name = 'main'
ORDER BY table_name
