-- name: plan_key_customers
-- The key customers a year's expense budget may set money aside for (definitions §16): every
-- tier-A customer and every customer already given a budget for the year, with the salesperson
-- whose budget holds it (the one in force, else the customer's owner), last year's spend on the
-- customer (expenses of `base_year` naming it) and the year's budget in force.
-- params: plan_year, base_year
-- columns: customer_id, customer_name, tier, salesperson_id, salesperson_name, region_name, region_name_en, last_year_value, in_force_value
WITH
kept AS (
    SELECT customer_id, sum(budget_amount) AS in_force, arg_max(salesperson_id, month) AS held_by
    FROM customer_budgets WHERE year(month) = $plan_year::INTEGER
    GROUP BY customer_id
),
spent AS (
    SELECT customer_id, sum(amount) AS amount FROM expenses
    WHERE customer_id IS NOT NULL AND expense_date >= make_date($base_year::INTEGER, 1, 1)
      AND expense_date < make_date($base_year::INTEGER + 1, 1, 1)
    GROUP BY customer_id
)
SELECT c.customer_id, c.name AS customer_name, c.tier, coalesce(k.held_by, c.owner_id) AS salesperson_id,
       sp.name AS salesperson_name, r.name_zh AS region_name, r.name_en AS region_name_en,
       coalesce(s.amount, 0) AS last_year_value, coalesce(k.in_force, 0) AS in_force_value
FROM customers c
LEFT JOIN kept k USING (customer_id)
LEFT JOIN spent s USING (customer_id)
LEFT JOIN salespeople sp ON sp.salesperson_id = coalesce(k.held_by, c.owner_id)
LEFT JOIN regions r ON r.region_id = sp.region_id
WHERE c.tier = 'A' OR k.customer_id IS NOT NULL
ORDER BY sp.region_id NULLS LAST, sp.salesperson_id NULLS LAST, c.customer_id
