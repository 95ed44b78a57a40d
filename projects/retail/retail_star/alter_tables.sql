-- DDL history of retail_star: the staging tables. Dimensions, the fact and aggregates are created by dwh
-- from their declarations in factory.ts. Append new statements at the end.
CREATE TABLE IF NOT EXISTS stg_customer_changes (
  customer_id integer NOT NULL,
  changed_at  timestamptz NOT NULL,
  name        text NOT NULL,
  email       text,
  segment     text NOT NULL,
  city        text NOT NULL,
  deleted     boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS stg_customer (
  customer_id integer,
  name        text,
  email       text,
  segment     text,
  city        text,
  changed_at  timestamptz,
  created_at  timestamptz
);

CREATE TABLE IF NOT EXISTS stg_product (
  product_id integer,
  name       text,
  category   text,
  list_price numeric(10, 2)
);

CREATE TABLE IF NOT EXISTS stg_sales (
  order_id    bigint,
  line_no     integer,
  order_ts    timestamptz,
  order_date  date,
  customer_id integer,
  product_id  integer,
  quantity    integer,
  unit_price  numeric(10, 2),
  amount      numeric(12, 2) GENERATED ALWAYS AS (quantity * unit_price) STORED
);
