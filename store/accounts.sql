-- Who may use the dashboard, their sessions, what they did and the plans they saved
-- (store/accounts.py, store/planning.py). Created
-- when missing, so a store made by an earlier version gains them when opened (store/db.py);
-- never loaded from files.

-- One row: an account that may log in, with its role; a regional lead names the region whose
-- figures it sees, a salesperson (业务员 or key-account manager) the salesperson it is.
CREATE TABLE IF NOT EXISTS users (
    user_name      VARCHAR PRIMARY KEY,
    display_name   VARCHAR,
    role           VARCHAR NOT NULL
        CHECK (role IN ('head', 'viewer', 'regional_lead', 'salesperson', 'assistant')),
    region_id      VARCHAR,
    salesperson_id VARCHAR,
    email          VARCHAR,
    password_hash  VARCHAR NOT NULL,
    disabled       BOOLEAN NOT NULL DEFAULT false,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    CHECK ((role = 'regional_lead') = (region_id IS NOT NULL)),
    CHECK ((role = 'salesperson') = (salesperson_id IS NOT NULL))
);

-- One row: a login's session; its token is kept only as a SHA-256, so the store holds
-- nothing a reader could log in with.
CREATE TABLE IF NOT EXISTS user_sessions (
    token_sha256   VARCHAR PRIMARY KEY,
    user_name      VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP
);

-- One row: something done with the dashboard or its command line, by whom and when
-- (appended only): logins (a failed one with the name tried), logouts, imports, exports,
-- changes to accounts.
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id       BIGINT PRIMARY KEY,
    done_at        TIMESTAMP NOT NULL,
    user_name      VARCHAR,
    action         VARCHAR NOT NULL
        CHECK (action IN ('login', 'logout', 'locked', 'import', 'export', 'user_added', 'user_disabled',
                          'user_enabled', 'password_reset', 'role_changed', 'email_changed')),
    subject        VARCHAR,
    detail         VARCHAR,
    outcome        VARCHAR NOT NULL CHECK (outcome IN ('ok', 'refused'))
);

-- One row: the commentary on one section of one month's report to the general manager (the
-- part the GM reads first), written on the Monthly report page and kept so that the report can
-- be made again; its latest text, by whom and when.
CREATE TABLE IF NOT EXISTS report_comments (
    month          DATE NOT NULL,
    section        VARCHAR NOT NULL,
    comment        VARCHAR NOT NULL,
    written_by     VARCHAR NOT NULL,
    written_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (month, section)
);

-- One row: a plan saved on the Planning page (计划版本): the targets, the expense budget or
-- the key customers' expense budgets of one year, named ("2027 年初计划", "年中调整"), by whom and when. Saving writes the year's
-- targets (or budgets) in force through the import path and keeps a copy of them here, so
-- that every version stays readable after a later one is saved.
CREATE TABLE IF NOT EXISTS plan_versions (
    version_id     INTEGER PRIMARY KEY,
    kind           VARCHAR NOT NULL CHECK (kind IN ('targets', 'budgets', 'customers')),
    plan_year      INTEGER NOT NULL,
    name           VARCHAR NOT NULL CHECK (trim(name) <> ''),
    saved_by       VARCHAR NOT NULL,
    saved_at       TIMESTAMP NOT NULL,
    UNIQUE (kind, plan_year, name)
);

-- One row: a monthly target of a salesperson as one plan version has it (the targets table
-- holds the ones in force).
CREATE TABLE IF NOT EXISTS plan_targets (
    version_id     INTEGER NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    month          DATE NOT NULL CHECK (day(month) = 1),
    metric         VARCHAR NOT NULL,
    plan_value     DECIMAL(18, 4) NOT NULL,
    stretch_value  DECIMAL(18, 4) NOT NULL,
    PRIMARY KEY (version_id, salesperson_id, month, metric)
);

-- One row: a monthly expense budget of a salesperson and category as one plan version has it
-- (the expense_budgets table holds the ones in force).
CREATE TABLE IF NOT EXISTS plan_budgets (
    version_id     INTEGER NOT NULL,
    salesperson_id VARCHAR NOT NULL,
    region_id      VARCHAR NOT NULL,
    month          DATE NOT NULL CHECK (day(month) = 1),
    category       VARCHAR NOT NULL,
    budget_amount  DECIMAL(18, 4) NOT NULL,
    PRIMARY KEY (version_id, salesperson_id, month, category)
);

-- One row: a key customer's monthly expense budget as one plan version has it (the
-- customer_budgets table holds the ones in force).
CREATE TABLE IF NOT EXISTS plan_customer_budgets (
    version_id     INTEGER NOT NULL,
    customer_id    VARCHAR NOT NULL,
    month          DATE NOT NULL CHECK (day(month) = 1),
    salesperson_id VARCHAR NOT NULL,
    budget_amount  DECIMAL(18, 4) NOT NULL,
    PRIMARY KEY (version_id, customer_id, month)
);
