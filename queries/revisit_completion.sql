-- name: revisit_completion
-- Revisit-plan completion (回访计划完成率, SPEC §4.10) per group: planned revisits done
-- within their planned month ÷ planned revisits due × 100. A plan is due once its month
-- has ended (by the period's end or the store's today, whichever is earlier), for planned
-- months from the period's first month on. Done late: its visit came after the month.
-- A plan's region, tier and industry are its customer's; its salesperson the plan's.
-- A plan's visit: the first visit made against it (visit_plans.first_visit_on, kept by the store).
-- Counted only when made by the period's end or the store's today.
-- params: start_date, end_date, regions, salespeople, tiers, industries, group_by, today
-- choice: group_by = total | month | salesperson
-- columns: group_id, group_name, planned_count, done_in_month_count, done_late_count, not_done_count, completion_pct
WITH
p AS (SELECT least($end_date::DATE, $today::DATE) AS e),
plans AS (
    SELECT vp.plan_id, vp.salesperson_id, vp.planned_month,
           CASE WHEN vp.first_visit_on <= least($end_date::DATE, $today::DATE) THEN vp.first_visit_on END
               AS first_visit
    FROM visit_plans vp
    JOIN kpi_customers($regions, NULL, $tiers, $industries) c ON c.customer_id = vp.customer_id
    WHERE vp.planned_month >= date_trunc('month', $start_date::DATE)
      AND last_day(vp.planned_month) <= (least($end_date::DATE, $today::DATE))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, vp.salesperson_id))
),
g AS (
    SELECT CASE $group_by WHEN 'total' THEN 'total'
                          WHEN 'month' THEN strftime(planned_month, '%Y-%m')
                          ELSE salesperson_id END AS group_id,
           first_visit IS NOT NULL AND first_visit <= last_day(planned_month) AS in_month,
           first_visit > last_day(planned_month) AS late
    FROM plans
)
SELECT g.group_id, coalesce(sp.name, g.group_id) AS group_name,
       count(*) AS planned_count,
       count(*) FILTER (WHERE in_month) AS done_in_month_count,
       count(*) FILTER (WHERE late) AS done_late_count,
       count(*) FILTER (WHERE NOT coalesce(in_month OR late, false)) AS not_done_count,
       count(*) FILTER (WHERE in_month) / count(*) * 100 AS completion_pct
FROM g LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = g.group_id
GROUP BY ALL
ORDER BY g.group_id
