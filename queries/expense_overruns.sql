-- name: expense_overruns
-- Expense overruns (SPEC §3.8, §4.11) for the period, per salesperson, month and category:
-- spend above the budget it is held to (control ratio over 100 %), and spend with no budget
-- at all (flagged, never divided by zero). Budgets and spend as in expense_control (the
-- shared kpi_expense_lines: a partial month's budget pro-rated by days) — except the month
-- in progress (not over by the store's today), whose spend is held to its whole month's
-- budget: two days' spend is not an overrun of two days' share of the budget. Largest excess
-- first.
-- params: start_date, end_date, regions, salespeople, today, budget_version
-- columns: month, salesperson_id, salesperson_name, region_id, region_name, region_name_en, category, budget_cny, actual_cny, excess_cny, control_ratio_pct, flag
WITH lines AS (
    SELECT month, salesperson_id, region_id, category, sum(budget) AS budget, sum(amount) AS actual
    FROM kpi_expense_lines($start_date::DATE, $end_date::DATE, $today::DATE, $regions, $salespeople,
                           $budget_version::INTEGER)
    GROUP BY ALL
),
cells AS (
    SELECT l.month, l.salesperson_id, l.region_id, l.category, l.actual,
           CASE WHEN last_day(l.month) > $today::DATE
                THEN coalesce((SELECT sum(b.budget_amount) FROM kpi_budgets($budget_version::INTEGER) b
                               WHERE b.salesperson_id = l.salesperson_id AND b.month = l.month
                                 AND b.category = l.category), 0)
                ELSE l.budget END AS budget
    FROM lines l
)
SELECT c.month, c.salesperson_id, sp.name AS salesperson_name, c.region_id, r.name_zh AS region_name,
       r.name_en AS region_name_en, c.category,
       round(c.budget, 2) AS budget_cny, c.actual AS actual_cny, round(c.actual - c.budget, 2) AS excess_cny,
       CASE WHEN c.budget > 0 THEN c.actual / c.budget * 100 END AS control_ratio_pct,
       CASE WHEN c.budget > 0 THEN 'overrun' ELSE 'no_budget' END AS flag
FROM cells c LEFT JOIN salespeople sp ON sp.salesperson_id = c.salesperson_id
LEFT JOIN regions r ON r.region_id = c.region_id
WHERE c.actual > c.budget
ORDER BY c.actual - c.budget DESC, c.month, c.salesperson_id, c.category
