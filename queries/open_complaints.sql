-- name: open_complaints
-- Complaints still open at the end of D (the period's end or the store's today, whichever is
-- earlier), oldest first, with their age in days, owner salesperson, customer, and which
-- 24-hour clock has run out (SPEC §4.6). Descriptions are customers' words: shown as text.
-- params: end_date, regions, salespeople, tiers, industries, through
-- columns: complaint_id, received_at, age_days, category, customer_id, customer_name, salesperson_name, qa_clock_breached, action_clock_breached, description
SELECT k.complaint_id, k.received_at,
       date_diff('day', k.received_at::DATE, $through::DATE) AS age_days,
       k.category, k.customer_id, c.name AS customer_name, sp.name AS salesperson_name,
       sla_clock(k.received_at, k.forwarded_to_qa_at, ($through::DATE + 1)::TIMESTAMP) = 'breached'
           AS qa_clock_breached,
       sla_clock(k.action_issued_at, k.action_delivered_at, ($through::DATE + 1)::TIMESTAMP) = 'breached'
           AS action_clock_breached,
       k.description
FROM complaints k
JOIN customers c ON c.customer_id = k.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = k.salesperson_id
WHERE k.received_at < $through::DATE + 1
  AND (k.closed_at IS NULL OR k.closed_at >= $through::DATE + 1)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, k.region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, k.salesperson_id))
  AND customer_passes(k.customer_id, $tiers, $industries)
ORDER BY k.received_at, k.complaint_id
