-- name: sales_lines
-- The sales lines behind a salesperson's figure for a span of days (a cell of the targets
-- heatmap, a month), with the shared filters: returns included, newest first. Their
-- amounts add up to that salesperson's sales in the attainment query for the same span.
-- params: start_date, end_date, regions, salespeople, tiers, industries, product_lines, salesperson_id, through
-- columns: order_date, order_id, line_id, customer_id, customer_name, product_name, product_line, quantity, amount_cny, gross_profit_cny, region_id
SELECT s.order_date, s.order_id, s.line_id, s.customer_id, c.name AS customer_name,
       p.name AS product_name, p.product_line, s.quantity, s.amount AS amount_cny,
       s.gross_profit AS gross_profit_cny, s.region_id
FROM kpi_sales($start_date::DATE, $through::DATE,
               $regions, $salespeople, $tiers, $industries, $product_lines) s
JOIN customers c ON c.customer_id = s.customer_id
JOIN products p ON p.product_id = s.product_id
WHERE s.salesperson_id = $salesperson_id
ORDER BY s.order_date DESC, s.line_id DESC
