-- name: abnormal_customers
-- Abnormal customers (异常客户预警, SPEC §4.9) as of D = the period's end or the store's
-- today, whichever is earlier; one row per customer with every reason that applies (reasons:
-- the codes joined by commas, a plain string that is cheap to cache):
-- sales_drop — sales in the 90 days ending on D down more than 50 % against the same 90 days
-- a year earlier (which had sales); overdue_90 — outstanding more than 90 days past due;
-- complaints_30 — two or more complaints received in the 30 days ending on D;
-- low_survey — latest overall survey score ≤ 2; over_credit — outstanding above the credit
-- limit. The filters choose customers by their own region, current owner, tier and industry.
-- Most serious first: more reasons, then more overdue, further over the limit, a larger drop.
-- The figures come from kpi_customer_figures: kept by the store when D is its today (the
-- other branch is pruned when the query is planned), computed from the facts otherwise.
-- params: end_date, regions, salespeople, tiers, industries, today
-- columns: customer_id, customer_name, tier, region_id, owner_id, owner_name, reasons, sales_last_90_days_cny, sales_prior_year_90_days_cny, overdue_90_cny, complaints_30_days_count, latest_overall_score, outstanding_cny, credit_limit_cny
WITH
figures AS (
    SELECT * FROM customer_status WHERE least($end_date::DATE, $today::DATE) = $today::DATE
    UNION ALL
    SELECT * FROM kpi_customer_figures(least($end_date::DATE, $today::DATE))
    WHERE least($end_date::DATE, $today::DATE) <> $today::DATE
),
flags AS (
    SELECT c.customer_id, c.name, c.tier, c.region_id, c.owner_id, c.credit_limit, f.sales_90, f.sales_prior_90,
           f.overdue_90, f.complaints_30, f.latest_score, f.outstanding,
           list_filter([
               CASE WHEN f.sales_prior_90 > 0 AND f.sales_90 < f.sales_prior_90 * 0.5 THEN 'sales_drop' END,
               CASE WHEN f.overdue_90 > 0 THEN 'overdue_90' END,
               CASE WHEN f.complaints_30 >= 2 THEN 'complaints_30' END,
               CASE WHEN f.latest_score <= 2 THEN 'low_survey' END,
               CASE WHEN f.outstanding > c.credit_limit THEN 'over_credit' END
           ], lambda x: x IS NOT NULL) AS reasons
    FROM kpi_customers($regions, $salespeople, $tiers, $industries) c
    JOIN figures f ON f.customer_id = c.customer_id
)
SELECT f.customer_id, f.name AS customer_name, f.tier, f.region_id, f.owner_id, sp.name AS owner_name,
       array_to_string(f.reasons, ',') AS reasons, f.sales_90 AS sales_last_90_days_cny,
       f.sales_prior_90 AS sales_prior_year_90_days_cny, f.overdue_90 AS overdue_90_cny,
       f.complaints_30 AS complaints_30_days_count, f.latest_score AS latest_overall_score,
       f.outstanding AS outstanding_cny, f.credit_limit AS credit_limit_cny
FROM flags f LEFT JOIN salespeople sp ON sp.salesperson_id = f.owner_id
WHERE len(f.reasons) > 0
ORDER BY len(f.reasons) DESC, f.overdue_90 DESC, f.outstanding - f.credit_limit DESC,
         f.sales_prior_90 - f.sales_90 DESC, f.customer_id
