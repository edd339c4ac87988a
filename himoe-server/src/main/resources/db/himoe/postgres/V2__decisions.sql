-- Decisions kept for late feedback, so that feedback may arrive at any replica.
CREATE TABLE decision (
  trace_id      TEXT PRIMARY KEY,
  router        TEXT NOT NULL,
  input         TEXT NOT NULL,
  chosen        TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX decision_created ON decision (created_at_ms);
