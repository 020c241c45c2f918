-- Casework: assignment instead of 30-minute claims (DOMAIN §5, issue 17). A case has an assigned medical
-- examiner and, besides, an assigned officer; each works it in their own role, and an assignment lasts until
-- it is released or handed over. An office may let idle assignments lapse (assignment_idle_hours); by default
-- (NULL) they never do.

ALTER TABLE casework.offices
    ADD COLUMN assignment_idle_hours integer CHECK (assignment_idle_hours BETWEEN 1 AND 720);

ALTER TABLE casework.cases
    ADD COLUMN assigned_examiner  text,
    ADD COLUMN examiner_active_at timestamptz,   -- taken, or last worked by the assigned examiner
    ADD COLUMN assigned_officer   text,
    ADD COLUMN officer_active_at  timestamptz,
    ADD CONSTRAINT cases_examiner_assignment_complete CHECK ((assigned_examiner IS NULL) = (examiner_active_at IS NULL)),
    ADD CONSTRAINT cases_officer_assignment_complete CHECK ((assigned_officer IS NULL) = (officer_active_at IS NULL));

-- A live claim becomes an assignment in its holder's role (the role of the actor of the case's last CaseClaimed).
-- A claim already past its expiry was free to be taken: it is not carried over.
UPDATE casework.cases c
SET assigned_officer = c.claimed_by, officer_active_at = coalesce(c.claimed_at, now())
WHERE c.claimed_by IS NOT NULL AND c.claim_expires_at > now()
  AND (SELECT h.actor_role FROM casework.case_history h
       WHERE h.case_id = c.case_id AND h.event_type = 'CaseClaimed'
       ORDER BY h.sequence DESC LIMIT 1) = 'medical-examiner-officer';

UPDATE casework.cases c
SET assigned_examiner = c.claimed_by, examiner_active_at = coalesce(c.claimed_at, now())
WHERE c.claimed_by IS NOT NULL AND c.claim_expires_at > now() AND c.assigned_officer IS NULL;

DROP INDEX casework.cases_claimable;
DROP INDEX casework.cases_claim_expiry;
ALTER TABLE casework.cases
    DROP CONSTRAINT cases_claim_complete,
    DROP COLUMN claimed_by,
    DROP COLUMN claimed_at,
    DROP COLUMN claim_expires_at;

-- Take next (DESIGN §4): each role walks its own index of the queued cases nobody in that role holds, in queue
-- order (office, queue, oldest death), with FOR UPDATE SKIP LOCKED, so concurrent callers pass each other's rows
-- and a queue's assigned head costs nothing. Ended cases (queue NULL) are left out. Taking a case changes the
-- index predicate, so that update is not HOT; every other workflow update leaves these columns alone.
CREATE INDEX cases_examiner_unassigned ON casework.cases (office_id, queue, date_time_of_death, case_id)
    WHERE assigned_examiner IS NULL AND queue IS NOT NULL;
CREATE INDEX cases_officer_unassigned ON casework.cases (office_id, queue, date_time_of_death, case_id)
    WHERE assigned_officer IS NULL AND queue IS NOT NULL;

-- The idle sweeper (only for offices that set a limit) finds assignments by their last activity.
CREATE INDEX cases_examiner_activity ON casework.cases (examiner_active_at) WHERE assigned_examiner IS NOT NULL;
CREATE INDEX cases_officer_activity ON casework.cases (officer_active_at) WHERE assigned_officer IS NOT NULL;
