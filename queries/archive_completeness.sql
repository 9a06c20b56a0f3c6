-- name: archive_completeness
-- Customer archive completeness (客户档案完整率, SPEC §4.12): customers with every
-- required field (name, tier, industry, region, owner, contact phone, address) ÷ customers
-- × 100, with the count missing each field. A blank text counts as missing. The filters
-- choose customers by their own region, current owner, tier and industry.
-- params: regions, salespeople, tiers, industries
-- columns: customers_count, complete_count, completeness_pct, missing_name_count, missing_tier_count, missing_industry_count, missing_region_count, missing_owner_count, missing_phone_count, missing_address_count
WITH c AS (
    SELECT nullif(trim(name), '') IS NULL AS no_name, nullif(trim(tier), '') IS NULL AS no_tier,
           nullif(trim(industry), '') IS NULL AS no_industry,
           nullif(trim(region_id), '') IS NULL AS no_region,
           nullif(trim(owner_id), '') IS NULL AS no_owner, nullif(trim(phone), '') IS NULL AS no_phone,
           nullif(trim(address), '') IS NULL AS no_address
    FROM kpi_customers($regions, $salespeople, $tiers, $industries)
)
SELECT count(*) AS customers_count,
       count(*) FILTER (WHERE NOT (no_name OR no_tier OR no_industry OR no_region OR no_owner
                                   OR no_phone OR no_address)) AS complete_count,
       complete_count / nullif(count(*), 0) * 100 AS completeness_pct,
       count(*) FILTER (WHERE no_name) AS missing_name_count,
       count(*) FILTER (WHERE no_tier) AS missing_tier_count,
       count(*) FILTER (WHERE no_industry) AS missing_industry_count,
       count(*) FILTER (WHERE no_region) AS missing_region_count,
       count(*) FILTER (WHERE no_owner) AS missing_owner_count,
       count(*) FILTER (WHERE no_phone) AS missing_phone_count,
       count(*) FILTER (WHERE no_address) AS missing_address_count
FROM c
