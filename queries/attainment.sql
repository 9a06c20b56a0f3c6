-- name: attainment
-- Attainment (SPEC §4.1) of sales, gross profit, collections and new customers, against
-- plan and stretch, per node of the chosen level (department, region, salesperson) and
-- per bucket of the chosen grain (year, quarter, month, or the whole period as one bucket).
-- Actual: the facts dated in the period up to the store's today. Target: the monthly
-- targets of the months in the period, a partial month pro-rated by days. Attainment =
-- actual ÷ target × 100 and the gap actual − target; NULL with target_note 'no_target' when the target is zero or
-- missing (never ∞). Tier, industry and product-line filters carry no target: the target is
-- NULL with target_note 'no_target_at_filter'. Collections and new customers have no
-- product line: with a product-line filter their actual is NULL ('not_applicable').
-- Gross profit counts the lines with a known cost; where a node sold in a bucket and no line
-- had a cost, its actual is NULL with target_note 'no_cost_data' (never a 100 % margin).
-- Sales without a salesperson count in their region and the department; at the salesperson
-- level they are one node with node_id NULL, named 'Unassigned' (未分配).
-- New customer: a customer whose first-ever order falls in the bucket, credited to the
-- salesperson and region of that order (customers.first_order_*, derived from sales). Region figures are the facts' own regions;
-- parent_id is the region a salesperson belongs to, for the tree.
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, level, grain, through, plan_version
-- choice: level = department | region | salesperson
-- choice: grain = period | year | quarter | month
-- columns: bucket_start, node_id, node_name, node_name_en, parent_id, metric, actual_value, plan_target, plan_gap_value, stretch_target, plan_attainment_pct, stretch_attainment_pct, target_note
WITH
bounds AS (SELECT $start_date::DATE AS s, $through::DATE AS e),
node_sales AS (
    SELECT CASE WHEN $grain = 'period' THEN $start_date::DATE
                ELSE date_trunc(if($grain = 'period', 'year', $grain), day)::DATE END AS bucket_start,
           CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN region_id ELSE salesperson_id END AS node_id,
           sum(amount) AS sales, sum(gross_profit) AS gross_profit
    FROM kpi_sales_by_day($start_date::DATE, $through::DATE,
                          $regions, $salespeople, $tiers, $industries, $product_lines)
    GROUP BY ALL
),
facts AS (
    SELECT bucket_start, node_id, 'sales' AS metric, sales AS value FROM node_sales
    UNION ALL
    SELECT bucket_start, node_id, 'gross_profit', gross_profit FROM node_sales
    UNION ALL
    SELECT CASE WHEN $grain = 'period' THEN $start_date::DATE
                ELSE date_trunc(if($grain = 'period', 'year', $grain), day)::DATE END,
           CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN region_id ELSE salesperson_id END,
           'collections', sum(amount)
    FROM kpi_payments_by_day($start_date::DATE, $through::DATE,
                             $regions, $salespeople, $tiers, $industries)
    WHERE $product_lines::VARCHAR[] IS NULL
    GROUP BY ALL
    UNION ALL
    SELECT CASE WHEN $grain = 'period' THEN $start_date::DATE
                ELSE date_trunc(if($grain = 'period', 'year', $grain), first_order_on)::DATE END,
           CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN first_region_id ELSE first_salesperson_id END,
           'new_customers', count(*)
    FROM kpi_customers(NULL, NULL, $tiers, $industries)
    WHERE first_order_on BETWEEN $start_date::DATE AND $through::DATE
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, first_region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, first_salesperson_id))
      AND $product_lines::VARCHAR[] IS NULL
    GROUP BY ALL
),
goals AS (
    SELECT month AS day, region_id, salesperson_id, metric, plan_value, stretch_value
    FROM kpi_targets($start_date::DATE, $end_date::DATE, $regions, $salespeople, $plan_version::INTEGER)
),
keyed AS (
    SELECT bucket_start, node_id, metric, value, NULL::DOUBLE AS plan_value, NULL::DOUBLE AS stretch_value,
           1 AS fact
    FROM facts
    UNION ALL
    SELECT CASE WHEN $grain = 'period' THEN $start_date::DATE
                ELSE date_trunc(if($grain = 'period', 'year', $grain), day)::DATE END,
           CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN region_id ELSE salesperson_id END,
           metric, NULL, plan_value, stretch_value, 0
    FROM goals
),
totals AS (
    SELECT bucket_start, node_id, metric, sum(value) AS actual,
           sum(plan_value) AS plan_target, sum(stretch_value) AS stretch_target, sum(fact) AS facts
    FROM keyed GROUP BY ALL
),
judged AS (
    SELECT t.* EXCLUDE (facts),
           CASE WHEN t.metric IN ('collections', 'new_customers')
                     AND $product_lines::VARCHAR[] IS NOT NULL THEN 'not_applicable'
                WHEN t.metric = 'gross_profit' AND t.facts > 0 AND t.actual IS NULL THEN 'no_cost_data'
                WHEN NOT carries_target($tiers, $industries, $product_lines) THEN 'no_target_at_filter'
                WHEN coalesce(t.plan_target, 0) = 0 THEN 'no_target'
           END AS target_note
    FROM totals t
)
SELECT j.bucket_start, j.node_id,
       coalesce(r.name_zh, sp.name, if($level = 'salesperson', '未分配', NULL)) AS node_name,
       coalesce(r.name_en, sp.name, if($level = 'salesperson', 'Unassigned', NULL)) AS node_name_en,
       CASE WHEN $level = 'salesperson' THEN sp.region_id
            WHEN $level = 'region' THEN 'department' END AS parent_id,
       j.metric,
       CASE WHEN j.target_note IN ('not_applicable', 'no_cost_data') THEN NULL
            ELSE coalesce(j.actual, 0) END AS actual_value,
       CASE WHEN j.target_note IN ('not_applicable', 'no_target_at_filter') THEN NULL
            ELSE round(coalesce(j.plan_target, 0), 2) END AS plan_target,
       CASE WHEN j.target_note IS NULL
            THEN round(coalesce(j.actual, 0) - j.plan_target, 2) END AS plan_gap_value,
       CASE WHEN j.target_note IN ('not_applicable', 'no_target_at_filter') THEN NULL
            ELSE round(coalesce(j.stretch_target, 0), 2) END AS stretch_target,
       CASE WHEN j.target_note IS NULL
            THEN coalesce(j.actual, 0) / j.plan_target * 100 END AS plan_attainment_pct,
       CASE WHEN j.target_note IS NULL AND j.stretch_target > 0
            THEN coalesce(j.actual, 0) / j.stretch_target * 100 END AS stretch_attainment_pct,
       j.target_note
FROM judged j
LEFT JOIN regions r ON $level = 'region' AND r.region_id = j.node_id
LEFT JOIN salespeople sp ON $level = 'salesperson' AND sp.salesperson_id = j.node_id
ORDER BY j.bucket_start, j.node_id,
         list_position(['sales', 'gross_profit', 'collections', 'new_customers'], j.metric)
