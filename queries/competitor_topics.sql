-- name: competitor_topics
-- The topic mix per competitor in the period (SPEC §3.6): notes per topic.
-- params: start_date, end_date, regions, salespeople, through
-- columns: competitor, topic, notes_count
SELECT competitor, topic, count(*) AS notes_count
FROM competitor_notes
WHERE note_date BETWEEN $start_date::DATE AND $through::DATE
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
GROUP BY ALL
ORDER BY competitor, notes_count DESC, topic
