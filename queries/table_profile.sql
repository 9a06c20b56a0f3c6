-- name: table_profile
-- What each table of the store holds (SPEC §3.10): rows, the dates its rows span (each
-- table's own date: order date, issue date, visit date …), and its last import (when, by
-- whom, which file, how many rows, and whether the last attempt was rejected).
-- columns: table_name, rows_count, first_date, last_date, last_import, imported_by, file_name, rows_loaded, last_outcome
WITH t AS (
SELECT 'regions' AS table_name, count(*) AS rows_count, NULL::DATE AS first_date, NULL::DATE AS last_date FROM regions
UNION ALL
SELECT 'salespeople' AS table_name, count(*) AS rows_count, min(hired_on)::DATE AS first_date, max(hired_on)::DATE AS last_date FROM salespeople
UNION ALL
SELECT 'customers' AS table_name, count(*) AS rows_count, min(registered_on)::DATE AS first_date, max(registered_on)::DATE AS last_date FROM customers
UNION ALL
SELECT 'products' AS table_name, count(*) AS rows_count, NULL::DATE AS first_date, NULL::DATE AS last_date FROM products
UNION ALL
SELECT 'sales' AS table_name, count(*) AS rows_count, min(order_date)::DATE AS first_date, max(order_date)::DATE AS last_date FROM sales
UNION ALL
SELECT 'targets' AS table_name, count(*) AS rows_count, min(month)::DATE AS first_date, max(month)::DATE AS last_date FROM targets
UNION ALL
SELECT 'invoices' AS table_name, count(*) AS rows_count, min(issue_date)::DATE AS first_date, max(issue_date)::DATE AS last_date FROM invoices
UNION ALL
SELECT 'payments' AS table_name, count(*) AS rows_count, min(paid_on)::DATE AS first_date, max(paid_on)::DATE AS last_date FROM payments
UNION ALL
SELECT 'visit_plans' AS table_name, count(*) AS rows_count, min(planned_month)::DATE AS first_date, max(planned_month)::DATE AS last_date FROM visit_plans
UNION ALL
SELECT 'visits' AS table_name, count(*) AS rows_count, min(visit_date)::DATE AS first_date, max(visit_date)::DATE AS last_date FROM visits
UNION ALL
SELECT 'surveys' AS table_name, count(*) AS rows_count, min(survey_date)::DATE AS first_date, max(survey_date)::DATE AS last_date FROM surveys
UNION ALL
SELECT 'complaints' AS table_name, count(*) AS rows_count, min(received_at)::DATE AS first_date, max(received_at)::DATE AS last_date FROM complaints
UNION ALL
SELECT 'competitor_notes' AS table_name, count(*) AS rows_count, min(note_date)::DATE AS first_date, max(note_date)::DATE AS last_date FROM competitor_notes
UNION ALL
SELECT 'expenses' AS table_name, count(*) AS rows_count, min(expense_date)::DATE AS first_date, max(expense_date)::DATE AS last_date FROM expenses
UNION ALL
SELECT 'expense_budgets' AS table_name, count(*) AS rows_count, min(month)::DATE AS first_date, max(month)::DATE AS last_date FROM expense_budgets
UNION ALL
SELECT 'registrations' AS table_name, count(*) AS rows_count, min(registered_at)::DATE AS first_date, max(registered_at)::DATE AS last_date FROM registrations
UNION ALL
SELECT 'deals' AS table_name, count(*) AS rows_count, min(close_date)::DATE AS first_date, max(close_date)::DATE AS last_date FROM deals
UNION ALL
SELECT 'activities' AS table_name, count(*) AS rows_count, min(activity_date)::DATE AS first_date, max(activity_date)::DATE AS last_date FROM activities
UNION ALL
SELECT 'commission_rules' AS table_name, count(*) AS rows_count, min(effective_from)::DATE AS first_date, max(effective_from)::DATE AS last_date FROM commission_rules
UNION ALL
SELECT 'activity_quotas' AS table_name, count(*) AS rows_count, min(effective_from)::DATE AS first_date, max(effective_from)::DATE AS last_date FROM activity_quotas
UNION ALL
SELECT 'scorecard_weights' AS table_name, count(*) AS rows_count, min(effective_from)::DATE AS first_date, max(effective_from)::DATE AS last_date FROM scorecard_weights
),
last_ok AS (
    SELECT table_name, arg_max({'at': imported_at, 'by': imported_by, 'file': file_name, 'rows': rows_loaded},
                               imported_at) AS l
    FROM import_log WHERE outcome = 'ok' GROUP BY table_name
),
last_any AS (SELECT table_name, arg_max(outcome, imported_at) AS outcome FROM import_log GROUP BY table_name)
SELECT t.table_name, t.rows_count, t.first_date, t.last_date, o.l.at AS last_import, o.l.by AS imported_by,
       o.l.file AS file_name, o.l.rows AS rows_loaded, a.outcome AS last_outcome
FROM t LEFT JOIN last_ok o USING (table_name) LEFT JOIN last_any a USING (table_name)
ORDER BY t.table_name
