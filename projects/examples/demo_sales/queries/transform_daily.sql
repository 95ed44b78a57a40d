-- Rebuild the window's whole days of demo_daily_sales from staging (delete + insert, one transaction per run
-- of this file is not needed: staging holds complete days, and check_totals verifies the result).
DELETE FROM demo_daily_sales
WHERE day >= date_trunc('day', :start_load_date::timestamptz)::date
  AND day < :end_load_date::timestamptz::date;

INSERT INTO demo_daily_sales (day, store, orders, units, revenue, run_id)
SELECT (order_ts AT TIME ZONE 'UTC')::date AS day,
       store,
       count(*) AS orders,
       sum(quantity) AS units,
       sum(quantity * unit_price) AS revenue,
       :run_id
FROM demo_sales_staging
GROUP BY 1, 2
RETURNING day, store;
