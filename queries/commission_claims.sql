-- name: commission_claims
-- Every referral or lead claim on the deals closed in the period up to the store's today,
-- with its verdict (kpi_commission_claims in store/macros.sql): 'won' (the deal's
-- attribution), 'void' with its reason (registered earlier by someone — who and when — or
-- not a first visit), or 'lost' to an earlier valid claim. Filtered by the claiming manager's
-- region and person.
-- params: start_date, end_date, regions, salespeople, through
-- columns: deal_id, close_date, customer_id, customer_name, closer_name, manager_id, manager_name, channel, registered_at, first_visit, verdict, void_code, earlier_by_name, earlier_at
SELECT k.deal_id, k.close_date, d.customer_id, c.name AS customer_name, cl.name AS closer_name,
       k.registered_by AS manager_id, m.name AS manager_name, k.channel, k.registered_at, k.first_visit,
       CASE WHEN k.void_code IS NOT NULL THEN 'void' WHEN k.chosen AND d.status = 'closed' THEN 'won'
            WHEN k.chosen THEN 'cancelled' ELSE 'lost' END AS verdict,
       k.void_code, e.name AS earlier_by_name, k.earlier.at AS earlier_at
FROM kpi_commission_claims($start_date::DATE, $through::DATE) k
JOIN deals d ON d.deal_id = k.deal_id
LEFT JOIN customers c ON c.customer_id = d.customer_id
LEFT JOIN salespeople cl ON cl.salesperson_id = d.closer_id
LEFT JOIN salespeople m ON m.salesperson_id = k.registered_by
LEFT JOIN salespeople e ON e.salesperson_id = k.earlier.by
WHERE ($regions::VARCHAR[] IS NULL OR list_contains($regions, m.region_id))
  AND ($salespeople::VARCHAR[] IS NULL OR list_contains($salespeople, k.registered_by))
ORDER BY k.close_date DESC, k.deal_id, k.registered_at
