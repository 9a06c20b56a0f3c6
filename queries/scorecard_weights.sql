-- name: scorecard_weights
-- The weights of the monthly scorecard's components (SPEC §4.13) in force on a date
-- (effective over [from, to)), largest first.
-- params: on_date
-- columns: component, weight
SELECT component, weight
FROM scorecard_weights
WHERE effective_from <= $on_date::DATE AND (effective_to IS NULL OR $on_date::DATE < effective_to)
ORDER BY weight DESC, component
