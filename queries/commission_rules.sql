-- name: commission_rules
-- The commission rules (SPEC §4.7), each with whether it is in force on the given date
-- (effective over [from, to)) and the rules of the same kind (and product line, for base
-- rates) whose dates overlap it: an overlap makes a deal's rule ambiguous, so the
-- Commissions page refuses to compute until it is resolved.
-- params: on_date
-- columns: rule_id, kind, product_line, value, effective_from, effective_to, in_force, overlaps_with
SELECT r.rule_id, r.kind, r.product_line, r.value, r.effective_from, r.effective_to,
       r.effective_from <= $on_date::DATE AND (r.effective_to IS NULL OR $on_date::DATE < r.effective_to)
           AS in_force,
       (SELECT list(o.rule_id ORDER BY o.rule_id) FROM commission_rules o
        WHERE o.rule_id <> r.rule_id AND o.kind = r.kind
          AND o.product_line IS NOT DISTINCT FROM r.product_line
          AND o.effective_from < coalesce(r.effective_to, DATE '9999-12-31')
          AND r.effective_from < coalesce(o.effective_to, DATE '9999-12-31')) AS overlaps_with
FROM commission_rules r
ORDER BY r.kind, r.product_line, r.effective_from
