package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import org.apache.zookeeper.data.Stat;

import java.util.Arrays;
import java.util.Objects;

/**
 * One znode as read from ZooKeeper: its path relative to the table root, data, Stat and the kind of
 * change it represents ({@link ChangeKind#INSERT} for snapshot reads).
 *
 * <p>A DataStream of these is serialized by {@link ZNodeRecordSerializer} ({@link
 * ZNodeRecordTypeInfo}). Equal when path, data, Stat and kind are.
 */
@TypeInfo(ZNodeRecordTypeInfo.Factory.class)
@PublicEvolving
public final class ZNodeRecord {
    private final String relativePath;
    private final String absolutePath;
    private final byte[] data;
    private final Stat stat;
    private final ChangeKind kind;

    public ZNodeRecord(String relativePath, String absolutePath, byte[] data, Stat stat) {
        this(relativePath, absolutePath, data, stat, ChangeKind.INSERT);
    }

    public ZNodeRecord(
            String relativePath, String absolutePath, byte[] data, Stat stat, ChangeKind kind) {
        this.relativePath = relativePath;
        this.absolutePath = absolutePath;
        this.data = data == null ? new byte[0] : data;
        this.stat = stat;
        this.kind = kind;
    }

    public String getRelativePath() {
        return relativePath;
    }

    public String getAbsolutePath() {
        return absolutePath;
    }

    public byte[] getData() {
        return data;
    }

    public Stat getStat() {
        return stat;
    }

    public ChangeKind getKind() {
        return kind;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ZNodeRecord)) {
            return false;
        }
        ZNodeRecord that = (ZNodeRecord) o;
        return Objects.equals(relativePath, that.relativePath)
                && Objects.equals(absolutePath, that.absolutePath)
                && Arrays.equals(data, that.data)
                && Objects.equals(stat, that.stat)
                && kind == that.kind;
    }

    @Override
    public int hashCode() {
        return Objects.hash(absolutePath, kind, Arrays.hashCode(data));
    }

    /** {@code INSERT /app/flags/a (3 B, version 0)}: the data itself is left out. */
    @Override
    public String toString() {
        return kind
                + " "
                + absolutePath
                + " ("
                + data.length
                + " B"
                + (stat == null ? "" : ", version " + stat.getVersion())
                + ")";
    }
}
