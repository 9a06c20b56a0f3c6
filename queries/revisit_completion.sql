-- name: revisit_completion
-- Revisit-plan completion (回访计划完成率, SPEC §4.10) per group: planned revisits done
-- within their planned month ÷ planned revisits due × 100. A plan is due once its month
-- has ended (by the period's end or the store's today, whichever is earlier), for planned
-- months from the period's first month on. Done late: its visit came after the month.
-- A plan's region, tier and industry are its customer's; its salesperson the plan's.
-- A plan's visit: the first visit made against it. Counted only when made by the period's
-- end or the store's today. Read from the plans the store keeps counted by month,
-- salesperson, customer and outcome (revisit_outcomes).
-- params: start_date, end_date, regions, salespeople, tiers, industries, group_by, through
-- choice: group_by = total | month | salesperson
-- columns: group_id, group_name, planned_count, done_in_month_count, done_late_count, not_done_count, completion_pct
WITH
g AS (
    SELECT CASE $group_by WHEN 'total' THEN 'total'
                          WHEN 'month' THEN strftime(planned_month, '%Y-%m')
                          ELSE salesperson_id END AS group_id,
           plans,
           outcome_on = planned_month AS in_month,
           outcome_on > last_day(planned_month) AND outcome_on <= $through::DATE AS late
    FROM revisit_outcomes
    WHERE planned_month >= date_trunc('month', $start_date::DATE)
      AND last_day(planned_month) <= $through::DATE
      AND customer_matches(region_id, NULL, tier, industry, $regions, NULL, $tiers, $industries)
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
)
SELECT g.group_id, coalesce(sp.name, g.group_id) AS group_name,
       sum(plans)::BIGINT AS planned_count,
       coalesce(sum(plans) FILTER (WHERE in_month), 0)::BIGINT AS done_in_month_count,
       coalesce(sum(plans) FILTER (WHERE late), 0)::BIGINT AS done_late_count,
       coalesce(sum(plans) FILTER (WHERE NOT coalesce(in_month OR late, false)), 0)::BIGINT AS not_done_count,
       coalesce(sum(plans) FILTER (WHERE in_month), 0) / sum(plans) * 100 AS completion_pct
FROM g LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = g.group_id
GROUP BY ALL
ORDER BY g.group_id
