-- name: customer_timeline
-- One customer's satisfaction history on one timeline, newest first: surveys (overall score
-- and comment), complaints (category, whether closed, description) and visits (purpose and
-- outcome), up to the store's today. Comments and descriptions are customers' words: text.
-- params: customer_id, today
-- columns: event_date, kind, score, detail, text
SELECT survey_date::TIMESTAMP AS event_date, 'survey' AS kind, overall_score AS score,
       NULL AS detail, comment AS text
FROM surveys WHERE customer_id = $customer_id AND survey_date <= $today::DATE
UNION ALL
SELECT received_at, 'complaint', NULL, category || CASE WHEN closed_at IS NULL THEN ' · open' ELSE '' END,
       description
FROM complaints WHERE customer_id = $customer_id AND received_at < $today::DATE + 1
UNION ALL
SELECT visit_date::TIMESTAMP, 'visit', NULL, purpose || ' · ' || outcome, NULL
FROM visits WHERE customer_id = $customer_id AND visit_date <= $today::DATE
ORDER BY event_date DESC, kind
