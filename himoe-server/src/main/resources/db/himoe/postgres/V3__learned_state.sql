-- The learned state (one row): saved with optimistic concurrency on version; position is the
-- feedback log id up to which it has trained.
CREATE TABLE learned_state (
  id          SMALLINT PRIMARY KEY CHECK (id = 1),
  version     BIGINT NOT NULL,
  position    BIGINT NOT NULL,
  saved_by    TEXT NOT NULL,
  saved_at_ms BIGINT NOT NULL,
  body        BYTEA NOT NULL
);
