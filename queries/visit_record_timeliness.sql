-- name: visit_record_timeliness
-- Visit-record timeliness (SPEC §4.10; 《客户走访记录表》 within a week) per group: visits
-- whose record was filed within 7 days ÷ visits judged × 100. Late: filed after 7 days, or
-- not filed and 7 days have passed by the store's today; pending: not filed yet and still
-- within its 7 days (counted apart). Visits dated in the period up to the store's today.
-- params: start_date, end_date, regions, salespeople, tiers, industries, group_by, today, through
-- choice: group_by = total | month | salesperson
-- columns: group_id, group_name, visits_count, on_time_count, late_count, pending_count, timeliness_pct
WITH v AS (
    SELECT CASE $group_by WHEN 'total' THEN 'total'
                          WHEN 'month' THEN strftime(date_trunc('month', v.visit_date), '%Y-%m')
                          ELSE v.salesperson_id END AS group_id,
           CASE WHEN v.record_filed_on IS NOT NULL
                THEN CASE WHEN v.record_filed_on <= v.visit_date + 7 THEN 'on_time' ELSE 'late' END
                WHEN $today::DATE > v.visit_date + 7 THEN 'late'
                ELSE 'pending' END AS status
    FROM visits v
    WHERE v.visit_date BETWEEN $start_date::DATE AND $through::DATE
      AND customer_passes(v.customer_id, $tiers, $industries)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, v.region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, v.salesperson_id))
)
SELECT v.group_id, coalesce(sp.name, v.group_id) AS group_name,
       count(*) AS visits_count,
       count(*) FILTER (WHERE status = 'on_time') AS on_time_count,
       count(*) FILTER (WHERE status = 'late') AS late_count,
       count(*) FILTER (WHERE status = 'pending') AS pending_count,
       count(*) FILTER (WHERE status = 'on_time')
           / nullif(count(*) FILTER (WHERE status <> 'pending'), 0) * 100 AS timeliness_pct
FROM v LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = v.group_id
GROUP BY ALL
ORDER BY v.group_id
