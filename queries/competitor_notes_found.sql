-- name: competitor_notes_found
-- The competitor notes salespeople filed (SPEC §3.6), newest first, in the period, matching
-- the text search (a plain substring of the note or the competitor's name, any case; NULL:
-- all) and the chosen competitors and topics (NULL: all). The text is the salesperson's own:
-- shown as text. Price gap = (their price − our price) ÷ our price × 100, when both are known.
-- params: start_date, end_date, regions, salespeople, search, competitors, topics, through
-- columns: note_date, competitor, topic, customer_name, salesperson_name, region_id, their_price_cny, our_price_cny, price_gap_pct, bid_outcome, note_text
SELECT n.note_date, n.competitor, n.topic, c.name AS customer_name, sp.name AS salesperson_name, n.region_id,
       n.their_price AS their_price_cny, n.our_price AS our_price_cny,
       (n.their_price - n.our_price) / n.our_price * 100 AS price_gap_pct, n.bid_outcome, n.note_text
FROM competitor_notes n
LEFT JOIN customers c ON c.customer_id = n.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = n.salesperson_id
WHERE n.note_date BETWEEN $start_date::DATE AND $through::DATE
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, n.region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, n.salesperson_id))
  AND ($competitors::VARCHAR[] IS NULL OR list_contains($competitors, n.competitor))
  AND ($topics::VARCHAR[] IS NULL OR list_contains($topics, n.topic))
  AND ($search::VARCHAR IS NULL
       OR contains(lower(n.note_text), lower($search::VARCHAR))
       OR contains(lower(n.competitor), lower($search::VARCHAR)))
ORDER BY n.note_date DESC, n.note_id DESC
