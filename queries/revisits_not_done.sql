-- name: revisits_not_done
-- Planned revisits not done in their month (SPEC §3.4), for plans due in the period (their
-- month ended by the period's end or the store's today, whichever is earlier): the
-- customer, the salesperson the plan was given to, the month, and the visit if it came late.
-- `top` of them (NULL: all), each with how many there are in all (rows_count).
-- params: start_date, end_date, regions, salespeople, tiers, industries, through, top
-- columns: planned_month, customer_id, customer_name, tier, salesperson_id, salesperson_name, visited_late_on, rows_count
SELECT vp.planned_month, vp.customer_id, c.name AS customer_name, c.tier, vp.salesperson_id,
       sp.name AS salesperson_name,
       CASE WHEN vp.first_visit_on <= $through::DATE THEN vp.first_visit_on END
           AS visited_late_on,
       count(*) OVER () AS rows_count
FROM visit_plans vp
JOIN kpi_customers($regions, NULL, $tiers, $industries) c ON c.customer_id = vp.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = vp.salesperson_id
WHERE vp.planned_month >= date_trunc('month', $start_date::DATE)
  AND last_day(vp.planned_month) <= $through::DATE
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, vp.salesperson_id))
  AND NOT coalesce(vp.first_visit_on <= last_day(vp.planned_month), false)
ORDER BY vp.planned_month DESC, vp.salesperson_id, vp.customer_id
LIMIT $top
