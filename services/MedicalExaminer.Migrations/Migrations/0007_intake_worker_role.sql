-- The intake worker's database role (production logs in as a member of it; k8s/ creates the login).
-- 0001 predates per-service roles, so until now the worker could only run as the schema owner.
-- Roles are cluster-wide, so create it only once (in production the Cluster has already declared it).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'me_intake_worker') THEN
        CREATE ROLE me_intake_worker NOLOGIN;
    END IF;
END
$$;

-- Its batch writer binary-COPYs into session-local staging tables (CREATE TEMP TABLE): TEMPORARY, granted
-- to the role rather than left to PUBLIC's default, which a hardened database revokes. The database's name
-- differs per environment (and per test), hence the dynamic statement.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO me_intake_worker', current_database());
END
$$;

GRANT USAGE ON SCHEMA casework TO me_intake_worker;
-- Routing: the office directory, read only.
GRANT SELECT ON casework.offices, casework.office_sites, casework.office_postcode_districts TO me_intake_worker;
-- Opening cases: INSERT … ON CONFLICT DO NOTHING RETURNING case_id, and the staging tables are made
-- LIKE casework.cases and casework.triage_reasons, which takes SELECT on them. Never UPDATE or DELETE:
-- after intake a case belongs to the scrutiny workflow, and casework's outbox is relayed by the
-- scrutiny API. The outbox's identity column needs no sequence grant. No grant at all on the audit log.
GRANT SELECT, INSERT ON casework.cases, casework.triage_reasons TO me_intake_worker;
GRANT INSERT ON casework.outbox, casework.case_history TO me_intake_worker;
