package dev.zkflink.connector.zookeeper.e2e;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL gateway's REST API v3, as a client uses it: open a session, submit a statement, poll its
 * status, then fetch the result pages until {@code EOS}.
 */
final class SqlGatewayRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RUNNING = Set.of("INITIALIZED", "PENDING", "RUNNING");

    private final HttpClient http;
    private final String baseUrl;

    SqlGatewayRestClient(HttpClient http, String baseUrl) {
        this.http = http;
        this.baseUrl = baseUrl;
    }

    /** {@code POST /v3/sessions}; returns the session handle. */
    String openSession(Map<String, String> properties) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("sessionName", "FlinkSqlClientITCase");
        ObjectNode props = body.putObject("properties");
        properties.forEach(props::put);
        return send("POST", "/v3/sessions", body).get("sessionHandle").asText();
    }

    /** {@code DELETE /v3/sessions/{session}}. */
    void closeSession(String session) throws Exception {
        send("DELETE", "/v3/sessions/" + session, null);
    }

    /**
     * Runs one statement and returns every row of its result (the fields as JSON), or throws with
     * the gateway's error when the statement fails or does not finish in time.
     */
    List<List<JsonNode>> execute(String session, String statement, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ObjectNode body = JSON.createObjectNode().put("statement", statement);
        String operation =
                send("POST", "/v3/sessions/" + session + "/statements", body)
                        .get("operationHandle")
                        .asText();
        String operationPath = "/v3/sessions/" + session + "/operations/" + operation;

        String status;
        while (true) {
            status = send("GET", operationPath + "/status", null).get("status").asText();
            if (!RUNNING.contains(status)) {
                break;
            }
            checkDeadline(deadline, statement, "status " + status);
            Thread.sleep(100);
        }
        if (!"FINISHED".equals(status)) {
            // The result endpoint answers a failed operation with the exception.
            HttpResponse<String> error =
                    http.send(
                            request("GET", operationPath + "/result/0?rowFormat=JSON", null),
                            HttpResponse.BodyHandlers.ofString());
            throw new AssertionError(
                    "Statement ended with status "
                            + status
                            + ": "
                            + statement
                            + "\n"
                            + error.body());
        }

        List<List<JsonNode>> rows = new ArrayList<>();
        String next = operationPath + "/result/0?rowFormat=JSON";
        while (next != null) {
            JsonNode page = send("GET", next, null);
            String type = page.path("resultType").asText();
            for (JsonNode row : page.path("results").path("data")) {
                List<JsonNode> fields = new ArrayList<>();
                row.path("fields").forEach(fields::add);
                rows.add(fields);
            }
            if ("EOS".equals(type)) {
                break;
            }
            if ("NOT_READY".equals(type)) {
                checkDeadline(deadline, statement, "results not ready");
                Thread.sleep(100);
            }
            next = page.hasNonNull("nextResultUri") ? page.get("nextResultUri").asText() : null;
        }
        return rows;
    }

    /**
     * Submits a statement whose results never end (a streaming query) and reads its changelog: rows
     * as {@code KIND field,field,...}, accumulated over {@link LiveQuery#awaitRows} calls.
     */
    LiveQuery submitStreaming(String session, String statement) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("statement", statement);
        String operation =
                send("POST", "/v3/sessions/" + session + "/statements", body)
                        .get("operationHandle")
                        .asText();
        return new LiveQuery("/v3/sessions/" + session + "/operations/" + operation, statement);
    }

    /** A running streaming query's result pages. */
    final class LiveQuery {
        private final String operationPath;
        private final String statement;
        private final List<String> rows = new ArrayList<>();
        private String next;

        private LiveQuery(String operationPath, String statement) {
            this.operationPath = operationPath;
            this.statement = statement;
            this.next = operationPath + "/result/0?rowFormat=JSON";
        }

        /** Reads pages until {@code done} accepts all rows read so far; returns them. */
        List<String> awaitRows(java.util.function.Predicate<List<String>> done, Duration timeout)
                throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(rows)) {
                checkDeadline(deadline, statement, "rows so far " + rows);
                JsonNode page = send("GET", next, null);
                for (JsonNode row : page.path("results").path("data")) {
                    List<String> fields = new ArrayList<>();
                    row.path("fields").forEach(f -> fields.add(f.asText()));
                    rows.add(row.path("kind").asText() + " " + String.join(",", fields));
                }
                if ("EOS".equals(page.path("resultType").asText())) {
                    throw new AssertionError("Streaming query ended: " + statement);
                }
                if (page.hasNonNull("nextResultUri")) {
                    next = page.get("nextResultUri").asText();
                }
                Thread.sleep(100);
            }
            return new ArrayList<>(rows);
        }

        void close() throws Exception {
            send("DELETE", operationPath + "/close", null);
        }
    }

    private JsonNode send(String method, String path, JsonNode body) throws Exception {
        HttpResponse<String> response =
                http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    method
                            + " "
                            + path
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest request(String method, String path, JsonNode body) throws IOException {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
    }

    private static void checkDeadline(long deadline, String statement, String state) {
        if (System.nanoTime() > deadline) {
            throw new AssertionError("Timed out (" + state + ") running: " + statement);
        }
    }
}
