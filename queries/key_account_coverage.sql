-- name: key_account_coverage
-- Key-account coverage (SPEC §4.10): tier-A customers with a visit in the last 90 days as
-- of D ÷ tier-A customers × 100, D being the period's end or the store's today, whichever
-- is earlier (the 90 days are D−89 … D). Customers registered after D are not counted. The
-- filters choose customers by their own region, current owner and industry.
-- params: end_date, regions, salespeople, industries, through
-- columns: window_start, window_end, tier_a_count, covered_count, coverage_pct
WITH
p AS (SELECT $through::DATE AS e),
a AS (
    SELECT c.customer_id,
           EXISTS (SELECT 1 FROM visits v WHERE v.customer_id = c.customer_id
                   AND v.visit_date BETWEEN ($through::DATE - 89) AND $through::DATE) AS covered
    FROM kpi_customers($regions, $salespeople, ['A'], $industries) c
    WHERE c.registered_on <= $through::DATE
)
SELECT ($through::DATE - 89) AS window_start, $through::DATE AS window_end,
       count(a.customer_id) AS tier_a_count,
       count(*) FILTER (WHERE a.covered) AS covered_count,
       count(*) FILTER (WHERE a.covered) / nullif(count(a.customer_id), 0) * 100 AS coverage_pct
FROM (SELECT 1) one LEFT JOIN a ON true
