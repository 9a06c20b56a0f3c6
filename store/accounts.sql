-- Who may use the dashboard, their sessions and what they did (store/accounts.py). Created
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
