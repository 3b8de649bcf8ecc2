package dev.zkflink.connector.zookeeper.table;

import org.apache.flink.table.data.RowData;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the physical columns a query reads sit in the produced row: the projected columns in
 * projection order, or all physical columns in schema order without a projection. Columns not read
 * have position -1.
 */
final class ProjectedColumns {
    private final ZooKeeperTableColumns columns;
    private final int[] fields;

    /**
     * @param projected physical column indexes in produced order, or null for all of them
     */
    ProjectedColumns(ZooKeeperTableColumns columns, @Nullable int[] projected) {
        this.columns = columns;
        if (projected != null) {
            this.fields = projected.clone();
        } else {
            this.fields = new int[columns.physicalArity];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = i;
            }
        }
    }

    /** Physical columns in the produced row. */
    int arity() {
        return fields.length;
    }

    /** Produced position of each key column, -1 where it is not read. */
    int[] keyPositions() {
        int[] out = new int[columns.keyPositions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = positionOf(columns.keyPositions[i]);
        }
        return out;
    }

    /** Produced positions of the value columns read, in value-row order. */
    int[] valuePositions() {
        List<Integer> out = new ArrayList<>();
        for (int field : columns.valuePositions) {
            if (positionOf(field) >= 0) {
                out.add(positionOf(field));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Getters of the decoded value row for the value columns read, matching {@link
     * #valuePositions}.
     */
    RowData.FieldGetter[] valueGetters() {
        RowData.FieldGetter[] all = columns.valueGetters();
        List<RowData.FieldGetter> out = new ArrayList<>();
        for (int j = 0; j < columns.valuePositions.length; j++) {
            if (positionOf(columns.valuePositions[j]) >= 0) {
                out.add(all[j]);
            }
        }
        return out.toArray(new RowData.FieldGetter[0]);
    }

    boolean readsValueColumns() {
        for (int field : columns.valuePositions) {
            if (positionOf(field) >= 0) {
                return true;
            }
        }
        return false;
    }

    private int positionOf(int physicalField) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] == physicalField) {
                return i;
            }
        }
        return -1;
    }
}
