-- The tables replaytui's PostgreSQL backend keeps events and checkpoints
-- in. postgres.CreateSchema runs this (with the table names it is given),
-- postgres.CreateEvents its first table only; a DBA may run it by hand instead.

CREATE TABLE IF NOT EXISTS "replay_events" (
    stream   text        NOT NULL,
    seq      bigint      NOT NULL CHECK (seq > 0),
    time     timestamptz,          -- NULL when the event has none
    payload  jsonb       NOT NULL,
    fields   jsonb,                -- other top-level fields of a captured line
    id       bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- insertion order: the log's global order
    PRIMARY KEY (stream, seq)
);

CREATE TABLE IF NOT EXISTS "replay_checkpoints" (
    stream   text        NOT NULL,
    seq      bigint      NOT NULL CHECK (seq >= 0),
    state    jsonb       NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, seq)
);
