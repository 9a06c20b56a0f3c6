-- name: due_instalments
-- Payment-plan instalments (回款计划, definitions §15) due in the month of the period's end
-- (or of the store's today, whichever is earlier), and those due earlier not fully collected
-- by that day: collected is what the payments on the contract's invoices, paid by that day,
-- left for the instalment after the ones due before it (the earliest due are settled first).
-- Status: collected, due (this month, not yet in full), overdue (due before that day, not in full).
-- params: end_date, regions, salespeople, tiers, industries, through
-- columns: contract_id, customer_name, salesperson_name, instalment_no, due_date, amount_cny, collected_cny, outstanding_cny, paid_in_full_on, status
SELECT contract_id, customer_name, salesperson_name, instalment_no, due_date, amount AS amount_cny,
       collected AS collected_cny, amount - collected AS outstanding_cny, paid_in_full_on,
       CASE WHEN collected >= amount THEN 'collected' WHEN due_date < $through::DATE THEN 'overdue' ELSE 'due' END
           AS status
FROM kpi_instalments($through::DATE, $regions, $salespeople, $tiers, $industries)
WHERE due_date <= last_day($through::DATE)
  AND (due_date >= date_trunc('month', $through::DATE) OR collected < amount)
ORDER BY due_date, contract_id, instalment_no
