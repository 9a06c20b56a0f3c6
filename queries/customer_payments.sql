-- name: customer_payments
-- One customer's payments on or before D (the given date or the store's today, whichever is
-- earlier), newest first, with the invoice each was made against.
-- Nothing for a customer outside the viewer's scope.
-- params: customer_id, as_of_date, through, regions, salespeople
-- columns: payment_id, paid_on, invoice_id, amount_cny
SELECT payment_id, paid_on, invoice_id, amount AS amount_cny
FROM payments
WHERE customer_id = $customer_id AND paid_on <= $through::DATE AND customer_in_scope($customer_id, $regions, $salespeople)
ORDER BY paid_on DESC, payment_id DESC
