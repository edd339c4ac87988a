-- The feedback log shared by every replica: append-only, ids increase in commit order (appends
-- take a transaction-scoped advisory lock), event_id makes a replayed append idempotent.
CREATE TABLE feedback (
  id             BIGSERIAL PRIMARY KEY,
  event_id       UUID NOT NULL UNIQUE,
  trace_id       TEXT NOT NULL,
  reward         DOUBLE PRECISION,
  best_expert    TEXT,
  notes          TEXT,
  received_at_ms BIGINT NOT NULL,
  router         TEXT,
  input          TEXT,
  chosen         TEXT
);
CREATE INDEX feedback_trace ON feedback (trace_id);
CREATE INDEX feedback_router ON feedback (router, id);

-- How far each replica has trained on the log.
CREATE TABLE replica_cursor (
  replica_id    TEXT PRIMARY KEY,
  position      BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
