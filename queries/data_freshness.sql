-- name: data_freshness
-- When each of the given tables (those a department imports) was last loaded (SPEC §2, the
-- footer), with its row count: the latest successful import_log entry per table.
-- params: tables
-- columns: table_name, rows_count, last_import
SELECT t.table_name, d.estimated_size AS rows_count, max(l.imported_at) AS last_import
FROM unnest($tables::VARCHAR[]) AS t(table_name)
JOIN duckdb_tables() d ON d.schema_name = 'main' AND d.table_name = t.table_name
LEFT JOIN import_log l ON l.table_name = t.table_name AND l.outcome = 'ok'
GROUP BY ALL
ORDER BY t.table_name
