-- name: salesperson_options
-- The people a salesperson filter can offer: field salespeople and key-account managers,
-- of one region when $region_id is given, of all regions when it is NULL. People who have
-- left stay in the list: their history still counts (SPEC §4, ownership).
-- params: region_id
-- columns: salesperson_id, name, role, region_id, left_on
SELECT salesperson_id, name, role, region_id, left_on
FROM salespeople
WHERE role IN ('salesperson', 'key_account_manager')
  AND ($region_id::VARCHAR IS NULL OR region_id = $region_id::VARCHAR)
ORDER BY salesperson_id
