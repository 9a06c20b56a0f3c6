-- name: due_invoicing
-- Invoices due to be issued (到期应开票, definitions §15) in the month of the period's end
-- (or of the store's today, whichever is earlier), and those due earlier still not issued by
-- that day: each line of the contracts' invoicing schedules with the invoice issued for it
-- (the store's invoice it names, issued on or before that day). Status: issued, to_issue (due
-- this month, not yet), late (due before this month, not issued).
-- params: end_date, regions, salespeople, tiers, industries, through
-- columns: contract_id, customer_name, salesperson_name, instalment_no, due_date, amount_cny, invoice_id, issued_on, issued_cny, status
SELECT p.contract_id, k.customer_name, k.salesperson_name, p.instalment_no, p.due_date, p.amount AS amount_cny,
       if(i.issue_date <= $through::DATE, p.invoice_id, NULL) AS invoice_id,
       if(i.issue_date <= $through::DATE, i.issue_date, NULL) AS issued_on,
       if(i.issue_date <= $through::DATE, i.amount, 0) AS issued_cny,
       CASE WHEN i.issue_date <= $through::DATE THEN 'issued'
            WHEN p.due_date >= date_trunc('month', $through::DATE) THEN 'to_issue' ELSE 'late' END AS status
FROM invoice_plans p
JOIN kpi_contracts($through::TIMESTAMP, $regions, $salespeople, $tiers, $industries) k USING (contract_id)
LEFT JOIN contract_invoices i ON i.contract_id = p.contract_id AND i.invoice_id = p.invoice_id
WHERE p.due_date <= last_day($through::DATE)
  AND (p.due_date >= date_trunc('month', $through::DATE) OR NOT coalesce(i.issue_date <= $through::DATE, false))
ORDER BY p.due_date, p.contract_id, p.instalment_no
