-- name: incomplete_customers
-- The customers whose archive is incomplete (SPEC §4.12): every customer missing one of
-- the required fields (name, tier, industry, region, owner, contact phone, address; a blank
-- text counts as missing), with the fields missing, so the owner can complete it. The
-- filters choose customers as archive_completeness does.
-- params: regions, salespeople, tiers, industries
-- columns: customer_id, customer_name, owner_id, owner_name, missing_fields
WITH c AS (
    SELECT customer_id, name, owner_id,
           list_filter([CASE WHEN nullif(trim(name), '') IS NULL THEN 'name' END,
                        CASE WHEN nullif(trim(tier), '') IS NULL THEN 'tier' END,
                        CASE WHEN nullif(trim(industry), '') IS NULL THEN 'industry' END,
                        CASE WHEN nullif(trim(region_id), '') IS NULL THEN 'region' END,
                        CASE WHEN nullif(trim(owner_id), '') IS NULL THEN 'owner' END,
                        CASE WHEN nullif(trim(phone), '') IS NULL THEN 'phone' END,
                        CASE WHEN nullif(trim(address), '') IS NULL THEN 'address' END], lambda x: x IS NOT NULL) AS missing
    FROM kpi_customers($regions, $salespeople, $tiers, $industries)
)
SELECT c.customer_id, c.name AS customer_name, c.owner_id, sp.name AS owner_name,
       array_to_string(c.missing, ',') AS missing_fields
FROM c LEFT JOIN salespeople sp ON sp.salesperson_id = c.owner_id
WHERE len(c.missing) > 0
ORDER BY len(c.missing) DESC, c.customer_id
