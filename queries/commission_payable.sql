-- name: commission_payable
-- Commission payable per person and month of the period up to the store's today (SPEC
-- §4.7; kpi_commission_payable in store/macros.sql): own base commissions − referral shares
-- given + shares received + lead bonuses − activity-quota fines; negative stays negative.
-- People chosen by their own region and by the salesperson filter. share_override /
-- bonus_override: what-if values (NULL: the rules in force).
-- params: start_date, end_date, regions, salespeople, today, share_override, bonus_override, through
-- columns: person_id, name, role, region_id, month, deals_count, own_commission_cny, shares_given_cny, shares_received_cny, lead_bonuses_cny, fines_cny, payable_cny
SELECT p.person_id, sp.name, sp.role, sp.region_id, p.month, p.deals AS deals_count,
       p.own_commission AS own_commission_cny, p.shares_given AS shares_given_cny,
       p.shares_received AS shares_received_cny, p.lead_bonuses AS lead_bonuses_cny, p.fines AS fines_cny,
       p.payable AS payable_cny
FROM kpi_commission_payable($start_date::DATE, $through::DATE, $today::DATE,
                            $share_override::DECIMAL(18, 4), $bonus_override::DECIMAL(18, 4)) p
LEFT JOIN salespeople sp ON sp.salesperson_id = p.person_id
WHERE ($regions::VARCHAR[] IS NULL OR list_contains($regions, sp.region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, p.person_id))
ORDER BY p.month, p.payable DESC, p.person_id
