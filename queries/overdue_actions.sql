-- name: overdue_actions
-- Development-plan actions overdue (definitions §15): due before the store's today and not
-- done by it, on opportunities still open, the longest overdue first.
-- params: regions, salespeople, tiers, industries, today
-- columns: opportunity_id, account_name, action_text, owner_name, due_on, days_overdue
SELECT a.opportunity_id, o.account_name, a.action_text, sp.name AS owner_name, a.due_on,
       $today::DATE - a.due_on AS days_overdue
FROM development_actions a
JOIN kpi_opportunities($regions, $salespeople, $tiers, $industries) o USING (opportunity_id)
LEFT JOIN salespeople sp ON sp.salesperson_id = a.owner_id
WHERE o.stage IN ('lead', 'approved', 'proposal', 'negotiation')
  AND a.due_on < $today::DATE AND (a.done_on IS NULL OR a.done_on > $today::DATE)
ORDER BY a.due_on, a.opportunity_id, a.action_id
