-- name: contract_sla
-- The contracts' 24-hour signing clock and review waits (definitions §15) for contracts
-- agreed in the period, up to the store's today: signed in time = contracts met ÷ contracts
-- judged (met or breached; pending apart) × 100, the median hours agreed → signed, and how
-- many await the first review and the GM's review, with the longest wait of each (days).
-- params: start_date, end_date, regions, salespeople, tiers, industries, today, through
-- columns: contracts_count, met_count, breached_count, pending_count, signed_in_time_pct, median_hours_to_sign, awaiting_first_review_count, longest_first_review_wait_days, awaiting_gm_review_count, longest_gm_review_wait_days
SELECT count(*) AS contracts_count,
       count(*) FILTER (WHERE sign_clock = 'met') AS met_count,
       count(*) FILTER (WHERE sign_clock = 'breached') AS breached_count,
       count(*) FILTER (WHERE sign_clock = 'pending') AS pending_count,
       count(*) FILTER (WHERE sign_clock = 'met') / nullif(count(*) FILTER (WHERE sign_clock <> 'pending'), 0) * 100
           AS signed_in_time_pct,
       median(hours_to_sign) AS median_hours_to_sign,
       count(*) FILTER (WHERE review_state = 'awaiting_first_review') AS awaiting_first_review_count,
       max(waiting_days) FILTER (WHERE review_state = 'awaiting_first_review') AS longest_first_review_wait_days,
       count(*) FILTER (WHERE review_state = 'awaiting_gm_review') AS awaiting_gm_review_count,
       max(waiting_days) FILTER (WHERE review_state = 'awaiting_gm_review') AS longest_gm_review_wait_days
FROM kpi_contracts(($today::DATE + 1)::TIMESTAMP, $regions, $salespeople, $tiers, $industries)
WHERE agreed_at >= $start_date::DATE AND agreed_at < $through::DATE + 1
HAVING count(*) > 0
