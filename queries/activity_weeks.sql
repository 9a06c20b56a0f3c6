-- name: activity_weeks
-- Weekly activity quotas and fines (SPEC §4.8, seed 004) for key-account managers, per ISO
-- week or totalled per month, from the judged weeks the store keeps (kpi_activity_weeks:
-- complete weeks only, quotas in force on the Thursday, shortfall and fine per measure, the
-- streak of short weeks). A week's fines belong to the month holding its Thursday, and the
-- period selects weeks by that Thursday; four or more short weeks in a row is flagged.
-- Month rows: fines and short weeks summed, the longest streak reached, flagged if any week was.
-- params: start_date, end_date, regions, salespeople, grain, through
-- choice: grain = week | month
-- columns: salesperson_id, name, region_id, period_start, orgs_developed, orgs_quota, orgs_short, batches_on_site, batches_quota, batches_short, leads_submitted, leads_quota, leads_short, fine_cny, short_weeks, short_streak, flagged
WITH
chosen AS (
    SELECT * FROM kpi_activity_weeks()
    WHERE thursday BETWEEN $start_date::DATE AND $through::DATE
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
)
SELECT salesperson_id, name, region_id,
       CASE WHEN $grain = 'week' THEN week_start ELSE date_trunc('month', thursday)::DATE END AS period_start,
       sum(orgs) AS orgs_developed, max(orgs_quota) AS orgs_quota, sum(orgs_short) AS orgs_short,
       sum(batches) AS batches_on_site, max(batches_quota) AS batches_quota, sum(batches_short) AS batches_short,
       sum(leads) AS leads_submitted, max(leads_quota) AS leads_quota, sum(leads_short) AS leads_short,
       sum(fine) AS fine_cny, count(*) FILTER (WHERE short) AS short_weeks, max(streak) AS short_streak,
       max(streak) >= 4 AS flagged
FROM chosen
GROUP BY ALL
ORDER BY salesperson_id, period_start
