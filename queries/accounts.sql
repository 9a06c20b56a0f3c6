-- name: accounts
-- The accounts that may log in, with their role and what it sees (store/accounts.py), for the
-- head's Users page; never the password's hash.
-- columns: user_name, display_name, role, region_id, salesperson_id, salesperson_name, email, disabled, locked_until, created_at
SELECT u.user_name, u.display_name, u.role, u.region_id, u.salesperson_id, sp.name AS salesperson_name, u.email,
       u.disabled, u.locked_until, u.created_at
FROM users u
LEFT JOIN salespeople sp ON sp.salesperson_id = u.salesperson_id
ORDER BY u.user_name
