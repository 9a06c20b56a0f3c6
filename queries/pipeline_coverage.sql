-- name: pipeline_coverage
-- Weighted pipeline against the target still to reach (definitions §15), as of the store's
-- today, for the rest of its quarter or year. Weighted pipeline = Σ expected amount × the
-- probability of the stage in force today ÷ 100, over the open opportunities (lead to
-- negotiation) expected to be signed by the horizon's end (one whose date has passed while it
-- is still open counts too; one without a date does not). Still to reach = the sales plan of
-- the whole quarter (year) − sales from its first day to today, never below 0. Coverage =
-- weighted ÷ still to reach × 100 (NULL when nothing is left to reach, or under a tier or
-- industry filter, which carries no target). Opportunities count in their owner's and their
-- own region; targets and sales in their salesperson's and region's.
-- params: regions, salespeople, tiers, industries, today, horizon, group_by, plan_version
-- choice: horizon = quarter | year
-- choice: group_by = department | region | salesperson
-- columns: group_id, group_name, group_name_en, open_count, pipeline_cny, weighted_cny, target_cny, sales_to_date_cny, remaining_cny, coverage_pct
WITH
h AS (
    SELECT date_trunc($horizon, $today::DATE)::DATE AS first_day,
           (date_trunc($horizon, $today::DATE) + CASE $horizon WHEN 'quarter' THEN INTERVAL 3 MONTH
                                                                  ELSE INTERVAL 1 YEAR END
            - INTERVAL 1 DAY)::DATE AS last_day
),
pipe AS (
    SELECT CASE $group_by WHEN 'department' THEN 'department' WHEN 'region' THEN p.region_id
                          ELSE p.owner_id END AS group_id,
           count(*) AS open_count, sum(coalesce(p.expected_amount, 0)) AS pipeline_cny,
           sum(p.weighted_amount) AS weighted_cny
    FROM kpi_weighted_pipeline($today::DATE, $regions, $salespeople, $tiers, $industries) p, h
    WHERE p.expected_close_on <= h.last_day
    GROUP BY ALL
),
goal AS (
    SELECT CASE $group_by WHEN 'department' THEN 'department' WHEN 'region' THEN t.region_id
                          ELSE t.salesperson_id END AS group_id,
           sum(t.plan_value) AS target_cny
    FROM h, kpi_targets(h.first_day, h.last_day, $regions, $salespeople, $plan_version::INTEGER) t
    WHERE t.metric = 'sales'
    GROUP BY ALL
),
done AS (
    SELECT CASE $group_by WHEN 'department' THEN 'department' WHEN 'region' THEN s.region_id
                          ELSE s.salesperson_id END AS group_id,
           sum(s.amount) AS sales_to_date_cny
    FROM h, kpi_sales_by_day(h.first_day, $today::DATE, $regions, $salespeople, $tiers, $industries, NULL) s
    GROUP BY ALL
),
nodes AS (
    SELECT coalesce(p.group_id, g.group_id, d.group_id) AS group_id,
           coalesce(p.open_count, 0) AS open_count, coalesce(p.pipeline_cny, 0) AS pipeline_cny,
           coalesce(p.weighted_cny, 0) AS weighted_cny,
           if(carries_target($tiers, $industries, NULL), coalesce(g.target_cny, 0), NULL) AS target_cny,
           coalesce(d.sales_to_date_cny, 0) AS sales_to_date_cny
    FROM pipe p FULL JOIN goal g USING (group_id) FULL JOIN done d USING (group_id)
)
SELECT n.group_id,
       coalesce(r.name_zh, sp.name, if($group_by = 'department', '全部门', '未分配')) AS group_name,
       coalesce(r.name_en, sp.name, if($group_by = 'department', 'Department', 'Unassigned')) AS group_name_en,
       n.open_count, n.pipeline_cny, n.weighted_cny, round(n.target_cny, 2) AS target_cny, n.sales_to_date_cny,
       greatest(0, round(n.target_cny, 2) - n.sales_to_date_cny) AS remaining_cny,
       n.weighted_cny / nullif(greatest(0, round(n.target_cny, 2) - n.sales_to_date_cny), 0) * 100 AS coverage_pct
FROM nodes n
LEFT JOIN regions r ON $group_by = 'region' AND r.region_id = n.group_id
LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = n.group_id
ORDER BY n.group_id NULLS LAST
