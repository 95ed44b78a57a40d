CREATE TABLE ex_customers (customer_id bigint, name text, email text, tier text, active boolean, signed_up timestamptz);
