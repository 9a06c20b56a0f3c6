-- name: growth
-- Growth (SPEC §4.3) of sales, gross profit and collections per node of the chosen level,
-- year over year and period over period side by side. The current period runs from its
-- start to its end or the store's today, whichever is earlier (so a month in progress is
-- compared to date). YoY: the same dates a year earlier. Period over period: when the
-- period is whole calendar months, the same number of months just before it (MoM for one
-- month), cut to the same elapsed days; otherwise the immediately preceding days of equal
-- length. Growth % = (current − earlier) ÷ earlier × 100, NULL when earlier is zero.
-- Collections have no product line: NULL under a product-line filter. Gross profit counts
-- lines with a known cost; NULL in a window whose sales have none. Sales without a
-- salesperson are one node at the salesperson level, named 'Unassigned' (未分配).
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, level, through
-- choice: level = department | region | salesperson
-- columns: node_id, node_name, node_name_en, metric, current_value, prior_year_value, yoy_pct, previous_period_value, pop_pct, current_start, current_end, prior_year_start, prior_year_end, previous_start, previous_end, whole_months
WITH
p AS (
    SELECT $start_date::DATE AS cur_start, $through::DATE AS cur_end,
           day($start_date::DATE) = 1 AND $end_date::DATE = last_day($end_date::DATE) AS whole_months,
           date_diff('month', $start_date::DATE, $end_date::DATE) + 1 AS months
),
windows AS (
    SELECT *,
           (cur_start - INTERVAL 1 YEAR)::DATE AS py_start,
           (cur_end - INTERVAL 1 YEAR)::DATE AS py_end,
           CASE WHEN whole_months THEN (cur_start - to_months(months))::DATE
                ELSE cur_start - (cur_end - cur_start + 1)::INTEGER END AS prev_start
    FROM p
),
w AS (
    SELECT *, CASE WHEN whole_months AND cur_end < $end_date::DATE  -- in progress: to date
                   THEN least(prev_start + (cur_end - cur_start)::INTEGER, cur_start - 1)
                   ELSE cur_start - 1 END AS prev_end
    FROM windows
),
facts AS (
    SELECT day, region_id, salesperson_id, amount AS sales, gross_profit,
           NULL::DECIMAL(38, 4) AS collections
    FROM kpi_sales_by_day(least(($start_date::DATE - INTERVAL 1 YEAR)::DATE, $start_date::DATE - ($through::DATE - $start_date::DATE + 1)::INTEGER, ($start_date::DATE - to_months(date_diff('month', $start_date::DATE, $end_date::DATE) + 1))::DATE), $through::DATE,
                   $regions, $salespeople, $tiers, $industries, $product_lines)
    UNION ALL
    SELECT day, region_id, salesperson_id, NULL, NULL, amount
    FROM kpi_payments_by_day(least(($start_date::DATE - INTERVAL 1 YEAR)::DATE, $start_date::DATE - ($through::DATE - $start_date::DATE + 1)::INTEGER, ($start_date::DATE - to_months(date_diff('month', $start_date::DATE, $end_date::DATE) + 1))::DATE), $through::DATE,
                      $regions, $salespeople, $tiers, $industries)
    WHERE $product_lines::VARCHAR[] IS NULL
),
windowed AS (
    SELECT CASE $level WHEN 'department' THEN 'department'
                       WHEN 'region' THEN region_id ELSE salesperson_id END AS node_id,
           sum(sales) FILTER (WHERE day BETWEEN w.cur_start AND w.cur_end) AS sales_cur,
           sum(sales) FILTER (WHERE day BETWEEN w.py_start AND w.py_end) AS sales_py,
           sum(sales) FILTER (WHERE day BETWEEN w.prev_start AND w.prev_end) AS sales_prev,
           sum(gross_profit) FILTER (WHERE day BETWEEN w.cur_start AND w.cur_end) AS gp_cur,
           sum(gross_profit) FILTER (WHERE day BETWEEN w.py_start AND w.py_end) AS gp_py,
           sum(gross_profit) FILTER (WHERE day BETWEEN w.prev_start AND w.prev_end) AS gp_prev,
           sum(collections) FILTER (WHERE day BETWEEN w.cur_start AND w.cur_end) AS coll_cur,
           sum(collections) FILTER (WHERE day BETWEEN w.py_start AND w.py_end) AS coll_py,
           sum(collections) FILTER (WHERE day BETWEEN w.prev_start AND w.prev_end) AS coll_prev
    FROM facts CROSS JOIN w
    GROUP BY ALL
),
sums AS (
    SELECT node_id, 'sales' AS metric, coalesce(sales_cur, 0) AS cur, coalesce(sales_py, 0) AS py,
           coalesce(sales_prev, 0) AS prev FROM windowed
    UNION ALL
    SELECT node_id, 'gross_profit', if(sales_cur IS NULL, 0, gp_cur), if(sales_py IS NULL, 0, gp_py),
           if(sales_prev IS NULL, 0, gp_prev) FROM windowed
    UNION ALL
    SELECT node_id, 'collections', coalesce(coll_cur, 0), coalesce(coll_py, 0), coalesce(coll_prev, 0)
    FROM windowed
)
SELECT s.node_id, coalesce(r.name_zh, sp.name, if($level = 'salesperson', '未分配', NULL)) AS node_name,
       coalesce(r.name_en, sp.name, if($level = 'salesperson', 'Unassigned', NULL)) AS node_name_en,
       s.metric,
       CASE WHEN s.metric = 'collections' AND $product_lines::VARCHAR[] IS NOT NULL THEN NULL ELSE s.cur END
           AS current_value,
       CASE WHEN s.metric = 'collections' AND $product_lines::VARCHAR[] IS NOT NULL THEN NULL ELSE s.py END
           AS prior_year_value,
       CASE WHEN s.py <> 0 THEN (s.cur - s.py) / s.py * 100 END AS yoy_pct,
       CASE WHEN s.metric = 'collections' AND $product_lines::VARCHAR[] IS NOT NULL THEN NULL ELSE s.prev END
           AS previous_period_value,
       CASE WHEN s.prev <> 0 THEN (s.cur - s.prev) / s.prev * 100 END AS pop_pct,
       w.cur_start AS current_start, w.cur_end AS current_end,
       w.py_start AS prior_year_start, w.py_end AS prior_year_end,
       w.prev_start AS previous_start, w.prev_end AS previous_end, w.whole_months
FROM sums s CROSS JOIN w
LEFT JOIN regions r ON $level = 'region' AND r.region_id = s.node_id
LEFT JOIN salespeople sp ON $level = 'salesperson' AND sp.salesperson_id = s.node_id
ORDER BY s.node_id, list_position(['sales', 'gross_profit', 'collections'], s.metric)
