-- Service registration from Flink: the instances the job computes are registered in the layout of
-- Apache Curator's service discovery (curator-x-discovery), so that any Curator ServiceDiscovery
-- client, ServiceCache or ServiceProvider finds them, and finds them gone when the job stops.
--
-- The tree this script reads, the desired state (edit it while the job runs):
--   /deploy/instances/{service}/{id}   data {"address":"10.0.1.11","port":8080,"zone":"eu-west-1a"}
-- e.g. in ZooKeeper's zkCli.sh (create does not create parents):
--   create /deploy
--   create /deploy/instances
--   create /deploy/instances/billing
--   create /deploy/instances/billing/billing-1 {"address":"10.0.1.11","port":8080,"zone":"eu-west-1a"}
-- The tree it writes, Curator's layout with base path /services:
--   /services/{service}          persistent, empty data (created by the sink when missing)
--   /services/{service}/{id}     EPHEMERAL, data = the JSON of Curator's ServiceInstance:
--     {"address":"10.0.1.11","id":"billing-1","name":"billing","payload":{"zone":"eu-west-1a"},
--      "port":8080,"registrationTimeUTC":1717000000123,"serviceType":"DYNAMIC","sslPort":null,
--      "uriSpec":{"parts":[...]}}
--
-- What to look at while the job runs (zkCli.sh):
--   ls /services/billing              the registered instances
--   get -s /services/billing/billing-1   the JSON, and an ephemeralOwner that is not 0x0: the
--                                     sink subtask's own ZooKeeper session owns the node
--   create /deploy/instances/billing/billing-2 {"address":"10.0.1.12","port":8080,"zone":"eu-west-1b"}
--   delete /deploy/instances/billing/billing-1
--                                     each shows up below /services within about a second
-- In Java, a plain Curator client sees the same:
--   ServiceDiscovery<Map> discovery = ServiceDiscoveryBuilder.builder(Map.class)
--       .client(curator).basePath("/services").build();
--   discovery.start();
--   discovery.queryForInstances("billing");   // getAddress(), getPort(), getPayload().get("zone")
-- Stop the job (STOP JOB '<job id>' in the SQL client, or cancel it): the sink's sessions close and
-- ZooKeeper deletes every instance node at once; the empty /services/{service} nodes stay, so
-- queryForNames() still lists the services, with no instances.
--
-- ${hosts} is the ZooKeeper connect string. In the Flink SQL client, replace it first, e.g.
--   sed 's/${hosts}/localhost:2181/g' register-instances.sql > my.sql

-- A live read is unbounded: streaming mode. The INSERT job runs until it is stopped; the client
-- only submits it. A failover restarts it after 1 s; the checkpoints hold which nodes each sink
-- subtask had registered, so the restored subtask registers them again at once.
SET 'execution.runtime-mode' = 'streaming';
SET 'execution.checkpointing.interval' = '10 s';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '2147483647';
SET 'restart-strategy.fixed-delay.delay' = '1 s';
-- registrationTimeUTC is in epoch milliseconds. EXTRACT(EPOCH FROM ...) of a TIMESTAMP_LTZ counts
-- from midnight in the session's time zone, so the session runs in UTC.
SET 'table.local-time-zone' = 'UTC';

-- The desired instances: one row per node two levels below /deploy/instances, and then every
-- change ('scan.startup.mode' = 'initial'): a node created, changed or deleted is a +I, +U or -D.
CREATE TABLE desired_instances (
  service   STRING,
  id        STRING,
  address   STRING,
  port      INT,
  ssl_port  INT,
  zone      STRING,
  declared  TIMESTAMP_LTZ(3) METADATA FROM 'ctime' VIRTUAL,
  PRIMARY KEY (service, id) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${hosts}',
  'path' = '/deploy/instances',
  'format' = 'json',
  'scan.startup.mode' = 'initial'
);

-- Curator's layout: /services/{name}/{id}, the data one ServiceInstance as JSON (raw STRING).
-- 'sink.create-mode' = 'ephemeral': each row's node is owned by the session of the sink subtask
-- that wrote it, so ZooKeeper deletes it when the job stops, or when that session ends; after a
-- session expiry the subtask creates its nodes again. The session timeout bounds how long the
-- nodes of a TaskManager that died outlive it (the servers cap it to 2 to 20 ticks). The connection
-- timeout (15 s by default) must not exceed it, or Curator logs a WARN for every client it opens:
-- "session timeout [10000] is less than connection timeout [15000]".
CREATE TABLE services (
  name      STRING,
  id        STRING,
  instance  STRING,
  PRIMARY KEY (name, id) NOT ENFORCED
) WITH (
  'connector' = 'zookeeper',
  'hosts' = '${hosts}',
  'path' = '/services',
  'format' = 'raw',
  'sink.create-mode' = 'ephemeral',
  'session.timeout' = '10 s',
  'connection.timeout' = '10 s'
);

-- One ServiceInstance per desired instance. Curator's JsonInstanceSerializer ignores the order of
-- the keys (JSON_OBJECT sorts them) and unknown keys; it needs:
--   name, id           Curator reads them from the JSON, not from the path (missing: "")
--   serviceType        an upper-case ServiceType: DYNAMIC is what Curator writes for ephemerals
--   payload            a JSON object without "@class" reads as a Map: builder(Map.class) on the
--                      client. For a payload class of your own, add '@class' VALUE 'com.x.Details'
--   sslPort, uriSpec   optional (JSON null). uriSpec {scheme}://{address}:{port} lets a client
--                      call instance.buildUriSpec(); Curator's UriSpec is a list of parts
--   enabled            left out: Curator 5.9's default serializer does not write it either, and
--                      reads a missing one as true
-- The source's upsert key is (service, id), the sink's PRIMARY KEY: no ON CONFLICT is needed, and
-- a deleted desired node deletes its instance.
INSERT INTO services
SELECT
  service,
  id,
  JSON_OBJECT(
    'name' VALUE service,
    'id' VALUE id,
    'address' VALUE address,
    'port' VALUE port,
    'sslPort' VALUE ssl_port,
    'payload' VALUE JSON_OBJECT('zone' VALUE zone),
    'registrationTimeUTC' VALUE
      EXTRACT(EPOCH FROM declared) * 1000 + EXTRACT(MILLISECOND FROM declared),
    'serviceType' VALUE 'DYNAMIC',
    'uriSpec' VALUE JSON_OBJECT('parts' VALUE JSON_ARRAY(
      JSON_OBJECT('value' VALUE 'scheme', 'variable' VALUE TRUE),
      JSON_OBJECT('value' VALUE '://', 'variable' VALUE FALSE),
      JSON_OBJECT('value' VALUE 'address', 'variable' VALUE TRUE),
      JSON_OBJECT('value' VALUE ':', 'variable' VALUE FALSE),
      JSON_OBJECT('value' VALUE 'port', 'variable' VALUE TRUE))))
FROM desired_instances;
