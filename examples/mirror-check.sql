-- Compares the mirror written by mirror-subtree.sql with its source: one row per path that differs.
-- No rows means that ${sink_path} on B equals ${source_path} on A (the set of paths and the data),
-- as far as two node-by-node reads taken one after the other can tell. Run it after the writers of
-- A have stopped; while A still changes, the rows show the changes still in flight.
-- Placeholders as in mirror-subtree.sql.

-- Snapshot reads are bounded: batch mode, and results are final rows, not a changelog.
SET 'execution.runtime-mode' = 'batch';
SET 'sql-client.execution.result-mode' = 'tableau';

CREATE TABLE source_now (
  rel   STRING,
  data  BYTES,
  PRIMARY KEY (rel) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${source_hosts}',
  'path' = '${source_path}',
  'key.mode' = 'relative-path',
  'format' = 'raw',
  'scan.startup.mode' = 'snapshot'
);

CREATE TABLE sink_now (
  rel   STRING,
  data  BYTES,
  PRIMARY KEY (rel) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${sink_hosts}',
  'path' = '${sink_path}',
  'key.mode' = 'relative-path',
  'format' = 'raw',
  'scan.startup.mode' = 'snapshot'
);

SELECT
  COALESCE(s.rel, m.rel) AS rel,
  CASE
    WHEN m.rel IS NULL THEN 'missing in the mirror'
    WHEN s.rel IS NULL THEN 'only in the mirror'
    ELSE 'data differs'
  END AS difference
FROM source_now AS s
FULL OUTER JOIN sink_now AS m ON s.rel = m.rel
WHERE s.rel IS NULL OR m.rel IS NULL OR s.data IS DISTINCT FROM m.data
ORDER BY rel;
