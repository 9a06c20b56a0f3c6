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
-- params: end_date, regions, salespeople, tiers, industries, today
-- columns: customer_id, customer_name, tier, region_id, owner_id, owner_name, reasons, sales_last_90_days_cny, sales_prior_year_90_days_cny, overdue_90_cny, complaints_30_days_count, latest_overall_score, outstanding_cny, credit_limit_cny
WITH
p AS (SELECT least($end_date::DATE, $today::DATE) AS d),
cust AS (SELECT * FROM kpi_customers($regions, $salespeople, $tiers, $industries)),
sales90 AS (
    SELECT s.customer_id,
           sum(s.amount) FILTER (WHERE s.order_date > (least($end_date::DATE, $today::DATE) - 90)) AS now_90,
           sum(s.amount) FILTER (WHERE s.order_date <= ((least($end_date::DATE, $today::DATE) - INTERVAL 1 YEAR)::DATE)) AS prior_90
    FROM sales s
    WHERE (s.order_date BETWEEN (least($end_date::DATE, $today::DATE) - 89) AND (least($end_date::DATE, $today::DATE)))
       OR (s.order_date BETWEEN ((least($end_date::DATE, $today::DATE) - INTERVAL 1 YEAR)::DATE - 89)
                            AND ((least($end_date::DATE, $today::DATE) - INTERVAL 1 YEAR)::DATE))
    GROUP BY s.customer_id
),
owed AS (
    SELECT customer_id, sum(outstanding) AS outstanding,
           sum(outstanding) FILTER (WHERE days_past_due > 90) AS overdue_90
    FROM kpi_invoices_on((least($end_date::DATE, $today::DATE)), NULL, NULL, NULL, NULL)
    GROUP BY customer_id
),
complained AS (
    SELECT customer_id, count(*) AS n FROM complaints
    WHERE received_at >= (least($end_date::DATE, $today::DATE) - 29) AND received_at < (least($end_date::DATE, $today::DATE) + 1)
    GROUP BY customer_id
),
latest_survey AS (
    SELECT customer_id, arg_max(overall_score, {'d': survey_date, 'id': survey_id}) AS score
    FROM surveys WHERE survey_date <= (least($end_date::DATE, $today::DATE))
    GROUP BY customer_id
),
flags AS (
    SELECT c.customer_id, c.name, c.tier, c.region_id, c.owner_id, c.credit_limit,
           coalesce(s.now_90, 0) AS now_90, coalesce(s.prior_90, 0) AS prior_90,
           coalesce(o.overdue_90, 0) AS overdue_90, coalesce(k.n, 0) AS complaints_30,
           ls.score, coalesce(o.outstanding, 0) AS outstanding,
           list_filter([
               CASE WHEN coalesce(s.prior_90, 0) > 0 AND coalesce(s.now_90, 0) < s.prior_90 * 0.5
                    THEN 'sales_drop' END,
               CASE WHEN coalesce(o.overdue_90, 0) > 0 THEN 'overdue_90' END,
               CASE WHEN coalesce(k.n, 0) >= 2 THEN 'complaints_30' END,
               CASE WHEN ls.score <= 2 THEN 'low_survey' END,
               CASE WHEN coalesce(o.outstanding, 0) > c.credit_limit THEN 'over_credit' END
           ], lambda x: x IS NOT NULL) AS reasons
    FROM cust c
    LEFT JOIN sales90 s ON s.customer_id = c.customer_id
    LEFT JOIN owed o ON o.customer_id = c.customer_id
    LEFT JOIN complained k ON k.customer_id = c.customer_id
    LEFT JOIN latest_survey ls ON ls.customer_id = c.customer_id
)
SELECT f.customer_id, f.name AS customer_name, f.tier, f.region_id, f.owner_id, sp.name AS owner_name,
       array_to_string(f.reasons, ',') AS reasons, f.now_90 AS sales_last_90_days_cny, f.prior_90 AS sales_prior_year_90_days_cny,
       f.overdue_90 AS overdue_90_cny, f.complaints_30 AS complaints_30_days_count,
       f.score AS latest_overall_score, f.outstanding AS outstanding_cny,
       f.credit_limit AS credit_limit_cny
FROM flags f LEFT JOIN salespeople sp ON sp.salesperson_id = f.owner_id
WHERE len(f.reasons) > 0
ORDER BY len(f.reasons) DESC, f.overdue_90 DESC, f.outstanding - f.credit_limit DESC,
         f.prior_90 - f.now_90 DESC, f.customer_id
