-- name: salesperson_options
-- The people a salesperson filter can offer: field salespeople and key-account managers,
-- of the given regions, or of all regions when $regions is NULL. People who have left stay
-- in the list: their history still counts (SPEC §4, ownership).
-- params: regions
-- columns: salesperson_id, name, role, region_id, left_on
SELECT salesperson_id, name, role, region_id, left_on
FROM salespeople
WHERE role IN ('salesperson', 'key_account_manager')
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions, region_id))
ORDER BY salesperson_id
