-- name: audit_log
-- The audit log, newest first, up to 5,000 rows: of one action or all ($action NULL), by one
-- account or all ($user_name NULL), dated in [start_date, end_date].
-- params: start_date, end_date, action, user_name
-- columns: done_at, user_name, action, subject, detail, outcome
SELECT done_at, user_name, action, subject, detail, outcome
FROM audit_log
WHERE done_at::DATE BETWEEN $start_date::DATE AND $end_date::DATE
  AND ($action::VARCHAR IS NULL OR action = $action)
  AND ($user_name::VARCHAR IS NULL OR user_name = $user_name)
ORDER BY audit_id DESC
LIMIT 5000
