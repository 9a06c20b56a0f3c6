-- name: competitor_report
-- The monthly competitor report (每月上报竞争对手情况, SPEC §3.6) for the month holding
-- $month: per competitor its mentions, the change against the month before, the median
-- price gap (notes with both prices) and its three most recent notes; most mentioned first.
-- params: regions, salespeople, month
-- columns: competitor, mentions_count, previous_mentions_count, mentions_change_count, price_gap_median_pct, latest_notes
WITH
n AS (
    SELECT * FROM competitor_notes
    WHERE note_date >= date_trunc('month', $month::DATE) - INTERVAL 1 MONTH
      AND note_date <= last_day($month::DATE)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
),
this_month AS (
    SELECT competitor, count(*) AS mentions,
           median((their_price - our_price) / our_price * 100)
               FILTER (WHERE their_price IS NOT NULL AND our_price IS NOT NULL) AS gap,
           list(note_date::VARCHAR || '：' || note_text ORDER BY note_date DESC, note_id DESC)[1:3] AS latest
    FROM n WHERE note_date >= date_trunc('month', $month::DATE)
    GROUP BY competitor
),
last_month AS (
    SELECT competitor, count(*) AS mentions FROM n
    WHERE note_date < date_trunc('month', $month::DATE) GROUP BY competitor
)
SELECT t.competitor, t.mentions AS mentions_count, coalesce(l.mentions, 0) AS previous_mentions_count,
       t.mentions - coalesce(l.mentions, 0) AS mentions_change_count, t.gap AS price_gap_median_pct,
       array_to_string(t.latest, ' ｜ ') AS latest_notes
FROM this_month t LEFT JOIN last_month l USING (competitor)
ORDER BY t.mentions DESC, t.competitor
