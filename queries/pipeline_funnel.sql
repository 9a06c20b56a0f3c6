-- name: pipeline_funnel
-- The development funnel (definitions §15) of the opportunities created in the period (up
-- to the store's today), followed to today through their stage history. An opportunity has
-- reached a stage when it has been in it or in a later one (lost ones keep what they had
-- reached; one that moved back keeps its furthest stage). Conversion = opportunities that
-- reached the next stage ÷ those that reached this one × 100. Days in a stage: per
-- opportunity, the days of every stay in it added up (until the next change, or today while it
-- is there), the median over the opportunities that stayed in it; won and lost have none.
-- params: start_date, end_date, regions, salespeople, tiers, industries, today, through
-- columns: stage, reached_count, current_count, conversion_pct, median_days_in_stage, expected_cny
WITH
opened AS (
    SELECT o.opportunity_id, o.stage AS current_stage, o.expected_amount
    FROM kpi_opportunities($regions, $salespeople, $tiers, $industries) o
    WHERE o.created_on BETWEEN $start_date::DATE AND $through::DATE
),
stays AS (
    SELECT h.opportunity_id, h.stage,
           coalesce(lead(h.entered_on) OVER (PARTITION BY h.opportunity_id ORDER BY h.entered_on),
                    $today::DATE) - h.entered_on AS days
    FROM opportunity_stages h SEMI JOIN opened USING (opportunity_id)
    WHERE h.entered_on <= $today::DATE
),
cohort AS (
    SELECT o.*, f.furthest
    FROM opened o
    LEFT JOIN (SELECT opportunity_id, max(stage_rank(stage)) AS furthest FROM stays GROUP BY ALL) f
           USING (opportunity_id)
),
days AS (
    SELECT stage, median(days) AS median_days
    FROM (SELECT opportunity_id, stage, sum(days) AS days FROM stays
          WHERE stage NOT IN ('won', 'lost') GROUP BY ALL)
    GROUP BY ALL
),
stages AS (
    SELECT unnest(['lead', 'approved', 'proposal', 'negotiation', 'won']) AS stage
),
reached AS (
    SELECT s.stage, stage_rank(s.stage) AS rank,
           count(c.opportunity_id) AS reached_count,
           count(c.opportunity_id) FILTER (WHERE c.current_stage = s.stage) AS current_count,
           coalesce(sum(c.expected_amount), 0) AS expected_cny
    FROM stages s LEFT JOIN cohort c ON c.furthest >= stage_rank(s.stage)
    GROUP BY ALL
)
SELECT r.stage, r.reached_count, r.current_count,
       lead(r.reached_count) OVER (ORDER BY r.rank) / nullif(r.reached_count, 0) * 100 AS conversion_pct,
       d.median_days AS median_days_in_stage, r.expected_cny
FROM reached r LEFT JOIN days d USING (stage)
WHERE (SELECT count(*) FROM cohort) > 0
ORDER BY r.rank
