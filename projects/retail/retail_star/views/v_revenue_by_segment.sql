-- Revenue per day and customer segment at order time (reads v_revenue: created after it).
CREATE OR REPLACE VIEW v_revenue_by_segment AS
SELECT date, coalesce(segment, '(unknown)') AS segment, count(*) AS lines, sum(amount) AS revenue
FROM v_revenue
GROUP BY date, coalesce(segment, '(unknown)');
