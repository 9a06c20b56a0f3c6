-- name: visit_volume
-- Visits per ISO week (by its Monday) and outcome, in the period up to the store's today:
-- the weekly activity trend and the outcome mix of SPEC §3.4.
-- params: start_date, end_date, regions, salespeople, tiers, industries, through
-- columns: week_start, outcome, visits_count
SELECT date_trunc('week', v.visit_date)::DATE AS week_start, v.outcome, count(*) AS visits_count
FROM visits v
WHERE v.visit_date BETWEEN $start_date::DATE AND $through::DATE
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, v.region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, v.salesperson_id))
  AND customer_passes(v.customer_id, $tiers, $industries)
GROUP BY ALL
ORDER BY week_start, v.outcome
