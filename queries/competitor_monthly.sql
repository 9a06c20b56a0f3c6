-- name: competitor_monthly
-- Per competitor and month (SPEC §3.6): mentions (notes naming it) and share of voice (its
-- share of all notes that month × 100); the median price gap, (their − our) ÷ our × 100,
-- over the notes with both prices (a missing price is left out, never taken as zero) with
-- the number of such observations; bids won and lost against it and our win rate.
-- params: start_date, end_date, regions, salespeople, through
-- columns: month, competitor, mentions_count, share_of_voice_pct, price_gap_median_pct, price_observations_count, bids_won_count, bids_lost_count, win_rate_pct
WITH n AS (
    SELECT date_trunc('month', note_date)::DATE AS month, *
    FROM competitor_notes
    WHERE note_date BETWEEN $start_date::DATE AND $through::DATE
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
)
SELECT month, competitor, count(*) AS mentions_count,
       count(*) / sum(count(*)) OVER (PARTITION BY month) * 100 AS share_of_voice_pct,
       median((their_price - our_price) / our_price * 100)
           FILTER (WHERE their_price IS NOT NULL AND our_price IS NOT NULL) AS price_gap_median_pct,
       count(*) FILTER (WHERE their_price IS NOT NULL AND our_price IS NOT NULL) AS price_observations_count,
       count(*) FILTER (WHERE bid_outcome = 'won') AS bids_won_count,
       count(*) FILTER (WHERE bid_outcome = 'lost') AS bids_lost_count,
       count(*) FILTER (WHERE bid_outcome = 'won')
           / nullif(count(*) FILTER (WHERE bid_outcome IS NOT NULL), 0) * 100 AS win_rate_pct
FROM n
GROUP BY month, competitor
ORDER BY month, mentions_count DESC, competitor
