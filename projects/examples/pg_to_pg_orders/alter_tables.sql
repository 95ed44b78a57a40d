CREATE TABLE ex_orders (order_id bigint, customer text, amount numeric(10,2), ordered_at timestamptz);
