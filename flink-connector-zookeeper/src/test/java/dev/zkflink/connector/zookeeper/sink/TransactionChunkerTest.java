package dev.zkflink.connector.zookeeper.sink;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Transaction sizing and ordering rules; no server needed. */
class TransactionChunkerTest {

    private static final int BUDGET = 1048575 - 4096;

    private static List<List<ZNodeMutation>> chunk(List<ZNodeMutation> mutations) {
        return TransactionChunker.chunk(mutations, BUDGET);
    }

    @Test
    void chunksStayUnderTheRequestLimit() {
        List<ZNodeMutation> mutations = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            mutations.add(ZNodeMutation.upsert("/t/k-" + i, new byte[1024]));
        }
        List<List<ZNodeMutation>> chunks = chunk(mutations);
        assertThat(chunks.size()).isGreaterThan(1); // 1,100 x 1 KiB would exceed 1 MiB
        int total = 0;
        for (List<ZNodeMutation> chunk : chunks) {
            long bytes = 0;
            for (ZNodeMutation m : chunk) {
                bytes += TransactionChunker.estimate(m);
            }
            assertThat(bytes).isLessThan(1048575);
            total += chunk.size();
        }
        assertThat(total).isEqualTo(1100);
    }

    @Test
    void aDeleteAndAWriteBelowItNeverShareATransaction() {
        List<List<ZNodeMutation>> chunks =
                chunk(
                        Arrays.asList(
                                ZNodeMutation.upsert("/t/x", new byte[1]),
                                ZNodeMutation.delete("/t/a"),
                                ZNodeMutation.upsert("/t/a/b", new byte[1]),
                                ZNodeMutation.upsert("/t/y", new byte[1]),
                                ZNodeMutation.delete("/t/y")));
        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(0))
                .extracting(ZNodeMutation::getPath)
                .containsExactly("/t/x", "/t/a");
        assertThat(chunks.get(1))
                .extracting(ZNodeMutation::getPath)
                .containsExactly("/t/a/b", "/t/y");
        assertThat(chunks.get(2)).extracting(ZNodeMutation::getPath).containsExactly("/t/y");
    }

    /** A path deleted and written again: planning the write must see the delete done. */
    @Test
    void aDeleteAndAWriteOfTheSamePathNeverShareATransaction() {
        List<List<ZNodeMutation>> chunks =
                chunk(
                        Arrays.asList(
                                ZNodeMutation.upsert("/t/x", new byte[1]),
                                ZNodeMutation.delete("/t/k"),
                                ZNodeMutation.upsert("/t/k", new byte[1])));
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0))
                .extracting(ZNodeMutation::getPath)
                .containsExactly("/t/x", "/t/k");
        assertThat(chunks.get(1)).extracting(ZNodeMutation::getPath).containsExactly("/t/k");
    }
}
