-- Live mirror: the subtree ${source_path} of ensemble A, kept equal in ${sink_path} of ensemble B.
--
-- The job first copies every node below ${source_path} ('scan.startup.mode' = 'initial'), then
-- applies every later change: creates, data changes and deletes, at any depth. B follows A in data
-- and in the set of paths; see "Mirroring a subtree between ensembles" in docs/zookeeper.md for the
-- guarantees and for a migration (start, catch up, cut over).
--
-- ${source_hosts} and ${sink_hosts} are the connect strings of A and B, ${source_path} and
-- ${sink_path} the two roots. Replace them first, e.g.
--   sed -e 's|${source_hosts}|zk-a1:2181,zk-a2:2181,zk-a3:2181|' -e 's|${source_path}|/config|' \
--       -e 's|${sink_hosts}|zk-b1:2181,zk-b2:2181,zk-b3:2181|' -e 's|${sink_path}|/config|' \
--       mirror-subtree.sql > my-mirror.sql
-- Start with ${sink_path} missing or empty on B: the mirror never deletes nodes that exist only
-- in B and were never in A.

-- A live read is unbounded: streaming mode. Checkpoints make a failover resume from the last
-- completed checkpoint instead of copying the whole tree again, and flush the sink.
SET 'execution.runtime-mode' = 'streaming';
SET 'execution.checkpointing.interval' = '10 s';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '10';
SET 'restart-strategy.fixed-delay.delay' = '5 s';

-- Every descendant of the root is a row ('key.mode' = 'relative-path'): rel is its path below
-- the root, data its bytes, copied exactly (raw + BYTES; empty data stays empty).
CREATE TABLE source_tree (
  rel   STRING,
  data  BYTES,
  PRIMARY KEY (rel) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${source_hosts}',
  'path' = '${source_path}',
  'key.mode' = 'relative-path',
  'format' = 'raw',
  'scan.startup.mode' = 'initial'
);

-- The same layout on B. One sink subtask: a DELETE of a parent removes its subtree, so parents
-- and children must be written in the order of the changelog, not by independent subtasks.
CREATE TABLE sink_tree (
  rel   STRING,
  data  BYTES,
  PRIMARY KEY (rel) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${sink_hosts}',
  'path' = '${sink_path}',
  'key.mode' = 'relative-path',
  'format' = 'raw',
  'sink.parallelism' = '1',
  -- Written only for completed checkpoints (a Sink V2 committer): after a failover from a
  -- checkpoint, no row that the restored source can no longer delete is left on B.
  'sink.delivery-guarantee' = 'exactly-once',
  -- exactly-once holds one checkpoint interval's changes (collapsed per path) until they commit.
  'sink.buffer-flush.max-bytes' = '64 mb'
);

-- The source's upsert key is rel, the sink's PRIMARY KEY: no ON CONFLICT clause is needed.
INSERT INTO sink_tree SELECT rel, data FROM source_tree;
