-- Quickstart: feature flags kept in ZooKeeper, summarized with Flink SQL.
--
-- The tree this script reads (QuickstartDemo seeds it):
--   /demo/flags/{service}/{flag}   data {"enabled":true,"rollout":25,"owner":"team-a"}
--   (the /demo/flags/{service} nodes in between have no data and are not rows)
-- The tree it writes:
--   /demo/summary/{service}        data {"flag_count":3,"enabled_count":2,"avg_rollout":62.5}
--
-- ${hosts} is the ZooKeeper connect string. QuickstartDemo substitutes it; in the Flink SQL
-- client, replace it first, e.g.  sed 's/${hosts}/localhost:2181/g' quickstart.sql > my.sql

-- A snapshot of a tree is bounded, so batch mode fits: queries print final rows, not a changelog.
-- (The statements also run in streaming mode, except the ORDER BY clauses.)
SET 'execution.runtime-mode' = 'batch';

-- For the Flink SQL client: wait until each INSERT job has finished before the next statement runs
-- (the queries below read what the first INSERT writes; by default the client only submits it), and
-- print query results as tables (the only result mode that sql-client.sh -f script.sql accepts).
SET 'table.dml-sync' = 'true';
SET 'sql-client.execution.result-mode' = 'tableau';

-- One row per znode two levels below 'path': the PRIMARY KEY columns name the levels
-- ('key.mode' = 'levels', the default), the other physical columns are the node data as JSON.
CREATE TABLE flags (
  service       STRING,
  flag          STRING,
  enabled       BOOLEAN,
  rollout       INT,
  owner         STRING,
  node_version  INT METADATA FROM 'version' VIRTUAL,
  PRIMARY KEY (service, flag) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${hosts}',
  'path' = '/demo/flags',
  'format' = 'json',
  'scan.startup.mode' = 'snapshot'
);

-- One znode per service below /demo/summary; the sink creates missing nodes and sets existing ones.
CREATE TABLE flag_summary (
  service        STRING,
  flag_count     BIGINT,
  enabled_count  BIGINT,
  avg_rollout    DOUBLE,
  PRIMARY KEY (service) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${hosts}',
  'path' = '/demo/summary',
  'format' = 'json'
);

-- Write one znode: turn on Google Pay for 20 % of the payments traffic.
-- VALUES has no upsert key, so in streaming mode Flink 2.3 rejects an INSERT into a table with a
-- PRIMARY KEY unless it says ON CONFLICT. DO DEDUPLICATE (the last write wins) is what an upsert
-- into ZooKeeper does anyway; DO NOTHING and DO ERROR need watermarks on the sources. In batch
-- mode the clause is accepted as well.
INSERT INTO flags (service, flag, enabled, rollout, owner)
VALUES ('payments', 'wallet-google-pay', TRUE, 20, 'team-d')
ON CONFLICT DO DEDUPLICATE;

-- Read the tree back: node_version shows which znode was just written.
SELECT service, flag, enabled, rollout, owner, node_version
FROM flags
ORDER BY service, flag;

-- Per service: how many flags, how many are on, and the average rollout of those that are on.
CREATE TEMPORARY VIEW service_summary AS
SELECT
  service,
  COUNT(*)                                                        AS flag_count,
  COUNT(*) FILTER (WHERE enabled)                                 AS enabled_count,
  ROUND(AVG(CAST(rollout AS DOUBLE)) FILTER (WHERE enabled), 1)   AS avg_rollout
FROM flags
GROUP BY service;

SELECT * FROM service_summary ORDER BY service;

-- Write the summary back to ZooKeeper. The query's upsert key is (service), the same as the sink's
-- PRIMARY KEY, so no ON CONFLICT clause is needed, in batch or in streaming mode.
INSERT INTO flag_summary
SELECT service, flag_count, enabled_count, avg_rollout
FROM service_summary;
