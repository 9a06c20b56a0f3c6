-- name: pipeline_attention
-- Open opportunities that need the head's attention (README "Pipeline"), as of the store's
-- today: stalled (no stage change for `stalled_days` days or more), approved as a project
-- without a development plan (no plan action), or with plan actions overdue (due before
-- today, not done). `top` of them (NULL: all), the longest stalled first, each with how many
-- there are in all (rows_count).
-- params: regions, salespeople, tiers, industries, today, stalled_days, top
-- columns: opportunity_id, account_name, owner_name, region_id, stage, last_change_on, days_since_change, expected_cny, expected_close_on, next_step, next_step_on, is_stalled, without_plan, overdue_actions_count, rows_count
WITH
open AS (
    SELECT o.*, $today::DATE - o.last_change_on AS days_since_change,
           (SELECT count(*) FROM development_actions a WHERE a.opportunity_id = o.opportunity_id) AS actions,
           (SELECT count(*) FROM development_actions a WHERE a.opportunity_id = o.opportunity_id
              AND a.due_on < $today::DATE AND (a.done_on IS NULL OR a.done_on > $today::DATE)) AS overdue
    FROM kpi_opportunities($regions, $salespeople, $tiers, $industries) o
    WHERE o.stage IN ('lead', 'approved', 'proposal', 'negotiation') AND o.created_on <= $today::DATE
)
SELECT opportunity_id, account_name, owner_name, region_id, stage, last_change_on, days_since_change,
       expected_amount AS expected_cny, expected_close_on, next_step, next_step_on,
       days_since_change >= $stalled_days AS is_stalled,
       approved_on IS NOT NULL AND actions = 0 AS without_plan,
       overdue AS overdue_actions_count,
       count(*) OVER () AS rows_count
FROM open
WHERE days_since_change >= $stalled_days OR (approved_on IS NOT NULL AND actions = 0) OR overdue > 0
ORDER BY days_since_change DESC, opportunity_id
LIMIT $top
