-- name: contracts_status
-- Contracts agreed in the period (README "Pipeline"), up to the store's today: the 24-hour
-- signing clock (agreed → signed within 24 h, exactly 24 h counting as met; not signed and
-- 24 h run out by the end of the as-of day: breached; else pending) and where each stands in
-- its reviews, with how long it has been waiting (days, to the end of the as-of day).
-- params: start_date, end_date, regions, salespeople, tiers, industries, today, through
-- columns: contract_id, customer_name, salesperson_name, region_id, amount_cny, agreed_at, signed_at, hours_to_sign, sign_clock, review_state, waiting_since, waiting_days
SELECT contract_id, customer_name, salesperson_name, region_id, amount AS amount_cny, agreed_at, signed_at,
       hours_to_sign, sign_clock, review_state, waiting_since, waiting_days
FROM kpi_contracts(($today::DATE + 1)::TIMESTAMP, $regions, $salespeople, $tiers, $industries)
WHERE agreed_at >= $start_date::DATE AND agreed_at < $through::DATE + 1
ORDER BY waiting_days DESC NULLS LAST, agreed_at, contract_id
