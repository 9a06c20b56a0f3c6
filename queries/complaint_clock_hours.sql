-- name: complaint_clock_hours
-- Each complaint received in the period with its two SLA clocks in elapsed hours (SPEC §4.6):
-- receipt → forwarded to QA, and corrective action issued → delivered to the customer
-- (NULL while the step has not happened); for the distributions on the page.
-- params: start_date, end_date, regions, salespeople, tiers, industries, through
-- columns: complaint_id, category, received_at, hours_to_qa, hours_to_deliver
SELECT complaint_id, category, received_at,
       date_diff('second', received_at, forwarded_to_qa_at) / 3600 AS hours_to_qa,
       date_diff('second', action_issued_at, action_delivered_at) / 3600 AS hours_to_deliver
FROM complaints
WHERE received_at >= $start_date::DATE AND received_at < $through::DATE + 1
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
  AND customer_passes(customer_id, $tiers, $industries)
ORDER BY received_at
