-- name: pipeline_won_lost
-- Opportunities won and lost in the period (definitions §15; the day they entered won or
-- lost, up to the store's today) by the competitor named on them or, for the lost, by the
-- reason. Win rate = won ÷ (won + lost) × 100. An opportunity naming no competitor is the
-- group '' (shown as "none named"). By competitor, the bids won and lost that salespeople
-- noted against each competitor in the period (competitor notes on a bid, as on the
-- Competitors page) stand beside them with their win rate, so the two sources are read in
-- one table on both pages; a note names no tier or industry but through its customer, and
-- one without a customer drops out under those filters, as prospects do.
-- params: start_date, end_date, regions, salespeople, tiers, industries, through, group_by
-- choice: group_by = competitor | lost_reason
-- columns: group_id, won_count, lost_count, win_rate_pct, won_cny, lost_cny, bids_won_count, bids_lost_count, bid_win_rate_pct
WITH
closing AS (  -- entries into won or lost in the period
    SELECT DISTINCT opportunity_id, stage FROM opportunity_stages
    WHERE stage IN ('won', 'lost') AND entered_on BETWEEN $start_date::DATE AND $through::DATE
),
closed AS (  -- ... of the stage an opportunity is in, entered last in the period (none later)
    SELECT o.*, CASE $group_by WHEN 'competitor' THEN coalesce(o.competitor, '')
                               ELSE o.lost_reason END AS group_id
    FROM kpi_opportunities($regions, $salespeople, $tiers, $industries) o
    JOIN closing c ON c.opportunity_id = o.opportunity_id AND c.stage = o.stage
    WHERE ($group_by = 'competitor' OR o.stage = 'lost')
      AND NOT EXISTS (SELECT 1 FROM opportunity_stages h
                      WHERE h.opportunity_id = o.opportunity_id AND h.stage = o.stage
                        AND h.entered_on > $through::DATE)
),
pipeline AS (
    SELECT group_id, count(*) FILTER (WHERE stage = 'won') AS won_count,
           count(*) FILTER (WHERE stage = 'lost') AS lost_count,
           coalesce(sum(expected_amount) FILTER (WHERE stage = 'won'), 0) AS won_cny,
           coalesce(sum(expected_amount) FILTER (WHERE stage = 'lost'), 0) AS lost_cny
    FROM closed
    GROUP BY ALL
),
bids AS (
    SELECT competitor AS group_id, count(*) FILTER (WHERE bid_outcome = 'won') AS bids_won_count,
           count(*) FILTER (WHERE bid_outcome = 'lost') AS bids_lost_count
    FROM competitor_notes
    WHERE $group_by = 'competitor' AND bid_outcome IS NOT NULL
      AND note_date BETWEEN $start_date::DATE AND $through::DATE
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, salesperson_id))
      AND customer_passes(customer_id, $tiers, $industries)
    GROUP BY ALL
)
SELECT group_id, coalesce(won_count, 0) AS won_count, coalesce(lost_count, 0) AS lost_count,
       won_count / nullif(won_count + lost_count, 0) * 100 AS win_rate_pct,
       coalesce(won_cny, 0) AS won_cny, coalesce(lost_cny, 0) AS lost_cny,
       bids_won_count, bids_lost_count,
       bids_won_count / nullif(bids_won_count + bids_lost_count, 0) * 100 AS bid_win_rate_pct
FROM pipeline FULL JOIN bids USING (group_id)
ORDER BY coalesce(won_count + lost_count, 0) DESC, coalesce(bids_won_count + bids_lost_count, 0) DESC, group_id
