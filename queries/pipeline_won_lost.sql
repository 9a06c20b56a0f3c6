-- name: pipeline_won_lost
-- Opportunities won and lost in the period (README "Pipeline"; the day they entered won or
-- lost, up to the store's today) by the competitor named on them or, for the lost, by the
-- reason. Win rate = won ÷ (won + lost) × 100. An opportunity naming no competitor is the
-- group '' (shown as "none named").
-- params: start_date, end_date, regions, salespeople, tiers, industries, through, group_by
-- choice: group_by = competitor | lost_reason
-- columns: group_id, won_count, lost_count, win_rate_pct, won_cny, lost_cny
WITH closed AS (
    SELECT o.*, CASE $group_by WHEN 'competitor' THEN coalesce(o.competitor, '')
                               ELSE o.lost_reason END AS group_id
    FROM kpi_opportunities($regions, $salespeople, $tiers, $industries) o
    WHERE o.stage IN ('won', 'lost')
      AND (SELECT max(h.entered_on) FROM opportunity_stages h
           WHERE h.opportunity_id = o.opportunity_id AND h.stage = o.stage)
          BETWEEN $start_date::DATE AND $through::DATE
      AND ($group_by = 'competitor' OR o.stage = 'lost')
)
SELECT group_id, count(*) FILTER (WHERE stage = 'won') AS won_count,
       count(*) FILTER (WHERE stage = 'lost') AS lost_count,
       count(*) FILTER (WHERE stage = 'won') / count(*) * 100 AS win_rate_pct,
       coalesce(sum(expected_amount) FILTER (WHERE stage = 'won'), 0) AS won_cny,
       coalesce(sum(expected_amount) FILTER (WHERE stage = 'lost'), 0) AS lost_cny
FROM closed
GROUP BY ALL
ORDER BY won_count + lost_count DESC, group_id
