-- name: alert_summary
-- How many customers are abnormal (SPEC §4.9) as of D = the period's end or the store's
-- today, whichever is earlier, and how many for each reason (a customer may have several),
-- with the same filters as abnormal_customers.
-- params: end_date, regions, salespeople, tiers, industries, today
-- columns: customers_count, sales_drop_count, overdue_90_count, complaints_30_count, low_survey_count, over_credit_count
SELECT count(*) AS customers_count,
       count(*) FILTER (WHERE reasons LIKE '%sales_drop%') AS sales_drop_count,
       count(*) FILTER (WHERE reasons LIKE '%overdue_90%') AS overdue_90_count,
       count(*) FILTER (WHERE reasons LIKE '%complaints_30%') AS complaints_30_count,
       count(*) FILTER (WHERE reasons LIKE '%low_survey%') AS low_survey_count,
       count(*) FILTER (WHERE reasons LIKE '%over_credit%') AS over_credit_count
FROM kpi_alerts($end_date::DATE, $today::DATE, $regions, $salespeople, $tiers, $industries)
