-- name: commission_lines
-- Every deal closed in the period up to the store's today (SPEC §3.7, §4.7): closer, base
-- rule and commission, the attribution it carries or why it is void (kpi_commission_lines in
-- store/macros.sql: the one place the rules are applied), the referral share moved to the
-- manager and the lead bonus. A deal is listed when its closer or its manager matches the
-- region and salesperson filters (each person's own region). share_override /
-- bonus_override: what-if values (NULL: the rules in force).
-- params: start_date, end_date, regions, salespeople, share_override, bonus_override, through
-- columns: deal_id, close_date, customer_id, customer_name, product_line, units, amount, status, attribution_source, closer_id, closer_name, base_rule_id, base_rate, base_commission_cny, manager_id, manager_name, registration_id, registered_at, claims_count, attribution, void_code, earlier_by_name, earlier_at, share_rule_id, share, referral_share_cny, closer_keeps_cny, bonus_rule_id, bonus_per_unit, lead_bonus_cny
SELECT l.deal_id, l.close_date, l.customer_id, c.name AS customer_name, l.product_line, l.units, l.amount,
       l.status, l.attribution_source, l.closer_id, cl.name AS closer_name, l.base_rule_id, l.base_rate,
       l.base_commission AS base_commission_cny, l.manager_id, m.name AS manager_name, l.registration_id,
       l.registered_at, coalesce(l.claims_count, 0) AS claims_count, l.attribution, l.void_code,
       e.name AS earlier_by_name, l.earlier_at, l.share_rule_id, l.share, l.referral_share_cny,
       l.base_commission - l.referral_share_cny AS closer_keeps_cny, l.bonus_rule_id, l.bonus_per_unit,
       l.lead_bonus_cny
FROM kpi_commission_lines($start_date::DATE, $through::DATE,
                          $share_override::DECIMAL(18, 4), $bonus_override::DECIMAL(18, 4)) l
LEFT JOIN customers c ON c.customer_id = l.customer_id
LEFT JOIN salespeople cl ON cl.salesperson_id = l.closer_id
LEFT JOIN salespeople m ON m.salesperson_id = l.manager_id
LEFT JOIN salespeople e ON e.salesperson_id = l.earlier_by
WHERE ($regions::VARCHAR[] IS NULL OR list_contains($regions, cl.region_id) OR list_contains($regions, m.region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, l.closer_id)
       OR list_contains($salespeople, l.manager_id))
ORDER BY l.close_date DESC, l.deal_id
