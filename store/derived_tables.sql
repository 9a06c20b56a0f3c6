-- The summaries and derived columns the store keeps from its facts: their definitions.
-- Created here when missing, so a store made by an earlier version gains them when opened
-- (store/db.py); filled by store/derived.sql after every load, in the load's transaction.

-- A customer's invoices and payments found without reading all of them (the customer pickers
-- of the Receivables page): indexes on the customer, kept by every load.
CREATE INDEX IF NOT EXISTS invoices_by_customer ON invoices (customer_id);
CREATE INDEX IF NOT EXISTS payments_by_customer ON payments (customer_id);

-- visit_plans.first_visit_on: the first visit made against the plan (NULL: none yet).
ALTER TABLE visit_plans ADD COLUMN IF NOT EXISTS first_visit_on DATE;

-- One row: a day's sales lines of one salesperson (NULL: unassigned) in one region, summed;
-- gross_profit over the lines with a cost (NULL: none has one).
CREATE TABLE IF NOT EXISTS sales_daily (
    order_date     DATE NOT NULL,
    salesperson_id VARCHAR,
    region_id      VARCHAR NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL,
    gross_profit   DECIMAL(18, 4)
);

-- One row: a day's sales lines of one salesperson in one region to customers of one tier
-- (the customer's tier now; NULL for a customer without one), summed.
CREATE TABLE IF NOT EXISTS sales_daily_tiers (
    order_date     DATE NOT NULL,
    salesperson_id VARCHAR,
    region_id      VARCHAR NOT NULL,
    tier           VARCHAR,
    amount         DECIMAL(18, 4) NOT NULL,
    gross_profit   DECIMAL(18, 4)
);

-- One row: a day's sales lines of one salesperson in one region to customers of one tier and
-- industry, of one product line (each as the customer and the product are now; NULL where
-- there is none), summed. Kept in order of industry and product line: a filter on either
-- reads only its part of the table.
CREATE TABLE IF NOT EXISTS sales_daily_classes (
    order_date     DATE NOT NULL,
    salesperson_id VARCHAR,
    region_id      VARCHAR NOT NULL,
    tier           VARCHAR,
    industry       VARCHAR,
    product_line   VARCHAR,
    amount         DECIMAL(18, 4) NOT NULL,
    gross_profit   DECIMAL(18, 4)
);

-- One row: a day's payments credited to one salesperson in one region, summed.
CREATE TABLE IF NOT EXISTS payments_daily (
    paid_on        DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL
);

-- One row: a day's payments credited to one salesperson in one region from customers of
-- one tier, summed.
CREATE TABLE IF NOT EXISTS payments_daily_tiers (
    paid_on        DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    tier           VARCHAR,
    amount         DECIMAL(18, 4) NOT NULL
);

-- One row: a day's payments credited to one salesperson in one region from customers of one
-- tier and industry, summed; kept in order of industry.
CREATE TABLE IF NOT EXISTS payments_daily_classes (
    paid_on        DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    tier           VARCHAR,
    industry       VARCHAR,
    amount         DECIMAL(18, 4) NOT NULL
);

-- One row: a customer flagged abnormal on the store's today, with the figures the rules
-- look at and the rules that apply (SPEC §4.9, kpi_customer_alerts in store/macros.sql).
CREATE TABLE IF NOT EXISTS customer_alerts (
    customer_id    VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    tier           VARCHAR,
    industry       VARCHAR,
    region_id      VARCHAR,
    owner_id       VARCHAR,
    credit_limit   DECIMAL(18, 4),
    sales_90       DECIMAL(18, 4) NOT NULL,
    sales_prior_90 DECIMAL(18, 4) NOT NULL,
    outstanding    DECIMAL(18, 4) NOT NULL,
    overdue_90     DECIMAL(18, 4) NOT NULL,
    complaints_30  INTEGER NOT NULL,
    latest_score   SMALLINT,
    reasons        VARCHAR NOT NULL,
    reasons_count  INTEGER NOT NULL
);

-- One row: how one day changed the receivables of invoices issued by one salesperson in one
-- region (SPEC §4.4): summed from the first day up to a date D, each column is that figure
-- on D — outstanding; the part of it more than 0, 30, 60, 90 and 180 days past due; credit
-- (overpayments); invoices with something outstanding. An invoice adds its amount on its
-- issue day; a payment takes off what it paid of the amount (on its day, or the issue day
-- if earlier) and adds any overpayment to credit; each past-due column sees the same
-- changes, none before the day the invoice passes that many days past its due date.
CREATE TABLE IF NOT EXISTS receivables_daily (
    day            DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    outstanding    DECIMAL(18, 4) NOT NULL,
    past_due_0     DECIMAL(18, 4) NOT NULL,
    past_due_30    DECIMAL(18, 4) NOT NULL,
    past_due_60    DECIMAL(18, 4) NOT NULL,
    past_due_90    DECIMAL(18, 4) NOT NULL,
    past_due_180   DECIMAL(18, 4) NOT NULL,
    credit         DECIMAL(18, 4) NOT NULL,
    open_count     INTEGER NOT NULL
);

-- One row: the same changes for the invoices to customers of one tier and industry.
CREATE TABLE IF NOT EXISTS receivables_daily_tiers (
    day            DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    tier           VARCHAR,
    industry       VARCHAR,
    outstanding    DECIMAL(18, 4) NOT NULL,
    past_due_0     DECIMAL(18, 4) NOT NULL,
    past_due_30    DECIMAL(18, 4) NOT NULL,
    past_due_60    DECIMAL(18, 4) NOT NULL,
    past_due_90    DECIMAL(18, 4) NOT NULL,
    past_due_180   DECIMAL(18, 4) NOT NULL,
    credit         DECIMAL(18, 4) NOT NULL,
    open_count     INTEGER NOT NULL
);

-- One row: a customer's orders (sales lines with a positive quantity) in one month by one
-- salesperson (NULL: unassigned) in one region: its first and last order day and their amount,
-- for churn's windows when they start on the first of a month (kpi_churn_customers).
CREATE TABLE IF NOT EXISTS customer_months (
    customer_id    VARCHAR NOT NULL,
    month          DATE NOT NULL,
    salesperson_id VARCHAR,
    region_id      VARCHAR NOT NULL,
    first_day      DATE NOT NULL,
    last_day       DATE NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL
);

-- One row: an invoice with something outstanding or in credit on the store's today, as
-- kpi_invoices_on gives it for that day (days past due depend on the day asked: not kept).
CREATE TABLE IF NOT EXISTS invoices_open (
    invoice_id     VARCHAR NOT NULL,
    customer_id    VARCHAR NOT NULL,
    issue_date     DATE NOT NULL,
    due_date       DATE NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    paid           DECIMAL(18, 4) NOT NULL,
    outstanding    DECIMAL(18, 4) NOT NULL,
    credit         DECIMAL(18, 4) NOT NULL
);

-- One row: a customer's last payment on or before the store's today.
CREATE TABLE IF NOT EXISTS last_payments (
    customer_id    VARCHAR NOT NULL,
    paid_on        DATE NOT NULL
);

-- One row: a customer whose archive lacks a required field, with the fields it lacks (in the
-- order name, tier, industry, region, owner, phone, address).
CREATE TABLE IF NOT EXISTS customer_gaps (
    customer_id VARCHAR NOT NULL,
    missing     VARCHAR[] NOT NULL
);

-- One row: a column that names rows of another table, with how many of its rows name one that
-- does not exist and one example (every such column checked, 0 included; store/derived.sql).
CREATE TABLE IF NOT EXISTS reference_checks (
    table_name       VARCHAR NOT NULL,
    column_name      VARCHAR NOT NULL,
    references_table VARCHAR NOT NULL,
    orphan_count     BIGINT NOT NULL,
    example          VARCHAR
);

-- One row: a deal with its commission line under the rules in force (SPEC §4.7,
-- kpi_commission_deals in store/macros.sql).
CREATE TABLE IF NOT EXISTS deal_commissions (
    deal_id            VARCHAR NOT NULL,
    close_date         DATE NOT NULL,
    customer_id        VARCHAR,
    product_line       VARCHAR,
    units              INTEGER,
    amount             DECIMAL(18, 4),
    status             VARCHAR,
    attribution_source VARCHAR,
    closer_id          VARCHAR,
    base_rule_id       VARCHAR,
    base_rate          DECIMAL(18, 4),
    base_commission    DECIMAL(18, 2),
    registration_id    VARCHAR,
    manager_id         VARCHAR,
    registered_at      TIMESTAMP,
    claims_count       BIGINT,
    attribution        VARCHAR,
    void_code          VARCHAR,
    earlier_by         VARCHAR,
    earlier_at         TIMESTAMP,
    share_rule_id      VARCHAR,
    share              DECIMAL(18, 4),
    referral_share_cny DECIMAL(18, 2),
    bonus_rule_id      VARCHAR,
    bonus_per_unit     DECIMAL(18, 4),
    lead_bonus_cny     DECIMAL(18, 2)
);

-- One row: a judged week of a key-account manager's activity quotas as of the store's today
-- (SPEC §4.8, kpi_activity_weeks_on in store/macros.sql).
CREATE TABLE IF NOT EXISTS quota_weeks (
    salesperson_id VARCHAR NOT NULL,
    name           VARCHAR,
    region_id      VARCHAR,
    week_start     DATE NOT NULL,
    thursday       DATE NOT NULL,
    orgs           BIGINT,
    batches        BIGINT,
    leads          BIGINT,
    orgs_quota     INTEGER,
    orgs_fine      DECIMAL(18, 4),
    batches_quota  INTEGER,
    batches_fine   DECIMAL(18, 4),
    leads_quota    INTEGER,
    leads_fine     DECIMAL(18, 4),
    orgs_short     BIGINT,
    batches_short  BIGINT,
    leads_short    BIGINT,
    fine           DECIMAL(18, 4),
    short          BOOLEAN,
    island         BIGINT,
    streak         BIGINT
);

-- One row: revisit plans of one month and salesperson, for customers of one region, tier and
-- industry, with the same outcome, counted (SPEC §4.10). outcome_on: the planned month
-- itself when the first visit against the plan came by the month's end; the day of that
-- visit when it came later; NULL when none has come.
CREATE TABLE IF NOT EXISTS revisit_outcomes (
    planned_month  DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR,
    tier           VARCHAR,
    industry       VARCHAR,
    outcome_on     DATE,
    plans          INTEGER NOT NULL
);

-- One row: an invoice that a contract's invoicing schedule names, with its issue date and
-- amount (the invoices due to be issued read whether each was issued, without reading every
-- invoice).
CREATE TABLE IF NOT EXISTS contract_invoices (
    contract_id    VARCHAR NOT NULL,
    invoice_id     VARCHAR NOT NULL,
    issue_date     DATE NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL
);

-- One row: a day's payments on the invoices of one contract's invoicing schedule, summed (what
-- settles the contract's payment-plan instalments, definitions §15).
CREATE TABLE IF NOT EXISTS contract_payments (
    contract_id    VARCHAR NOT NULL,
    paid_on        DATE NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL
);
