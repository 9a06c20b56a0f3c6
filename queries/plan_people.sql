-- name: plan_people
-- The people a plan of `plan_year` is made for (definitions §16): salespeople and key-account
-- managers with the department for at least a day of that year, with their region and the
-- days they joined and left; and, for last year's shares, the months of `base_year` they were
-- with the department for at least a day (a share is their pace over those months).
-- params: plan_year, base_year
-- columns: salesperson_id, salesperson_name, region_id, region_name, region_name_en, hired_on, left_on, base_months
SELECT sp.salesperson_id, sp.name AS salesperson_name, sp.region_id, r.name_zh AS region_name,
       r.name_en AS region_name_en, sp.hired_on, sp.left_on,
       (SELECT count(*) FROM range(1, 13) m(m)
        WHERE sp.hired_on <= last_day(make_date($base_year::INTEGER, m::INTEGER, 1))
          AND coalesce(sp.left_on, DATE '9999-12-31') >= make_date($base_year::INTEGER, m::INTEGER, 1)) AS base_months
FROM salespeople sp
LEFT JOIN regions r ON r.region_id = sp.region_id
WHERE sp.role IN ('salesperson', 'key_account_manager')
  AND sp.hired_on <= make_date($plan_year::INTEGER, 12, 31)
  AND coalesce(sp.left_on, DATE '9999-12-31') >= make_date($plan_year::INTEGER, 1, 1)
ORDER BY sp.region_id NULLS LAST, sp.salesperson_id
