-- name: filter_options
-- The values each shared filter can offer (SPEC §2), from the store: regions (with both
-- names), the customer tiers, industries and product lines in use.
-- columns: filter, value, label_zh, label_en
SELECT 'regions' AS filter, region_id AS value, name_zh AS label_zh, name_en AS label_en FROM regions
UNION ALL
SELECT DISTINCT 'tiers', tier, tier, tier FROM customers WHERE tier IS NOT NULL
UNION ALL
SELECT DISTINCT 'industries', industry, industry, industry FROM customers WHERE industry IS NOT NULL
UNION ALL
SELECT DISTINCT 'product_lines', product_line, product_line, product_line FROM products
ORDER BY filter, value
