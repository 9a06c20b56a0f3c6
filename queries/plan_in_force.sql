-- name: plan_in_force
-- The plan in force for a year (definitions §16), per salesperson and month: the targets of
-- one measure, or the expense budget (all categories) — the Planning page's starting point for
-- an adjustment ("by the plan in force").
-- params: plan_year, kind, measure
-- choice: kind = targets | budgets
-- choice: measure = sales | gross_profit | collections | new_customers | expenses
-- columns: salesperson_id, month, amount_cny
SELECT salesperson_id, month, sum(plan_value) AS amount_cny FROM targets
WHERE $kind = 'targets' AND metric = $measure AND year(month) = $plan_year::INTEGER
GROUP BY ALL
UNION ALL
SELECT salesperson_id, month, sum(budget_amount) FROM expense_budgets
WHERE $kind = 'budgets' AND year(month) = $plan_year::INTEGER
GROUP BY ALL
ORDER BY ALL
