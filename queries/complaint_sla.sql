-- name: complaint_sla
-- Complaint SLAs (SPEC §4.6, seed 000) per group, for complaints received in the period up
-- to the store's today. Clock 1: forwarded to QA within 24 h of receipt. Clock 2: the
-- corrective action, once issued, delivered to the customer within 24 h. A clock is met
-- when its step happened within 24 h (exactly 24 h counts as met); breached when it
-- happened later, or has not happened and its 24 h have run out by the end of the as-of day
-- (even while the complaint is open); pending otherwise (clock 2 is pending until the
-- action is issued). Timeliness = complaints meeting both ÷ complaints judged (both met,
-- or either breached) × 100; pending ones are counted apart. Hours are elapsed hours.
-- params: start_date, end_date, regions, salespeople, tiers, industries, group_by, today, through
-- choice: group_by = total | month | category | region | salesperson
-- columns: group_id, group_name, group_name_en, complaints_count, open_count, qa_met_count, qa_breached_count, qa_sla_pct, action_met_count, action_breached_count, action_sla_pct, both_met_count, judged_count, pending_count, timeliness_pct, median_hours_to_qa, median_hours_to_deliver
WITH
judged AS (
    SELECT k.*,
           sla_clock(k.received_at, k.forwarded_to_qa_at, ($today::DATE + 1)::TIMESTAMP) AS qa,
           sla_clock(k.action_issued_at, k.action_delivered_at, ($today::DATE + 1)::TIMESTAMP) AS action,
           date_diff('second', k.received_at, k.forwarded_to_qa_at) / 3600 AS hours_to_qa,
           date_diff('second', k.action_issued_at, k.action_delivered_at) / 3600 AS hours_to_deliver
    FROM complaints k
    WHERE k.received_at >= $start_date::DATE
      AND customer_passes(k.customer_id, $tiers, $industries)
      AND k.received_at < $through::DATE + 1
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, k.region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, k.salesperson_id))
),
grouped AS (
    SELECT CASE $group_by WHEN 'total' THEN 'total'
                          WHEN 'month' THEN strftime(date_trunc('month', received_at), '%Y-%m')
                          WHEN 'category' THEN category
                          WHEN 'region' THEN region_id ELSE salesperson_id END AS group_id,
           *,
           CASE WHEN qa = 'breached' OR action = 'breached' THEN 'breached'
                WHEN qa = 'met' AND action = 'met' THEN 'met' ELSE 'pending' END AS both_clocks
    FROM judged
)
SELECT g.group_id,
       coalesce(r.name_zh, sp.name, g.group_id) AS group_name,
       coalesce(r.name_en, sp.name, g.group_id) AS group_name_en,
       count(*) AS complaints_count,
       count(*) FILTER (WHERE g.closed_at IS NULL) AS open_count,
       count(*) FILTER (WHERE g.qa = 'met') AS qa_met_count,
       count(*) FILTER (WHERE g.qa = 'breached') AS qa_breached_count,
       count(*) FILTER (WHERE g.qa = 'met') / nullif(count(*) FILTER (WHERE g.qa <> 'pending'), 0) * 100
           AS qa_sla_pct,
       count(*) FILTER (WHERE g.action = 'met') AS action_met_count,
       count(*) FILTER (WHERE g.action = 'breached') AS action_breached_count,
       count(*) FILTER (WHERE g.action = 'met') / nullif(count(*) FILTER (WHERE g.action <> 'pending'), 0) * 100
           AS action_sla_pct,
       count(*) FILTER (WHERE g.both_clocks = 'met') AS both_met_count,
       count(*) FILTER (WHERE g.both_clocks <> 'pending') AS judged_count,
       count(*) FILTER (WHERE g.both_clocks = 'pending') AS pending_count,
       count(*) FILTER (WHERE g.both_clocks = 'met')
           / nullif(count(*) FILTER (WHERE g.both_clocks <> 'pending'), 0) * 100 AS timeliness_pct,
       median(g.hours_to_qa) AS median_hours_to_qa,
       median(g.hours_to_deliver) AS median_hours_to_deliver
FROM grouped g
LEFT JOIN regions r ON $group_by = 'region' AND r.region_id = g.group_id
LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = g.group_id
GROUP BY ALL
ORDER BY g.group_id
