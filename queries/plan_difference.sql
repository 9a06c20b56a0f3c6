-- name: plan_difference
-- Two plans' targets side by side (definitions §16) for the months of the period, a partial month
-- pro-rated by days as attainment's are, per node of the chosen level and measure: the
-- version read (plan_version; NULL: the targets in force), the one it is compared with
-- (other_version; NULL: in force), and the difference, the first less the other.
-- params: start_date, end_date, regions, salespeople, level, plan_version, other_version
-- choice: level = department | region | salesperson
-- columns: node_id, node_name, node_name_en, metric, plan_value, other_plan_value, plan_difference_value
WITH
sides AS (
    SELECT * FROM (VALUES ('one', $plan_version::INTEGER), ('other', $other_version::INTEGER)) v(side, version)
),
per_side AS (
    SELECT s.side, CASE $level WHEN 'department' THEN 'department'
                               WHEN 'region' THEN t.region_id ELSE t.salesperson_id END AS node_id,
           t.metric, sum(t.plan_value) AS value
    FROM sides s, kpi_targets($start_date::DATE, $end_date::DATE, $regions, $salespeople, s.version) t
    GROUP BY ALL
),
paired AS (
    SELECT node_id, metric, round(coalesce(sum(value) FILTER (WHERE side = 'one'), 0), 2) AS plan_value,
           round(coalesce(sum(value) FILTER (WHERE side = 'other'), 0), 2) AS other_plan_value
    FROM per_side GROUP BY ALL
)
SELECT p.node_id,
       coalesce(r.name_zh, sp.name) AS node_name, coalesce(r.name_en, sp.name) AS node_name_en,
       p.metric, p.plan_value, p.other_plan_value, p.plan_value - p.other_plan_value AS plan_difference_value
FROM paired p
LEFT JOIN regions r ON $level = 'region' AND r.region_id = p.node_id
LEFT JOIN salespeople sp ON $level = 'salesperson' AND sp.salesperson_id = p.node_id
ORDER BY list_position(['sales', 'gross_profit', 'collections', 'new_customers'], p.metric), p.node_id
