-- DDL history of demo_sales. Append new statements at the end; each statement is applied once per database.
CREATE TABLE IF NOT EXISTS demo_sales_staging (
  order_id   bigint PRIMARY KEY,
  order_ts   timestamptz NOT NULL,
  store      text NOT NULL,
  product    text NOT NULL,
  quantity   integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(10, 2) NOT NULL,
  run_id     bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS demo_daily_sales (
  day       date NOT NULL,
  store     text NOT NULL,
  orders    integer NOT NULL,
  units     integer NOT NULL,
  revenue   numeric(12, 2) NOT NULL,
  run_id    bigint NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, store)
);

CREATE INDEX IF NOT EXISTS demo_sales_staging_ts_idx ON demo_sales_staging (order_ts);
