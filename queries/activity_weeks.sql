-- name: activity_weeks
-- Weekly activity quotas and fines (SPEC §4.8, seed 004) for key-account managers, per ISO
-- week (Monday–Sunday) or totalled per month. A week is judged once complete (its Sunday on
-- or before the store's today), from a manager's first week with recorded activity; a week
-- with no record counts as zero. The quotas and fines are the activity_quotas rows in force
-- on the week's Thursday; shortfall = quota − actual when positive, fine = shortfall × fine
-- per missing unit. A week is short when any measure falls short; its fines belong to the
-- month holding its Thursday, and the period selects weeks by that Thursday. short_streak
-- counts consecutive short weeks up to this one; four or more in a row is flagged for review.
-- Month rows: fines and short weeks summed, the longest streak reached, flagged if any week was.
-- params: start_date, end_date, regions, salespeople, today, grain
-- choice: grain = week | month
-- columns: salesperson_id, name, region_id, period_start, orgs_developed, orgs_quota, orgs_short, batches_on_site, batches_quota, batches_short, leads_submitted, leads_quota, leads_short, fine_cny, short_weeks, short_streak, flagged
WITH
kams AS (
    SELECT salesperson_id, name, region_id, left_on FROM salespeople
    WHERE role = 'key_account_manager'
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
),
recorded AS (
    SELECT salesperson_id, date_trunc('week', activity_date)::DATE AS week_start,
           sum(orgs_developed) AS orgs, sum(batches_on_site) AS batches, sum(leads_submitted) AS leads
    FROM activities GROUP BY ALL
),
weeks AS (
    SELECT k.salesperson_id, k.name, k.region_id, w.week::DATE AS week_start
    FROM kams k
    JOIN (SELECT salesperson_id, min(week_start) AS first_week FROM recorded GROUP BY 1) f USING (salesperson_id)
    CROSS JOIN LATERAL range(f.first_week, (date_trunc('week', $today::DATE + 1) - INTERVAL 7 DAY)::DATE + 1,
                             INTERVAL 7 DAY) w(week)
    WHERE k.left_on IS NULL OR w.week::DATE <= k.left_on
),
judged AS (
    SELECT w.*, w.week_start + 3 AS thursday,
           coalesce(r.orgs, 0) AS orgs, coalesce(r.batches, 0) AS batches, coalesce(r.leads, 0) AS leads,
           q1.weekly_quota AS orgs_quota, q1.fine_per_missing AS orgs_fine,
           q2.weekly_quota AS batches_quota, q2.fine_per_missing AS batches_fine,
           q3.weekly_quota AS leads_quota, q3.fine_per_missing AS leads_fine
    FROM weeks w
    LEFT JOIN recorded r ON r.salesperson_id = w.salesperson_id AND r.week_start = w.week_start
    LEFT JOIN activity_quotas q1 ON q1.measure = 'orgs_developed' AND q1.effective_from <= w.week_start + 3
         AND (q1.effective_to IS NULL OR w.week_start + 3 < q1.effective_to)
    LEFT JOIN activity_quotas q2 ON q2.measure = 'batches_on_site' AND q2.effective_from <= w.week_start + 3
         AND (q2.effective_to IS NULL OR w.week_start + 3 < q2.effective_to)
    LEFT JOIN activity_quotas q3 ON q3.measure = 'leads_submitted' AND q3.effective_from <= w.week_start + 3
         AND (q3.effective_to IS NULL OR w.week_start + 3 < q3.effective_to)
),
shortfalls AS (
    SELECT *, greatest(orgs_quota - orgs, 0) AS orgs_short, greatest(batches_quota - batches, 0) AS batches_short,
           greatest(leads_quota - leads, 0) AS leads_short
    FROM judged
),
weekly AS (
    SELECT *, orgs_short * orgs_fine + batches_short * batches_fine + leads_short * leads_fine AS fine,
           orgs_short + batches_short + leads_short > 0 AS short,
           sum(CASE WHEN orgs_short + batches_short + leads_short > 0 THEN 0 ELSE 1 END)
               OVER (PARTITION BY salesperson_id ORDER BY week_start) AS island
    FROM shortfalls
),
streaks AS (
    SELECT *, CASE WHEN short THEN sum(short::INT) OVER (PARTITION BY salesperson_id, island ORDER BY week_start)
                   ELSE 0 END AS streak
    FROM weekly
),
chosen AS (
    SELECT * FROM streaks WHERE thursday BETWEEN $start_date::DATE AND least($end_date::DATE, $today::DATE)
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
