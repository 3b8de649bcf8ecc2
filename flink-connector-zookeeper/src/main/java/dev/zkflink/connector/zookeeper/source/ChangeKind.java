package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.PublicEvolving;

/** What happened to a row node, as seen by the source. Snapshot reads are all inserts. */
@PublicEvolving
public enum ChangeKind {
    /** The row node is new to the reader (snapshot row or created node). */
    INSERT,
    /** The row node's data or Stat changed. */
    UPDATE,
    /**
     * The row node is gone. Such a record has no data, and a Stat that only carries what the source
     * keeps per node ({@code czxid}, {@code mzxid}, {@code pzxid}, {@code mtime}).
     */
    DELETE
}
