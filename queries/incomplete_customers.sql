-- name: incomplete_customers
-- The customers whose archive is incomplete (SPEC §4.12): every customer missing one of
-- the required fields (name, tier, industry, region, owner, contact phone, address; a blank
-- text counts as missing), with the fields missing, so the owner can complete it. The
-- filters choose customers as archive_completeness does. The store keeps what each lacks
-- (customer_gaps, refreshed with the customers).
-- params: regions, salespeople, tiers, industries
-- columns: customer_id, customer_name, owner_id, owner_name, missing_fields
SELECT c.customer_id, c.name AS customer_name, c.owner_id, sp.name AS owner_name,
       array_to_string(g.missing, ',') AS missing_fields
FROM customer_gaps g
JOIN kpi_customers($regions, $salespeople, $tiers, $industries) c ON c.customer_id = g.customer_id
LEFT JOIN salespeople sp ON sp.salesperson_id = c.owner_id
ORDER BY len(g.missing) DESC, c.customer_id
