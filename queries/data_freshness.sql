-- name: data_freshness
-- When each table of the store was last loaded (SPEC §2, the footer), with its row count:
-- the latest successful import_log entry per table. The store's own summaries are left out.
-- columns: table_name, rows_count, last_import
SELECT t.table_name, t.estimated_size AS rows_count, max(l.imported_at) AS last_import
FROM duckdb_tables() t
LEFT JOIN import_log l ON l.table_name = t.table_name AND l.outcome = 'ok'
WHERE t.schema_name = 'main'
  AND t.table_name NOT IN ('store_meta', 'import_log', 'sales_daily', 'sales_daily_tiers', 'payments_daily',
                           'payments_daily_tiers', 'customer_alerts', 'receivables_daily',
                           'receivables_daily_tiers', 'deal_commissions', 'quota_weeks', 'revisit_outcomes')
GROUP BY ALL
ORDER BY t.table_name
