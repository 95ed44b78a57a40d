CREATE TABLE ex_products (sku text, name text, price numeric(10,2), in_stock boolean, launched date, label text);
