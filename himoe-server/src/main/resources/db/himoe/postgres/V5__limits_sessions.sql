-- Per-key limit counters in fixed windows, shared by every replica: an addition is one atomic
-- upsert (INSERT ... ON CONFLICT DO UPDATE SET total = total + n RETURNING total), so concurrent
-- requests on any replica each see a distinct running total.
CREATE TABLE limit_counter (
  name         TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  window_end   BIGINT NOT NULL,
  total        DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (name, window_start)
);
CREATE INDEX limit_counter_end ON limit_counter (window_end);

-- Conversation sessions (what the previous turn went to), as JSON, forgotten when idle.
CREATE TABLE chat_session (
  id            TEXT PRIMARY KEY,
  body          JSONB NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX chat_session_expiry ON chat_session (expires_at_ms);
