-- name: landing_forecast
-- Landing forecast for the year (SPEC §4.2) per node of the chosen level, as of D = the
-- period's end or the store's today, whichever is earlier: forecast = actual from 1 January
-- to D + (actual of the 90 days ending on D ÷ 90) × days left in the year after D. Beside it
-- the year's full plan target and forecast ÷ target × 100 (NULL with target_note
-- 'no_target' when the target is zero, 'no_target_at_filter' under a tier, industry or
-- product-line filter). Gross profit counts lines with a known cost: a node whose sales this
-- year have none has no forecast (target_note 'no_cost_data'). Sales without a salesperson
-- are one node at the salesperson level, named 'Unassigned' (未分配). Beside the run-rate, for
-- sales: the weighted pipeline (definitions §15: open opportunities expected to be signed by
-- the year's end, each amount × its stage's probability in force on D ÷ 100; by owner and the
-- opportunity's region) and actual + weighted pipeline, the forecast by pipeline (NULL for
-- gross profit, and under a product-line filter, which opportunities do not carry).
-- params: end_date, regions, salespeople, tiers, industries, product_lines, level, metric, through, plan_version
-- choice: level = department | region | salesperson
-- choice: metric = sales | gross_profit
-- columns: node_id, node_name, node_name_en, as_of_date, actual_ytd, actual_last_90_days, days_left, forecast_value, annual_target, forecast_attainment_pct, target_note, weighted_pipeline_cny, pipeline_forecast_value
WITH
d AS (
    SELECT $through::DATE AS as_of_date,
           date_trunc('year', $through::DATE)::DATE AS year_start,
           (date_trunc('year', $through::DATE) + INTERVAL 1 YEAR
            - INTERVAL 1 DAY)::DATE AS year_end
),
lines AS (
    SELECT s.region_id, s.salesperson_id, s.day AS order_date,
           CASE $metric WHEN 'sales' THEN s.amount ELSE s.gross_profit END AS value
    FROM kpi_sales_by_day((least(date_trunc('year', $through::DATE)::DATE, $through::DATE - 89)), $through::DATE,
                   $regions, $salespeople, $tiers, $industries, $product_lines) s
),
actuals AS (
    SELECT CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN region_id ELSE salesperson_id END AS node_id,
           sum(value) FILTER (WHERE order_date >= (date_trunc('year', $through::DATE)::DATE)) AS actual_ytd,
           sum(value) FILTER (WHERE order_date >= ($through::DATE - 89)) AS actual_last_90_days,
           count(value) = 0 AS no_value
    FROM lines GROUP BY ALL
),
goals AS (
    SELECT CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN region_id ELSE salesperson_id END AS node_id,
           sum(plan_value) AS annual_target
    FROM kpi_targets((date_trunc('year', $through::DATE)::DATE), (((date_trunc('year', $through::DATE) + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE)), $regions, $salespeople, $plan_version::INTEGER)
    WHERE metric = $metric
    GROUP BY ALL
),
pipe AS (
    SELECT CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN region_id ELSE owner_id END AS node_id,
           sum(weighted_amount) AS weighted_pipeline_cny
    FROM kpi_weighted_pipeline($through::DATE, $regions, $salespeople, $tiers, $industries)
    WHERE $metric = 'sales' AND $product_lines::VARCHAR[] IS NULL
      AND expected_close_on <= (date_trunc('year', $through::DATE) + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE
    GROUP BY ALL
),
nodes AS (
    SELECT coalesce(a.node_id, g.node_id, p.node_id) AS node_id, p.weighted_pipeline_cny,
           if(a.no_value, NULL, coalesce(a.actual_ytd, 0)) AS actual_ytd,
           if(a.no_value, NULL, coalesce(a.actual_last_90_days, 0)) AS actual_last_90_days,
           g.annual_target,
           CASE WHEN a.no_value THEN 'no_cost_data'
                WHEN NOT carries_target($tiers, $industries, $product_lines) THEN 'no_target_at_filter'
                WHEN coalesce(g.annual_target, 0) = 0 THEN 'no_target' END AS target_note
    FROM actuals a FULL JOIN goals g ON g.node_id = a.node_id
    FULL JOIN pipe p ON p.node_id = coalesce(a.node_id, g.node_id)
)
SELECT n.node_id, coalesce(r.name_zh, sp.name, if($level = 'salesperson', '未分配', NULL)) AS node_name,
       coalesce(r.name_en, sp.name, if($level = 'salesperson', 'Unassigned', NULL)) AS node_name_en,
       d.as_of_date, n.actual_ytd, n.actual_last_90_days,
       d.year_end - d.as_of_date AS days_left,
       round(n.actual_ytd + n.actual_last_90_days / 90 * (d.year_end - d.as_of_date), 2) AS forecast_value,
       CASE WHEN n.target_note = 'no_target_at_filter' THEN NULL
            ELSE round(coalesce(n.annual_target, 0), 2) END AS annual_target,
       CASE WHEN n.target_note IS NULL
            THEN (n.actual_ytd + n.actual_last_90_days / 90 * (d.year_end - d.as_of_date))
                 / n.annual_target * 100 END AS forecast_attainment_pct,
       n.target_note,
       if($metric = 'sales' AND $product_lines::VARCHAR[] IS NULL, coalesce(n.weighted_pipeline_cny, 0), NULL)
           AS weighted_pipeline_cny,
       if($metric = 'sales' AND $product_lines::VARCHAR[] IS NULL,
          coalesce(n.actual_ytd, 0) + coalesce(n.weighted_pipeline_cny, 0), NULL) AS pipeline_forecast_value
FROM nodes n CROSS JOIN d
LEFT JOIN regions r ON $level = 'region' AND r.region_id = n.node_id
LEFT JOIN salespeople sp ON $level = 'salesperson' AND sp.salesperson_id = n.node_id
ORDER BY n.node_id
