-- name: customer_timeline
-- One customer's satisfaction history on one timeline, newest first: surveys (overall score
-- and comment), complaints (category, whether still open, description) and visits (purpose
-- and outcome), up to the store's today. Comments and descriptions are customers' words: text.
-- Nothing for a customer outside the viewer's scope.
-- params: customer_id, today, regions, salespeople
-- columns: event_date, kind, score, category, purpose, outcome, still_open, text
SELECT survey_date::TIMESTAMP AS event_date, 'survey' AS kind, overall_score AS score,
       NULL::VARCHAR AS category, NULL::VARCHAR AS purpose, NULL::VARCHAR AS outcome, NULL::BOOLEAN AS still_open,
       comment AS text
FROM surveys WHERE customer_id = $customer_id AND survey_date <= $today::DATE AND customer_in_scope($customer_id, $regions, $salespeople)
UNION ALL
SELECT received_at, 'complaint', NULL, category, NULL, NULL, closed_at IS NULL, description
FROM complaints WHERE customer_id = $customer_id AND received_at < $today::DATE + 1 AND customer_in_scope($customer_id, $regions, $salespeople)
UNION ALL
SELECT visit_date::TIMESTAMP, 'visit', NULL, NULL, purpose, outcome, NULL, NULL
FROM visits WHERE customer_id = $customer_id AND visit_date <= $today::DATE AND customer_in_scope($customer_id, $regions, $salespeople)
ORDER BY event_date DESC, kind
