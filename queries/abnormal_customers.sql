-- name: abnormal_customers
-- Abnormal customers (异常客户预警, SPEC §4.9) as of D = the period's end or the store's
-- today, whichever is earlier; one row per customer with every reason that applies (reasons:
-- the codes joined by commas; the rules are kpi_customer_alerts in store/macros.sql). The
-- filters choose customers by their own region, current owner, tier and industry.
-- Most serious first: more reasons, then more overdue, further over the limit, a larger drop;
-- the first `top` of them (NULL: all).
-- params: end_date, regions, salespeople, tiers, industries, top, today
-- columns: customer_id, customer_name, tier, region_id, owner_id, owner_name, reasons, sales_last_90_days_cny, sales_prior_year_90_days_cny, overdue_90_cny, complaints_30_days_count, latest_overall_score, outstanding_cny, credit_limit_cny
SELECT a.customer_id, a.name AS customer_name, a.tier, a.region_id, a.owner_id, sp.name AS owner_name,
       a.reasons, a.sales_90 AS sales_last_90_days_cny, a.sales_prior_90 AS sales_prior_year_90_days_cny,
       a.overdue_90 AS overdue_90_cny, a.complaints_30 AS complaints_30_days_count,
       a.latest_score AS latest_overall_score, a.outstanding AS outstanding_cny, a.credit_limit AS credit_limit_cny
FROM kpi_alerts($end_date::DATE, $today::DATE, $regions, $salespeople, $tiers, $industries) a
LEFT JOIN salespeople sp ON sp.salesperson_id = a.owner_id
ORDER BY a.reasons_count DESC, a.overdue_90 DESC, a.outstanding - a.credit_limit DESC,
         a.sales_prior_90 - a.sales_90 DESC, a.customer_id
LIMIT $top
