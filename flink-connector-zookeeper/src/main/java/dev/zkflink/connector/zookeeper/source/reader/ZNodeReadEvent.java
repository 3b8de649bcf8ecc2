package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import javax.annotation.Nullable;

/**
 * What the fetcher hands the emitter: a node to emit, or the marker that an entry of the split is
 * complete (so the split's progress can move on even when the entry held no rows).
 */
final class ZNodeReadEvent {
    @Nullable final ZNodeRecord node;
    final int entryIndex;

    private ZNodeReadEvent(@Nullable ZNodeRecord node, int entryIndex) {
        this.node = node;
        this.entryIndex = entryIndex;
    }

    static ZNodeReadEvent node(ZNodeRecord node, int entryIndex) {
        return new ZNodeReadEvent(node, entryIndex);
    }

    static ZNodeReadEvent entryEnd(int entryIndex) {
        return new ZNodeReadEvent(null, entryIndex);
    }
}
