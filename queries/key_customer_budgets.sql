-- name: key_customer_budgets
-- Key customers' expense budgets (definitions §16) against the spend on them in the period:
-- each customer's monthly budget (customer_budgets, the part of a salesperson's budget set
-- aside for the customer, all categories together) pro-rated to the days of each month
-- inside the period, as expense_control does; the spend is every expense on the customer
-- dated in the period up to the store's today, whoever made it. The filters pick customers
-- by the salesperson whose budget holds them (and that person's region). Most used first.
-- params: start_date, end_date, regions, salespeople, today
-- columns: customer_id, customer_name, salesperson_id, salesperson_name, region_name, region_name_en, budget_cny, actual_cny, left_cny, control_ratio_pct, overrun
WITH
budget AS (
    SELECT b.customer_id, sp.salesperson_id, sp.name AS salesperson_name, sp.region_id,
           b.budget_amount * (least(last_day(b.month), $end_date::DATE)
                              - greatest(b.month, $start_date::DATE) + 1) / days_in_month(b.month) AS budget
    FROM customer_budgets b JOIN salespeople sp USING (salesperson_id)
    WHERE b.month <= $end_date::DATE AND last_day(b.month) >= $start_date::DATE
      AND ($regions IS NULL OR list_contains($regions, sp.region_id))
      AND ($salespeople IS NULL OR list_contains($salespeople, sp.salesperson_id))
),
held AS (
    SELECT customer_id, sum(budget) AS budget,
           -- the person whose budget holds the most of it names the row (an owner may change in the year)
           arg_max(salesperson_id, budget) AS salesperson_id, arg_max(salesperson_name, budget) AS salesperson_name,
           arg_max(region_id, budget) AS region_id
    FROM budget
    GROUP BY customer_id
),
spent AS (
    SELECT e.customer_id, sum(e.amount) AS actual
    FROM expenses e SEMI JOIN held h USING (customer_id)
    WHERE e.expense_date BETWEEN $start_date::DATE AND least($end_date::DATE, $today::DATE)
    GROUP BY e.customer_id
)
SELECT h.customer_id, c.name AS customer_name, h.salesperson_id, h.salesperson_name,
       r.name_zh AS region_name, r.name_en AS region_name_en,
       round(h.budget, 2) AS budget_cny, coalesce(s.actual, 0) AS actual_cny,
       round(h.budget - coalesce(s.actual, 0), 2) AS left_cny,
       CASE WHEN h.budget > 0 THEN coalesce(s.actual, 0) / h.budget * 100 END AS control_ratio_pct,
       coalesce(h.budget > 0 AND s.actual > h.budget, false) AS overrun
FROM held h
JOIN customers c USING (customer_id)
LEFT JOIN spent s USING (customer_id)
LEFT JOIN regions r ON r.region_id = h.region_id
ORDER BY control_ratio_pct DESC NULLS LAST, h.customer_id
