package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import org.apache.zookeeper.data.Stat;

import java.io.IOException;

/**
 * Serializes a {@link ZNodeRecord} between operators and into state. Layout (version 1): relative
 * path and absolute path as Flink strings, data as a length and bytes, the change kind as one byte,
 * then a presence byte and the eleven Stat fields in {@code Stat}'s own order.
 */
@Internal
public final class ZNodeRecordSerializer extends TypeSerializerSingleton<ZNodeRecord> {
    private static final long serialVersionUID = 1L;

    public static final ZNodeRecordSerializer INSTANCE = new ZNodeRecordSerializer();

    private static final ChangeKind[] KINDS = ChangeKind.values();

    @Override
    public boolean isImmutableType() {
        // The data array can be changed by whoever holds the record.
        return false;
    }

    @Override
    public ZNodeRecord createInstance() {
        return new ZNodeRecord("", "/", new byte[0], null);
    }

    @Override
    public ZNodeRecord copy(ZNodeRecord from) {
        Stat s = from.getStat();
        return new ZNodeRecord(
                from.getRelativePath(),
                from.getAbsolutePath(),
                from.getData().clone(),
                s == null ? null : copyOf(s),
                from.getKind());
    }

    @Override
    public ZNodeRecord copy(ZNodeRecord from, ZNodeRecord reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ZNodeRecord record, DataOutputView target) throws IOException {
        StringValue.writeString(record.getRelativePath(), target);
        StringValue.writeString(record.getAbsolutePath(), target);
        target.writeInt(record.getData().length);
        target.write(record.getData());
        target.writeByte(record.getKind().ordinal());
        Stat s = record.getStat();
        target.writeBoolean(s != null);
        if (s != null) {
            target.writeLong(s.getCzxid());
            target.writeLong(s.getMzxid());
            target.writeLong(s.getCtime());
            target.writeLong(s.getMtime());
            target.writeInt(s.getVersion());
            target.writeInt(s.getCversion());
            target.writeInt(s.getAversion());
            target.writeLong(s.getEphemeralOwner());
            target.writeInt(s.getDataLength());
            target.writeInt(s.getNumChildren());
            target.writeLong(s.getPzxid());
        }
    }

    @Override
    public ZNodeRecord deserialize(DataInputView source) throws IOException {
        String relative = StringValue.readString(source);
        String absolute = StringValue.readString(source);
        byte[] data = new byte[source.readInt()];
        source.readFully(data);
        int kind = source.readByte();
        if (kind < 0 || kind >= KINDS.length) {
            throw new IOException("Unknown change kind " + kind + " for znode '" + absolute + "'.");
        }
        Stat stat = null;
        if (source.readBoolean()) {
            stat =
                    new Stat(
                            source.readLong(),
                            source.readLong(),
                            source.readLong(),
                            source.readLong(),
                            source.readInt(),
                            source.readInt(),
                            source.readInt(),
                            source.readLong(),
                            source.readInt(),
                            source.readInt(),
                            source.readLong());
        }
        return new ZNodeRecord(relative, absolute, data, stat, KINDS[kind]);
    }

    @Override
    public ZNodeRecord deserialize(ZNodeRecord reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ZNodeRecord> snapshotConfiguration() {
        return new ZNodeRecordSerializerSnapshot();
    }

    private static Stat copyOf(Stat s) {
        return new Stat(
                s.getCzxid(),
                s.getMzxid(),
                s.getCtime(),
                s.getMtime(),
                s.getVersion(),
                s.getCversion(),
                s.getAversion(),
                s.getEphemeralOwner(),
                s.getDataLength(),
                s.getNumChildren(),
                s.getPzxid());
    }

    /** Restores {@link #INSTANCE}; the serializer has no configuration. */
    public static final class ZNodeRecordSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<ZNodeRecord> {
        public ZNodeRecordSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
