-- Lookup join: a stream of events enriched with the feature flags kept in ZooKeeper, live.
--
-- Reads the tree of examples/quickstart.sql (QuickstartDemo seeds it):
--   /demo/flags/{service}/{flag}   data {"enabled":true,"rollout":25,"owner":"team-a"}
-- A streaming job: datagen emits 4 checkout events a second (events 1 to 240, so about a minute),
-- odd ones for the flag checkout/new-cart-ui, even ones for checkout/one-click-buy, and joins each
-- event with its flag as the flag is at that moment. Change a flag while the job runs, e.g. in
-- ZooKeeper's zkCli.sh:
--   set /demo/flags/checkout/one-click-buy {"enabled":true,"rollout":100,"owner":"team-a"}
-- and the next events show the new value (QuickstartDemo does this with a plain ZooKeeper client).
--
-- ${hosts} is the ZooKeeper connect string. QuickstartDemo substitutes it. In the Flink SQL
-- client, replace it first, e.g.  sed 's/${hosts}/localhost:2181/g' lookup-join.sql > my.sql

-- An event stream: streaming mode. One source subtask, so that the events arrive in order.
SET 'execution.runtime-mode' = 'streaming';
SET 'parallelism.default' = '1';
SET 'sql-client.execution.result-mode' = 'tableau';

-- The flags as the right side of a lookup join. 'lookup.cache' = 'FULL': the whole table in
-- memory, loaded once and then kept equal to the tree by the table's persistent recursive watch
-- ('lookup.cache.watch' = 'true', the default), so no reload is configured and none is needed.
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
  'lookup.cache' = 'FULL'
);

-- The events. In a real job this would be Kafka or another stream. proc_time is the processing
-- time at which each event is joined.
CREATE TEMPORARY TABLE checkout_events (
  event_id   BIGINT,
  service    AS CAST('checkout' AS STRING),
  flag       AS CAST(IF(MOD(event_id, 2) = 1, 'new-cart-ui', 'one-click-buy') AS STRING),
  proc_time  AS PROCTIME()
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '4',
  'fields.event_id.kind' = 'sequence',
  'fields.event_id.start' = '1',
  'fields.event_id.end' = '240'
);

-- Each event with the flag as it is when the event is processed. A LEFT JOIN keeps events whose
-- flag does not exist (with NULLs). The join keys cover the PRIMARY KEY: a lookup is one row.
SELECT e.event_id, e.service, e.flag, f.enabled, f.rollout, f.node_version
FROM checkout_events AS e
LEFT JOIN flags FOR SYSTEM_TIME AS OF e.proc_time AS f
  ON e.service = f.service AND e.flag = f.flag;
