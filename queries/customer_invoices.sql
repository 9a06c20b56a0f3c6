-- name: customer_invoices
-- One customer's invoices as they stood on D (the given date or the store's today,
-- whichever is earlier): paid on or before D, outstanding (never negative), credit, and
-- days past due; open ones first, then newest. (An invoice the balance relation leaves out
-- was paid exactly its amount by D.)
-- Nothing for a customer outside the viewer's scope.
-- params: customer_id, as_of_date, through, regions, salespeople, today
-- columns: invoice_id, issue_date, due_date, amount_cny, paid_cny, outstanding_cny, credit_cny, days_past_due, salesperson_id
WITH open_items AS (
    SELECT invoice_id, paid, outstanding, credit
    FROM kpi_open_invoices($through::DATE, $today::DATE, NULL, NULL, NULL, NULL)
    WHERE customer_id = $customer_id
)
SELECT i.invoice_id, i.issue_date, i.due_date, i.amount AS amount_cny,
       coalesce(o.paid, i.amount) AS paid_cny, coalesce(o.outstanding, 0) AS outstanding_cny,
       coalesce(o.credit, 0) AS credit_cny,
       $through::DATE - i.due_date AS days_past_due, i.salesperson_id
FROM invoices i LEFT JOIN open_items o ON o.invoice_id = i.invoice_id
WHERE i.customer_id = $customer_id AND i.issue_date <= $through::DATE
  AND customer_in_scope($customer_id, $regions, $salespeople)
ORDER BY outstanding_cny > 0 DESC, i.issue_date DESC, i.invoice_id DESC
