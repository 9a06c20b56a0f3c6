-- name: abnormal_customers
-- Abnormal customers (异常客户预警, SPEC §4.9) as of D = the period's end or the store's
-- today, whichever is earlier; one row per customer with every reason that applies (reasons:
-- the codes joined by commas; the rules are kpi_customer_alerts in store/macros.sql). The
-- filters choose customers by their own region, current owner, tier and industry.
-- Money at risk = the larger of the amount more than 90 days overdue and the amount owed
-- above the credit limit, plus the fall in 90-day sales when sales dropped by more than half.
-- Most at risk first; at equal money tier A before B before C, then more reasons; the first
-- `top` of them (NULL: all).
-- params: end_date, regions, salespeople, tiers, industries, top, today
-- columns: customer_id, customer_name, tier, region_id, owner_id, owner_name, reasons, at_risk_cny, sales_last_90_days_cny, sales_prior_year_90_days_cny, overdue_90_cny, complaints_30_days_count, latest_overall_score, outstanding_cny, credit_limit_cny
WITH a AS (
    SELECT *,
           greatest(overdue_90, outstanding - credit_limit, 0)
               + CASE WHEN list_contains(string_split(reasons, ','), 'sales_drop') THEN sales_prior_90 - sales_90
                      ELSE 0 END AS at_risk
    FROM kpi_alerts($end_date::DATE, $today::DATE, $regions, $salespeople, $tiers, $industries)
)
SELECT a.customer_id, a.name AS customer_name, a.tier, a.region_id, a.owner_id, sp.name AS owner_name,
       a.reasons, a.at_risk AS at_risk_cny, a.sales_90 AS sales_last_90_days_cny,
       a.sales_prior_90 AS sales_prior_year_90_days_cny,
       a.overdue_90 AS overdue_90_cny, a.complaints_30 AS complaints_30_days_count,
       a.latest_score AS latest_overall_score, a.outstanding AS outstanding_cny, a.credit_limit AS credit_limit_cny
FROM a
LEFT JOIN salespeople sp ON sp.salesperson_id = a.owner_id
ORDER BY a.at_risk DESC, a.tier NULLS LAST, a.reasons_count DESC, a.customer_id
LIMIT $top
