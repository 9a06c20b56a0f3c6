-- name: plan_expenses
-- Last year's spend beside an expense budget plan (definitions §16): per salesperson, month of
-- `base_year` and category, what was spent (expenses dated in that year).
-- params: base_year
-- columns: salesperson_id, month, category, amount_cny
SELECT salesperson_id, date_trunc('month', expense_date)::DATE AS month, category, sum(amount) AS amount_cny
FROM expenses
WHERE expense_date >= make_date($base_year::INTEGER, 1, 1) AND expense_date < make_date($base_year::INTEGER + 1, 1, 1)
GROUP BY ALL
ORDER BY ALL
