-- name: contracts_status
-- Contracts agreed in the period (definitions §15), up to the store's today: the 24-hour
-- signing clock (agreed → signed within 24 h, exactly 24 h counting as met; not signed and
-- 24 h run out by the end of the as-of day: breached; else pending) and where each stands in
-- its reviews, with how long it has been waiting (days, to the end of the as-of day). `top` of
-- them (NULL: all): those waiting first, the longest wait first, then those signed late, then
-- the rest, the latest agreed first; each with how many there are in all (rows_count).
-- params: start_date, end_date, regions, salespeople, tiers, industries, today, through, top
-- columns: contract_id, customer_name, salesperson_name, region_id, amount_cny, agreed_at, signed_at, hours_to_sign, sign_clock, review_state, waiting_since, waiting_days, rows_count
SELECT contract_id, customer_name, salesperson_name, region_id, amount AS amount_cny, agreed_at, signed_at,
       hours_to_sign, sign_clock, review_state, waiting_since, waiting_days, count(*) OVER () AS rows_count
FROM kpi_contracts(($today::DATE + 1)::TIMESTAMP, $regions, $salespeople, $tiers, $industries)
WHERE agreed_at >= $start_date::DATE AND agreed_at < $through::DATE + 1
ORDER BY waiting_days DESC NULLS LAST, sign_clock = 'breached' DESC, agreed_at DESC, contract_id
LIMIT $top
