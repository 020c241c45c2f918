-- Casework: the examiners' workflow (DOMAIN §5), claims, the durable case history and the audit.

-- A case that has ended (scrutiny complete, coroner investigating) is in no queue.
ALTER TABLE casework.cases ALTER COLUMN queue DROP NOT NULL;

ALTER TABLE casework.cases
    -- At most one person works a case at a time; the claim lapses at claim_expires_at
    -- (the holder's last activity + the configured idle time).
    ADD COLUMN claimed_by               text,
    ADD COLUMN claimed_at               timestamptz,
    ADD COLUMN claim_expires_at         timestamptz,
    -- Scrutiny progress: what the outcome's preconditions are checked against.
    ADD COLUMN records_reviewed_at      timestamptz,
    ADD COLUMN agreed_cause             jsonb,        -- {ia, ib, ic, ii} agreed with the AP
    ADD COLUMN bereaved_outcome         text CHECK (bereaved_outcome IN ('held', 'declined', 'not-reachable')),
    ADD COLUMN bereaved_concerns        boolean,
    ADD COLUMN clinical_governance_flag boolean NOT NULL DEFAULT false,
    ADD COLUMN urgent_release_decision  text CHECK (urgent_release_decision IN ('approved', 'declined')),
    ADD COLUMN coroner_decision         text,
    ADD COLUMN completed_at             timestamptz,
    ADD CONSTRAINT cases_claim_complete CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL));

-- Claim next (DESIGN §4): FOR UPDATE SKIP LOCKED walks this index in queue order and meets only
-- unclaimed cases, so a busy queue's claimed head does not slow the next claimer down.
CREATE INDEX cases_claimable ON casework.cases (office_id, queue, date_time_of_death, case_id)
    WHERE claimed_by IS NULL;

-- The lapse sweeper finds expired claims without scanning the table.
CREATE INDEX cases_claim_expiry ON casework.cases (claim_expires_at) WHERE claimed_by IS NOT NULL;

-- Every event of every case, for the case page's timeline. The outbox is pruned once relayed;
-- this history is not.
CREATE TABLE casework.case_history (
    case_id     uuid NOT NULL REFERENCES casework.cases (case_id),
    sequence    integer NOT NULL,
    event_id    uuid NOT NULL UNIQUE,
    event_type  text NOT NULL,
    actor_id    text NOT NULL,
    actor_role  text NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     jsonb NOT NULL,
    PRIMARY KEY (case_id, sequence)
);

INSERT INTO casework.case_history (case_id, sequence, event_id, event_type, actor_id, actor_role, occurred_at, payload)
SELECT case_id, sequence, event_id, event_type, payload -> 'actor' ->> 'id', payload -> 'actor' ->> 'role', occurred_at, payload
FROM casework.outbox;

-- Every read and write of a case (DOMAIN §8): who, role, office, when, what, which case.
CREATE TABLE casework.audit_log (
    audit_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    user_id     text NOT NULL,
    role        text NOT NULL,
    office_id   text,
    action      text NOT NULL,
    case_id     uuid,
    outcome     text NOT NULL
);

CREATE INDEX audit_log_case ON casework.audit_log (case_id, occurred_at) WHERE case_id IS NOT NULL;

-- Append-only for everyone, the table owner included: the grants below keep the application role
-- from updating or deleting, and this trigger stops anyone who has the grant by other means.
CREATE FUNCTION casework.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'casework.audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON casework.audit_log
    FOR EACH ROW EXECUTE FUNCTION casework.refuse_audit_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON casework.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION casework.refuse_audit_change();

-- The scrutiny API's database role (production logs in as a member of it; k8s/ creates the login).
-- Roles are cluster-wide, so create it only once.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'me_scrutiny_api') THEN
        CREATE ROLE me_scrutiny_api NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA casework TO me_scrutiny_api;
GRANT SELECT ON casework.offices, casework.office_sites, casework.office_postcode_districts, casework.triage_reasons TO me_scrutiny_api;
GRANT SELECT, UPDATE ON casework.cases TO me_scrutiny_api;
GRANT SELECT, INSERT ON casework.case_history, casework.outbox TO me_scrutiny_api;
GRANT UPDATE (published_at), DELETE ON casework.outbox TO me_scrutiny_api;
GRANT SELECT, INSERT ON casework.audit_log TO me_scrutiny_api;
REVOKE UPDATE, DELETE, TRUNCATE ON casework.audit_log FROM me_scrutiny_api;
