-- name: commission_statement
-- One person's commission statement for the period up to the store's today, for payroll
-- (SPEC §3.7): every line that makes up their payable, each with its rule and reason —
-- own_deal (base commission of a deal they closed), share_given (the referral share taken
-- from it, negative), share_received, lead_bonus, fine (a short week, negative; its month
-- is its Thursday's) — and, at zero, their claims that earned nothing (claim_void with the
-- reason, claim_lost to an earlier valid claim, or on a cancelled deal). The amounts add up
-- to the person's payable (commission_payable). share_override / bonus_override: what-if values.
-- Nothing for a person outside the viewer's scope.
-- params: start_date, end_date, person, share_override, bonus_override, through, regions, salespeople
-- columns: entry_date, kind, deal_id, customer_name, product_line, units, amount, status, counterpart_name, rule_id, rule_value, amount_cny, void_code, earlier_by_name, earlier_at, orgs_short, batches_short, leads_short
WITH
lines AS (
    SELECT * FROM kpi_commission_lines($start_date::DATE, $through::DATE,
                                       $share_override::DECIMAL(18, 4), $bonus_override::DECIMAL(18, 4))
),
entries AS (
    SELECT close_date AS entry_date, 'own_deal' AS kind, deal_id, closer_id AS person, manager_id AS counterpart,
           base_rule_id AS rule_id, base_rate AS rule_value, base_commission AS amount_cny, status,
           NULL AS void_code, NULL AS earlier_by, NULL::TIMESTAMP AS earlier_at, 1 AS sort
    FROM lines WHERE closer_id = $person
    UNION ALL
    SELECT close_date, 'share_given', deal_id, closer_id, manager_id, share_rule_id, share, -referral_share_cny,
           status, NULL, NULL, NULL, 2
    FROM lines WHERE closer_id = $person AND referral_share_cny <> 0
    UNION ALL
    SELECT close_date, 'share_received', deal_id, manager_id, closer_id, share_rule_id, share, referral_share_cny,
           status, NULL, NULL, NULL, 3
    FROM lines WHERE manager_id = $person AND attribution = 'referral'
    UNION ALL
    SELECT close_date, 'lead_bonus', deal_id, manager_id, closer_id, bonus_rule_id, bonus_per_unit, lead_bonus_cny,
           status, NULL, NULL, NULL, 4
    FROM lines WHERE manager_id = $person AND attribution = 'lead'
    UNION ALL
    SELECT k.close_date, CASE WHEN k.void_code IS NOT NULL THEN 'claim_void' WHEN k.chosen THEN 'claim_cancelled'
                              ELSE 'claim_lost' END,
           k.deal_id, k.registered_by, d.closer_id, NULL, NULL, 0, d.status, k.void_code, k.earlier.by,
           k.earlier.at, 5
    FROM kpi_commission_claims($start_date::DATE, $through::DATE) k
    JOIN deals d ON d.deal_id = k.deal_id
    WHERE k.registered_by = $person AND (k.void_code IS NOT NULL OR NOT k.chosen OR d.status <> 'closed')
)
SELECT e.entry_date, e.kind, e.deal_id, c.name AS customer_name, d.product_line, d.units, d.amount, e.status,
       cp.name AS counterpart_name, e.rule_id, e.rule_value, e.amount_cny, e.void_code,
       eb.name AS earlier_by_name, e.earlier_at, NULL::BIGINT AS orgs_short, NULL::BIGINT AS batches_short,
       NULL::BIGINT AS leads_short
FROM entries e
JOIN deals d ON d.deal_id = e.deal_id
LEFT JOIN customers c ON c.customer_id = d.customer_id
LEFT JOIN salespeople cp ON cp.salesperson_id = e.counterpart
LEFT JOIN salespeople eb ON eb.salesperson_id = e.earlier_by
WHERE person_in_scope($person, $regions, $salespeople)
UNION ALL
SELECT week_start, 'fine', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, -fine, NULL, NULL, NULL,
       orgs_short, batches_short, leads_short
FROM kpi_activity_weeks()
WHERE salesperson_id = $person AND fine > 0 AND person_in_scope($person, $regions, $salespeople)
  AND thursday BETWEEN $start_date::DATE AND $through::DATE
ORDER BY entry_date, deal_id NULLS LAST, kind
