-- name: archive_completeness
-- Customer archive completeness (客户档案完整率, SPEC §4.12): customers with every
-- required field (name, tier, industry, region, owner, contact phone, address) ÷ customers
-- × 100, with the count missing each field. A blank text counts as missing. The filters
-- choose customers by their own region, current owner, tier and industry. What each customer
-- lacks is kept by the store (customer_gaps).
-- params: regions, salespeople, tiers, industries
-- columns: customers_count, complete_count, completeness_pct, missing_name_count, missing_tier_count, missing_industry_count, missing_region_count, missing_owner_count, missing_phone_count, missing_address_count
WITH
c AS (SELECT customer_id FROM kpi_customers($regions, $salespeople, $tiers, $industries)),
g AS (SELECT g.missing FROM customer_gaps g SEMI JOIN c ON c.customer_id = g.customer_id)
SELECT any_value(n.customers) AS customers_count,
       customers_count - count(g.missing) AS complete_count,
       complete_count / nullif(customers_count, 0) * 100 AS completeness_pct,
       count(*) FILTER (WHERE list_contains(g.missing, 'name')) AS missing_name_count,
       count(*) FILTER (WHERE list_contains(g.missing, 'tier')) AS missing_tier_count,
       count(*) FILTER (WHERE list_contains(g.missing, 'industry')) AS missing_industry_count,
       count(*) FILTER (WHERE list_contains(g.missing, 'region')) AS missing_region_count,
       count(*) FILTER (WHERE list_contains(g.missing, 'owner')) AS missing_owner_count,
       count(*) FILTER (WHERE list_contains(g.missing, 'phone')) AS missing_phone_count,
       count(*) FILTER (WHERE list_contains(g.missing, 'address')) AS missing_address_count
FROM (SELECT count(*) AS customers FROM c) n LEFT JOIN g ON true
