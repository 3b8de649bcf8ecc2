package dev.zkflink.connector.zookeeper.e2e;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.curator.framework.CuratorFramework;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What the quickstart script must leave in ZooKeeper, however it was run. */
final class QuickstartTreeAssertions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuickstartTreeAssertions() {}

    /**
     * Seeded: checkout {25 on, 0 off, 100 on}, payments {50 on, 100 on, 0 off, 0 off}, search {10
     * on, 100 on}, inventory without flags. The script turns on payments/wallet-google-pay at 20 %
     * before it computes the summary.
     */
    static void assertScriptResult(String hosts) throws Exception {
        try (CuratorFramework client = QuickstartDemo.connect(hosts)) {
            assertThat(children(client, QuickstartDemo.SUMMARY_PATH))
                    .containsExactly("checkout", "payments", "search");
            assertThat(json(client, QuickstartDemo.SUMMARY_PATH + "/checkout"))
                    .isEqualTo(Map.of("flag_count", 3, "enabled_count", 2, "avg_rollout", 62.5));
            assertThat(json(client, QuickstartDemo.SUMMARY_PATH + "/payments"))
                    .isEqualTo(Map.of("flag_count", 4, "enabled_count", 3, "avg_rollout", 56.7));
            assertThat(json(client, QuickstartDemo.SUMMARY_PATH + "/search"))
                    .isEqualTo(Map.of("flag_count", 2, "enabled_count", 2, "avg_rollout", 55.0));
            // The script's single-row write, and a flag it did not touch.
            assertThat(json(client, QuickstartDemo.FLAGS_PATH + "/payments/wallet-google-pay"))
                    .isEqualTo(Map.of("enabled", true, "rollout", 20, "owner", "team-d"));
            assertThat(json(client, QuickstartDemo.FLAGS_PATH + "/checkout/new-cart-ui"))
                    .isEqualTo(Map.of("enabled", true, "rollout", 25, "owner", "team-a"));
        }
    }

    private static List<String> children(CuratorFramework client, String path) throws Exception {
        return client.getChildren().forPath(path).stream().sorted().collect(Collectors.toList());
    }

    private static Map<String, Object> json(CuratorFramework client, String path) throws Exception {
        return JSON.readValue(
                client.getData().forPath(path), new TypeReference<Map<String, Object>>() {});
    }
}
