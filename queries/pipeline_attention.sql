-- name: pipeline_attention
-- Open opportunities that need the head's attention (definitions §15), as of the store's
-- today: stalled (no stage change for `stalled_days` days or more), approved as a project
-- without a development plan (no plan action), or with plan actions overdue (due before
-- today, not done). `top` of them (NULL: all), the longest stalled first, each with how many
-- there are in all (rows_count).
-- params: regions, salespeople, tiers, industries, today, stalled_days, top
-- columns: opportunity_id, account_name, owner_name, region_id, stage, last_change_on, days_since_change, expected_cny, expected_close_on, next_step, next_step_on, is_stalled, without_plan, overdue_actions_count, rows_count
WITH
open AS (
    SELECT o.*
    FROM kpi_opportunities($regions, $salespeople, $tiers, $industries) o
    WHERE o.stage IN ('lead', 'approved', 'proposal', 'negotiation') AND o.created_on <= $today::DATE
),
changed AS (
    SELECT opportunity_id, max(entered_on) AS last_change_on
    FROM opportunity_stages SEMI JOIN open USING (opportunity_id)
    GROUP BY ALL
),
plans AS (
    SELECT opportunity_id, count(*) AS actions,
           count(*) FILTER (WHERE due_on < $today::DATE AND (done_on IS NULL OR done_on > $today::DATE)) AS overdue
    FROM development_actions SEMI JOIN open USING (opportunity_id)
    GROUP BY ALL
),
flagged AS (
    SELECT o.*, c.last_change_on, $today::DATE - c.last_change_on AS days_since_change,
           coalesce(p.actions, 0) AS actions, coalesce(p.overdue, 0) AS overdue
    FROM open o LEFT JOIN changed c USING (opportunity_id) LEFT JOIN plans p USING (opportunity_id)
)
SELECT opportunity_id, account_name, owner_name, region_id, stage, last_change_on, days_since_change,
       expected_amount AS expected_cny, expected_close_on, next_step, next_step_on,
       days_since_change >= $stalled_days AS is_stalled,
       approved_on IS NOT NULL AND actions = 0 AS without_plan,
       overdue AS overdue_actions_count,
       count(*) OVER () AS rows_count
FROM flagged
WHERE days_since_change >= $stalled_days OR (approved_on IS NOT NULL AND actions = 0) OR overdue > 0
ORDER BY days_since_change DESC, opportunity_id
LIMIT $top
