package dev.zkflink.connector.zookeeper.source.shared;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one NONODE rule of batched reads, without a server. */
class ZNodeReadResultsTest {

    @Test
    void noNodeMeansGone() throws Exception {
        OpResult r = new OpResult.ErrorResult(KeeperException.Code.NONODE.intValue());
        assertThat(ZNodeReadResults.isGone(r, "getData", "/t/a")).isTrue();
    }

    @Test
    void aResultIsNotGone() throws Exception {
        OpResult r = new OpResult.GetDataResult(new byte[0], new Stat());
        assertThat(ZNodeReadResults.isGone(r, "getData", "/t/a")).isFalse();
    }

    @Test
    void anyOtherErrorFailsNamingTheCallThePathAndTheCode() {
        OpResult r = new OpResult.ErrorResult(KeeperException.Code.NOAUTH.intValue());
        assertThatThrownBy(() -> ZNodeReadResults.isGone(r, "Listing the children", "/t"))
                .isInstanceOf(IOException.class)
                .hasMessage("Listing the children of '/t' failed with ZooKeeper code NOAUTH.");
    }
}
