-- name: late_visit_records
-- Visits whose record (《客户走访记录表》) was not filed within 7 days (SPEC §4.10): filed
-- later, or still unfiled 7 days on, with the days late counted past the 7th day (to the
-- filing, or to the store's today while unfiled). Visits dated in the period; latest first.
-- `top` of them (NULL: all), each with how many there are in all (rows_count).
-- params: start_date, end_date, regions, salespeople, tiers, industries, today, through, top
-- columns: visit_date, customer_id, customer_name, salesperson_id, salesperson_name, record_filed_on, days_late, rows_count
SELECT v.visit_date, v.customer_id, c.name AS customer_name, v.salesperson_id, sp.name AS salesperson_name,
       v.record_filed_on, coalesce(v.record_filed_on, $today::DATE) - v.visit_date - 7 AS days_late,
       count(*) OVER () AS rows_count
FROM visits v
JOIN customers c ON c.customer_id = v.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = v.salesperson_id
WHERE v.visit_date BETWEEN $start_date::DATE AND $through::DATE
  AND coalesce(v.record_filed_on, $today::DATE) > v.visit_date + 7
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, v.region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, v.salesperson_id))
  AND customer_passes(v.customer_id, $tiers, $industries)
ORDER BY v.visit_date DESC, v.visit_id
LIMIT $top
