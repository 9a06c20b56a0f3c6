-- name: csat
-- Customer satisfaction (SPEC §4.5) per group: CSAT = share of responses whose overall
-- score is 4 or 5 (× 100), with the number of responses, the mean overall score and the
-- mean of each dimension (quality, service, delivery, price). thin_sample marks a group with
-- fewer than 5 responses: its rate is shown with its n and flagged, never as if solid.
-- ci_low_pct / ci_high_pct: the 95 % Wilson score interval of CSAT (z = 1.96).
-- Surveys dated in the period up to the store's today; region and salesperson are the
-- survey's, tier and industry the customer's.
-- params: start_date, end_date, regions, salespeople, tiers, industries, group_by, through
-- choice: group_by = total | month | region | salesperson
-- columns: group_id, group_name, group_name_en, responses_count, satisfied_count, csat_pct, ci_low_pct, ci_high_pct, overall_mean, quality_mean, service_mean, delivery_mean, price_mean, thin_sample
WITH s AS (
    SELECT CASE $group_by WHEN 'total' THEN 'total'
                          WHEN 'month' THEN strftime(date_trunc('month', v.survey_date), '%Y-%m')
                          WHEN 'region' THEN v.region_id ELSE v.salesperson_id END AS group_id,
           v.*
    FROM surveys v
    WHERE v.survey_date BETWEEN $start_date::DATE AND $through::DATE
      AND customer_passes(v.customer_id, $tiers, $industries)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, v.region_id))
      AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, v.salesperson_id))
)
SELECT s.group_id,
       coalesce(r.name_zh, sp.name, s.group_id) AS group_name,
       coalesce(r.name_en, sp.name, s.group_id) AS group_name_en,
       count(*) AS responses_count,
       count(*) FILTER (WHERE s.overall_score >= 4) AS satisfied_count,
       count(*) FILTER (WHERE s.overall_score >= 4) / count(*) * 100 AS csat_pct,
       wilson_low(count(*) FILTER (WHERE s.overall_score >= 4), count(*)) * 100 AS ci_low_pct,
       wilson_high(count(*) FILTER (WHERE s.overall_score >= 4), count(*)) * 100 AS ci_high_pct,
       avg(s.overall_score) AS overall_mean, avg(s.quality_score) AS quality_mean,
       avg(s.service_score) AS service_mean, avg(s.delivery_score) AS delivery_mean,
       avg(s.price_score) AS price_mean,
       count(*) < 5 AS thin_sample
FROM s
LEFT JOIN regions r ON $group_by = 'region' AND r.region_id = s.group_id
LEFT JOIN salespeople sp ON $group_by = 'salesperson' AND sp.salesperson_id = s.group_id
GROUP BY ALL
ORDER BY s.group_id
