-- name: expense_control
-- Expense control (SPEC §4.11) per group: control ratio = actual ÷ budget × 100; over 100
-- is an overrun. Budgets are monthly, pro-rated to the days of each month inside the period;
-- actual spend is dated in the period up to the store's today. Spend with no budget row
-- (that salesperson, month and category) is reported as unbudgeted_cny and a group without
-- any budget gets a NULL ratio and budget_missing, never a division by zero.
-- params: start_date, end_date, regions, salespeople, group_by, today, budget_version
-- choice: group_by = total | month | region | salesperson | category
-- columns: group_id, group_name, group_name_en, budget_cny, actual_cny, control_ratio_pct, overrun, unbudgeted_cny, budget_missing
WITH
g AS (
    SELECT CASE $group_by WHEN 'total' THEN 'total' WHEN 'month' THEN strftime(month, '%Y-%m')
                          WHEN 'region' THEN region_id WHEN 'salesperson' THEN salesperson_id
                          ELSE category END AS group_id,
           sum(budget) AS budget, sum(amount) AS actual,
           sum(amount) FILTER (WHERE unbudgeted) AS unbudgeted
    FROM kpi_expense_lines($start_date::DATE, $end_date::DATE, $today::DATE, $regions, $salespeople,
                           $budget_version::INTEGER)
    GROUP BY ALL
)
SELECT g.group_id,
       coalesce(r.name_zh, sp.name, g.group_id) AS group_name,
       coalesce(r.name_en, sp.name, g.group_id) AS group_name_en,
       round(g.budget, 2) AS budget_cny, g.actual AS actual_cny,
       CASE WHEN g.budget > 0 THEN g.actual / g.budget * 100 END AS control_ratio_pct,
       coalesce(g.budget > 0 AND g.actual > g.budget, false) AS overrun,
       coalesce(g.unbudgeted, 0) AS unbudgeted_cny,
       g.budget = 0 AND g.actual > 0 AS budget_missing
FROM g
LEFT JOIN regions r ON $group_by = 'region' AND r.region_id = g.group_id
LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = g.group_id
ORDER BY g.group_id
