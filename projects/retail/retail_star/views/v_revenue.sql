-- One row per order line with the customer as they were when ordering and the product as it is now.
CREATE OR REPLACE VIEW v_revenue AS
SELECT f.order_id,
       f.line_no,
       f.order_ts,
       d.date,
       d.iso_week,
       c.customer_id,
       c.segment,
       c.city,
       p.product_id,
       p.category,
       f.quantity,
       f.unit_price,
       f.amount
FROM fact_sales f
JOIN dim_customer c ON c.customer_key = f.customer_key
JOIN dim_product p ON p.product_key = f.product_key
JOIN dim_date d ON d.date_key = f.date_key;
