-- Key-Account Cockpit store, the schema of store/db.py SCHEMA_VERSION.
-- Money is DECIMAL(18,4) yuan (ERP exports carry four decimals), so sums are exact. Closed vocabularies
-- (roles, tiers, categories, topics …) are English codes checked here and translated
-- by the UI; open vocabularies (industry, product line, competitor) are data text.
-- References between tables are checked by the importer and the store's tests rather
-- than by FOREIGN KEY clauses, so that a table can be replaced in one transaction.

-- One row: the store itself (schema version, the as-of date that stands for "today",
-- and a version number that changes with every import so caches never go stale).
CREATE TABLE store_meta (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
    as_of_date     DATE NOT NULL,
    store_version  BIGINT NOT NULL CHECK (store_version >= 1),
    built_at       TIMESTAMP NOT NULL,
    demo_seed      INTEGER,
    demo_scale     VARCHAR,
    -- pinned: as_of_date stays as set; otherwise it follows the data (the latest fact's date)
    as_of_pinned   BOOLEAN NOT NULL DEFAULT true
);

-- One row: a sales region (a town of the department's territory).
CREATE TABLE regions (
    region_id VARCHAR PRIMARY KEY,
    name_zh   VARCHAR NOT NULL UNIQUE,
    name_en   VARCHAR NOT NULL UNIQUE
);

-- One row: a member of the department, with role and the dates they joined and left.
CREATE TABLE salespeople (
    salesperson_id VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    role           VARCHAR NOT NULL
        CHECK (role IN ('head', 'key_account_manager', 'salesperson', 'assistant')),
    region_id      VARCHAR,
    phone          VARCHAR,
    hired_on       DATE NOT NULL,
    left_on        DATE,
    CHECK (left_on IS NULL OR left_on >= hired_on)
);

-- One row: a customer's archive record. The fields the archive needs (tier, industry,
-- region, owner, phone, address) may be missing: archive completeness measures that.
-- The first_order_* columns are derived from sales by the store after every load
-- (store/derived.sql), never imported: the customer's first-ever order (a line with
-- positive quantity) and the salesperson and region it was credited to.
CREATE TABLE customers (
    customer_id          VARCHAR PRIMARY KEY,
    name                 VARCHAR NOT NULL,
    tier                 VARCHAR CHECK (tier IN ('A', 'B', 'C')),
    industry             VARCHAR,
    region_id            VARCHAR,
    owner_id             VARCHAR,
    phone                VARCHAR,
    address              VARCHAR,
    credit_limit         DECIMAL(18, 4) CHECK (credit_limit >= 0),  -- empty: no limit (not a limit of 0)
    registered_on        DATE NOT NULL,
    first_order_on       DATE,
    first_salesperson_id VARCHAR,
    first_region_id      VARCHAR
);

-- One row: a product the department sells, in a product line.
CREATE TABLE products (
    product_id   VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    product_line VARCHAR NOT NULL,
    list_price   DECIMAL(18, 4) NOT NULL CHECK (list_price > 0)
);

-- One row: an order line. A return is a line with negative quantity, amount and cost.
-- Salesperson and region are those at the time of the sale (history stays put). Cost may be
-- unknown (NULL: the line counts in sales, not in gross profit); so may the salesperson (a
-- web or house order: it counts in its region and the department, as "Unassigned").
CREATE TABLE sales (
    line_id        BIGINT PRIMARY KEY,
    order_id       BIGINT NOT NULL,
    order_date     DATE NOT NULL,
    customer_id    VARCHAR NOT NULL,
    product_id     VARCHAR NOT NULL,
    quantity       DECIMAL(18, 4) NOT NULL CHECK (quantity <> 0),
    amount         DECIMAL(18, 4) NOT NULL,
    cost           DECIMAL(18, 4),
    salesperson_id VARCHAR,
    region_id      VARCHAR NOT NULL,
    CHECK ((quantity > 0 AND amount >= 0 AND cost >= 0)
        OR (quantity < 0 AND amount <= 0 AND cost <= 0))
);

-- One row: a salesperson's plan and stretch target for one metric in one month.
CREATE TABLE targets (
    salesperson_id VARCHAR NOT NULL,
    month          DATE NOT NULL CHECK (day(month) = 1),
    metric         VARCHAR NOT NULL
        CHECK (metric IN ('sales', 'gross_profit', 'collections', 'new_customers')),
    plan_value     DECIMAL(18, 4) NOT NULL CHECK (plan_value >= 0),
    stretch_value  DECIMAL(18, 4) NOT NULL,
    PRIMARY KEY (salesperson_id, month, metric),
    CHECK (stretch_value >= plan_value)
);

-- One row: an invoice issued to a customer, with its due date. paid_total and settled_on
-- are derived from payments by the store after every load (store/derived.sql), never
-- imported: what was paid on or before D is paid_total less the payments after D (so
-- receivables as of today read no payment at all), and settled_on, the day payments first
-- covered the amount (NULL while open), tells which invoices were open at a month's end.
CREATE TABLE invoices (
    invoice_id     VARCHAR PRIMARY KEY,
    customer_id    VARCHAR NOT NULL,
    order_id       BIGINT,
    issue_date     DATE NOT NULL,
    due_date       DATE NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL CHECK (amount > 0),
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    paid_total     DECIMAL(18, 4) NOT NULL DEFAULT 0 CHECK (paid_total >= 0),
    settled_on     DATE,
    CHECK (due_date >= issue_date),
    CHECK (settled_on IS NULL OR settled_on >= issue_date)
);

-- One row: a payment received against one invoice.
CREATE TABLE payments (
    payment_id     VARCHAR PRIMARY KEY,
    invoice_id     VARCHAR NOT NULL,
    customer_id    VARCHAR NOT NULL,
    paid_on        DATE NOT NULL,
    amount         DECIMAL(18, 4) NOT NULL CHECK (amount > 0),
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL
);

-- One row: a planned revisit of a customer in a month (the yearly revisit plan).
CREATE TABLE visit_plans (
    plan_id        VARCHAR PRIMARY KEY,
    customer_id    VARCHAR NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    planned_month  DATE NOT NULL CHECK (day(planned_month) = 1),
    first_visit_on DATE  -- derived from visits after every load (store/derived.sql), never imported
);

-- One row: a visit to a customer and when its visit record was filed (NULL: not yet).
CREATE TABLE visits (
    visit_id        VARCHAR PRIMARY KEY,
    customer_id     VARCHAR NOT NULL,
    salesperson_id  VARCHAR NOT NULL,
    region_id       VARCHAR NOT NULL,
    visit_date      DATE NOT NULL,
    purpose         VARCHAR NOT NULL
        CHECK (purpose IN ('revisit', 'first_visit', 'sales', 'service')),
    outcome         VARCHAR NOT NULL
        CHECK (outcome IN ('order_intent', 'follow_up', 'issue_raised', 'no_interest')),
    plan_id         VARCHAR,
    record_filed_on DATE,
    CHECK (record_filed_on IS NULL OR record_filed_on >= visit_date)
);

-- One row: a satisfaction survey response, each score on the 1–5 scale.
CREATE TABLE surveys (
    survey_id      VARCHAR PRIMARY KEY,
    customer_id    VARCHAR NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    survey_date    DATE NOT NULL,
    overall_score  SMALLINT NOT NULL CHECK (overall_score BETWEEN 1 AND 5),
    quality_score  SMALLINT CHECK (quality_score BETWEEN 1 AND 5),
    service_score  SMALLINT CHECK (service_score BETWEEN 1 AND 5),
    delivery_score SMALLINT CHECK (delivery_score BETWEEN 1 AND 5),
    price_score    SMALLINT CHECK (price_score BETWEEN 1 AND 5),
    comment        VARCHAR
);

-- One row: a customer complaint with the timestamps of its two 24-hour SLA clocks
-- (received → forwarded to QA; corrective action issued → delivered to the customer).
CREATE TABLE complaints (
    complaint_id        VARCHAR PRIMARY KEY,
    customer_id         VARCHAR NOT NULL,
    salesperson_id      VARCHAR NOT NULL,
    region_id           VARCHAR NOT NULL,
    category            VARCHAR NOT NULL
        CHECK (category IN ('quality', 'delivery', 'service', 'price', 'billing', 'other')),
    received_at         TIMESTAMP NOT NULL,
    forwarded_to_qa_at  TIMESTAMP CHECK (forwarded_to_qa_at >= received_at),
    action_issued_at    TIMESTAMP CHECK (action_issued_at >= received_at),
    action_delivered_at TIMESTAMP CHECK (action_delivered_at >= action_issued_at),
    closed_at           TIMESTAMP CHECK (closed_at >= received_at),
    description         VARCHAR
);

-- One row: a note a salesperson filed about a competitor after a customer contact.
CREATE TABLE competitor_notes (
    note_id        VARCHAR PRIMARY KEY,
    note_date      DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    customer_id    VARCHAR,
    region_id      VARCHAR NOT NULL,
    competitor     VARCHAR NOT NULL,
    topic          VARCHAR NOT NULL
        CHECK (topic IN ('price', 'product', 'promotion', 'service', 'personnel', 'bid')),
    product_line   VARCHAR,
    their_price    DECIMAL(18, 4) CHECK (their_price > 0),
    our_price      DECIMAL(18, 4) CHECK (our_price > 0),
    bid_outcome    VARCHAR CHECK (bid_outcome IN ('won', 'lost')),
    note_text      VARCHAR NOT NULL,
    CHECK (bid_outcome IS NULL OR topic = 'bid')
);

-- One row: an expense claimed by a salesperson.
CREATE TABLE expenses (
    expense_id     VARCHAR PRIMARY KEY,
    expense_date   DATE NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    customer_id    VARCHAR,
    category       VARCHAR NOT NULL
        CHECK (category IN ('travel', 'entertainment', 'samples', 'marketing',
                            'communication', 'other')),
    amount         DECIMAL(18, 4) NOT NULL CHECK (amount >= 0),
    description    VARCHAR
);

-- One row: a salesperson's expense budget for one category in one month.
CREATE TABLE expense_budgets (
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    month          DATE NOT NULL CHECK (day(month) = 1),
    category       VARCHAR NOT NULL
        CHECK (category IN ('travel', 'entertainment', 'samples', 'marketing',
                            'communication', 'other')),
    budget_amount  DECIMAL(18, 4) NOT NULL CHECK (budget_amount >= 0),
    PRIMARY KEY (salesperson_id, month, category)
);

-- One row: the part of a salesperson's monthly expense budget set aside for one key customer
-- (重点客户费用预算), all categories together. The spend against it is every expense on the
-- customer, whoever spent it; a person's key customers of a month come to at most that
-- person's budget of the month (checked on import).
CREATE TABLE customer_budgets (
    customer_id    VARCHAR NOT NULL,
    month          DATE NOT NULL CHECK (day(month) = 1),
    salesperson_id VARCHAR NOT NULL,
    budget_amount  DECIMAL(18, 4) NOT NULL CHECK (budget_amount >= 0),
    PRIMARY KEY (customer_id, month)
);

-- One row: a customer registration record (客户登记备案): who registered a prospect
-- (company and phone), when, through which channel, and whether it was a first visit.
-- These records decide whether a referral or lead attribution is valid.
CREATE TABLE registrations (
    registration_id VARCHAR PRIMARY KEY,
    customer_id     VARCHAR,
    company_name    VARCHAR NOT NULL,
    phone           VARCHAR,
    registered_by   VARCHAR NOT NULL,
    registered_at   TIMESTAMP NOT NULL,
    channel         VARCHAR NOT NULL
        CHECK (channel IN ('referral', 'lead', 'walk_in', 'salesperson')),
    first_visit     BOOLEAN NOT NULL
);

-- One row: a closed deal (units of a product line sold to a customer) with its closer,
-- status and the attribution it claims (none, a manager's referral, or a lead).
CREATE TABLE deals (
    deal_id            VARCHAR PRIMARY KEY,
    customer_id        VARCHAR NOT NULL,
    product_line       VARCHAR NOT NULL,
    units              INTEGER NOT NULL CHECK (units > 0),
    amount             DECIMAL(18, 4) NOT NULL CHECK (amount >= 0),
    close_date         DATE NOT NULL,
    closer_id          VARCHAR NOT NULL,
    status             VARCHAR NOT NULL CHECK (status IN ('closed', 'cancelled')),
    attribution_source VARCHAR NOT NULL CHECK (attribution_source IN ('none', 'referral', 'lead'))
);

-- One row: a key-account manager's counts for one day (organisations developed,
-- batches of serious customers brought on site, serious-customer phone numbers submitted).
CREATE TABLE activities (
    salesperson_id  VARCHAR NOT NULL,
    activity_date   DATE NOT NULL,
    orgs_developed  INTEGER NOT NULL CHECK (orgs_developed >= 0),
    batches_on_site INTEGER NOT NULL CHECK (batches_on_site >= 0),
    leads_submitted INTEGER NOT NULL CHECK (leads_submitted >= 0),
    PRIMARY KEY (salesperson_id, activity_date)
);

-- One row: a commission rule in force over [effective_from, effective_to):
-- a base rate for a product line, the referral share, or the lead bonus per unit.
CREATE TABLE commission_rules (
    rule_id        VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL
        CHECK (kind IN ('base_rate', 'referral_share', 'lead_bonus_per_unit')),
    product_line   VARCHAR,
    value          DECIMAL(18, 4) NOT NULL CHECK (value >= 0),
    effective_from DATE NOT NULL,
    effective_to   DATE,
    CHECK (effective_to IS NULL OR effective_to > effective_from),
    CHECK ((kind = 'base_rate') = (product_line IS NOT NULL)),
    CHECK (kind <> 'referral_share' OR value <= 1)
);

-- One row: a weekly activity quota for one measure and its fine per missing unit,
-- in force over [effective_from, effective_to).
CREATE TABLE activity_quotas (
    rule_id          VARCHAR PRIMARY KEY,
    measure          VARCHAR NOT NULL
        CHECK (measure IN ('orgs_developed', 'batches_on_site', 'leads_submitted')),
    weekly_quota     INTEGER NOT NULL CHECK (weekly_quota > 0),
    fine_per_missing DECIMAL(18, 4) NOT NULL CHECK (fine_per_missing >= 0),
    effective_from   DATE NOT NULL,
    effective_to     DATE,
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);

-- One row: the weight of one scorecard component, in force over [effective_from, effective_to).
CREATE TABLE scorecard_weights (
    component      VARCHAR NOT NULL
        CHECK (component IN ('sales_attainment', 'collections_attainment', 'expense_control',
                             'revisit_completion', 'complaint_timeliness', 'new_customers')),
    weight         DECIMAL(9, 4) NOT NULL CHECK (weight > 0),
    effective_from DATE NOT NULL,
    effective_to   DATE,
    PRIMARY KEY (component, effective_from),
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);

-- Customer development (客户开发): an opportunity moves lead → approved as a project (立项)
-- → proposal/quote → negotiation → won (签约) or lost (输单). Its stages, with dates, are
-- opportunity_stages (a stage may be entered again after moving back).
-- One row: an opportunity with a customer of the store or a prospect not yet one (its name).
CREATE TABLE opportunities (
    opportunity_id    VARCHAR PRIMARY KEY,
    customer_id       VARCHAR,
    prospect_name     VARCHAR,
    owner_id          VARCHAR NOT NULL,
    region_id         VARCHAR NOT NULL,
    stage             VARCHAR NOT NULL
        CHECK (stage IN ('lead', 'approved', 'proposal', 'negotiation', 'won', 'lost')),
    created_on        DATE NOT NULL,
    approved_on       DATE,
    approved_by       VARCHAR,
    expected_amount   DECIMAL(18, 4) CHECK (expected_amount >= 0),
    expected_close_on DATE,
    competitor        VARCHAR,
    lost_reason       VARCHAR
        CHECK (lost_reason IN ('price', 'product', 'relationship', 'timing', 'no_budget', 'other')),
    next_step         VARCHAR,
    next_step_on      DATE,
    CHECK (customer_id IS NOT NULL OR prospect_name IS NOT NULL),
    CHECK (approved_on IS NULL OR approved_on >= created_on),
    CHECK ((approved_on IS NULL) = (approved_by IS NULL)),
    CHECK (lost_reason IS NULL OR stage = 'lost')
);

-- One row: an opportunity entering a stage on a day (at most one change a day).
CREATE TABLE opportunity_stages (
    opportunity_id VARCHAR NOT NULL,
    entered_on     DATE NOT NULL,
    stage          VARCHAR NOT NULL
        CHECK (stage IN ('lead', 'approved', 'proposal', 'negotiation', 'won', 'lost')),
    PRIMARY KEY (opportunity_id, entered_on)
);

-- One row: an action of an opportunity's development plan (客户开发计划): what, who, due, done.
CREATE TABLE development_actions (
    action_id      VARCHAR PRIMARY KEY,
    opportunity_id VARCHAR NOT NULL,
    action_text    VARCHAR NOT NULL,
    owner_id       VARCHAR NOT NULL,
    due_on         DATE NOT NULL,
    done_on        DATE
);

-- One row: a contract: agreed with the customer (达成共识), signed (due within 24 hours),
-- first review in the department, then the general manager's review (who, when, outcome).
CREATE TABLE contracts (
    contract_id          VARCHAR PRIMARY KEY,
    opportunity_id       VARCHAR NOT NULL,
    customer_id          VARCHAR NOT NULL,
    salesperson_id       VARCHAR NOT NULL,
    region_id            VARCHAR NOT NULL,
    amount               DECIMAL(18, 4) NOT NULL CHECK (amount > 0),
    agreed_at            TIMESTAMP NOT NULL,
    signed_at            TIMESTAMP CHECK (signed_at >= agreed_at),
    first_review_by      VARCHAR,
    first_review_at      TIMESTAMP CHECK (first_review_at >= signed_at),
    first_review_outcome VARCHAR CHECK (first_review_outcome IN ('approved', 'returned')),
    gm_review_by         VARCHAR,
    gm_review_at         TIMESTAMP CHECK (gm_review_at >= first_review_at),
    gm_review_outcome    VARCHAR CHECK (gm_review_outcome IN ('approved', 'returned')),
    CHECK (first_review_at IS NULL OR signed_at IS NOT NULL),
    CHECK ((first_review_at IS NULL) = (first_review_outcome IS NULL)),
    CHECK ((gm_review_at IS NULL) = (gm_review_outcome IS NULL)),
    CHECK (gm_review_at IS NULL OR first_review_outcome = 'approved')
);

-- One row: an instalment of a contract's payment plan (回款计划).
CREATE TABLE payment_plans (
    contract_id   VARCHAR NOT NULL,
    instalment_no INTEGER NOT NULL CHECK (instalment_no >= 1),
    due_date      DATE NOT NULL,
    amount        DECIMAL(18, 4) NOT NULL CHECK (amount > 0),
    PRIMARY KEY (contract_id, instalment_no)
);

-- One row: an invoice a contract's invoicing schedule (开票计划) calls for, and the invoice
-- of the store issued for it (empty: not yet issued; issued on = that invoice's issue date).
CREATE TABLE invoice_plans (
    contract_id   VARCHAR NOT NULL,
    instalment_no INTEGER NOT NULL CHECK (instalment_no >= 1),
    due_date      DATE NOT NULL,
    amount        DECIMAL(18, 4) NOT NULL CHECK (amount > 0),
    invoice_id    VARCHAR,
    PRIMARY KEY (contract_id, instalment_no)
);

-- One row: the probability (%) that an open opportunity in a stage is won, in force over
-- [effective_from, effective_to): the weight of its amount in the weighted pipeline.
CREATE TABLE stage_probabilities (
    stage           VARCHAR NOT NULL CHECK (stage IN ('lead', 'approved', 'proposal', 'negotiation')),
    probability_pct DECIMAL(9, 4) NOT NULL CHECK (probability_pct BETWEEN 0 AND 100),
    effective_from  DATE NOT NULL,
    effective_to    DATE,
    PRIMARY KEY (stage, effective_from),
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);

-- One row: one load of one table (from a file, the command line or the demo build).
CREATE TABLE import_log (
    import_id     INTEGER PRIMARY KEY,
    table_name    VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL,
    imported_by   VARCHAR NOT NULL,
    file_name     VARCHAR,
    file_sha256   VARCHAR,
    rows_loaded   BIGINT NOT NULL CHECK (rows_loaded >= 0),
    mode          VARCHAR NOT NULL CHECK (mode IN ('append', 'replace', 'demo')),
    outcome       VARCHAR NOT NULL CHECK (outcome IN ('ok', 'rejected')),
    message       VARCHAR
);
