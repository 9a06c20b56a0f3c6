-- name: plan_versions
-- The plan versions saved on the Planning page (definitions §16) of one kind, newest first: the
-- year each plans, its name, who saved it and when, and the rows it keeps.
-- params: kind
-- choice: kind = targets | budgets | customers
-- columns: version_id, plan_year, name, saved_by, saved_at, rows_count
SELECT v.version_id, v.plan_year, v.name, v.saved_by, v.saved_at,
       CASE $kind WHEN 'targets' THEN (SELECT count(*) FROM plan_targets t WHERE t.version_id = v.version_id)
                  WHEN 'budgets' THEN (SELECT count(*) FROM plan_budgets b WHERE b.version_id = v.version_id)
                  ELSE (SELECT count(*) FROM plan_customer_budgets c WHERE c.version_id = v.version_id) END
           AS rows_count
FROM plan_versions v
WHERE v.kind = $kind
ORDER BY v.version_id DESC
