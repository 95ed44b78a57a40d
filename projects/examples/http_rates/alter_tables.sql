CREATE TABLE ex_rates (currency text, rate numeric(12,6), day date);
