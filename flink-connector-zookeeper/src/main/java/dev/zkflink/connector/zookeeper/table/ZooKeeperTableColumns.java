package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Which physical columns are the key (path) and which are the value (data), validated. */
final class ZooKeeperTableColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    final DataType physicalRowType;
    final int physicalArity;
    final String[] keyNames;
    final int[] keyPositions;
    final String[] valueNames;
    final int[] valuePositions;
    final DataType valueRowType;

    private ZooKeeperTableColumns(
            DataType physicalRowType,
            String[] keyNames,
            int[] keyPositions,
            String[] valueNames,
            int[] valuePositions,
            DataType valueRowType) {
        this.physicalRowType = physicalRowType;
        this.physicalArity = DataType.getFieldCount(physicalRowType);
        this.keyNames = keyNames;
        this.keyPositions = keyPositions;
        this.valueNames = valueNames;
        this.valuePositions = valuePositions;
        this.valueRowType = valueRowType;
    }

    static ZooKeeperTableColumns of(ResolvedSchema schema, KeyMode keyMode, String format) {
        UniqueConstraint pk =
                schema.getPrimaryKey()
                        .orElseThrow(
                                () ->
                                        new ValidationException(
                                                "A 'zookeeper' table needs a PRIMARY KEY: its columns name the znodes. "
                                                        + "With 'key.mode' = 'levels' (default) key column i is the name of the "
                                                        + "level-i node below 'path'; with 'key.mode' = 'relative-path' one STRING "
                                                        + "key column holds the path relative to 'path'. "
                                                        + "Example: PRIMARY KEY (service, instance) NOT ENFORCED."));
        List<Column> physical = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            if (c.isPhysical()) {
                physical.add(c);
            }
        }
        List<String> pkColumns = pk.getColumns();
        if (keyMode == KeyMode.RELATIVE_PATH && pkColumns.size() != 1) {
            throw new ValidationException(
                    String.format(
                            "'key.mode' = 'relative-path' needs a PRIMARY KEY of exactly one STRING column, but it has %d: %s.",
                            pkColumns.size(), pkColumns));
        }
        String[] keyNames = pkColumns.toArray(new String[0]);
        int[] keyPositions = new int[keyNames.length];
        for (int i = 0; i < keyNames.length; i++) {
            keyPositions[i] = indexOf(physical, keyNames[i]);
            DataType type = physical.get(keyPositions[i]).getDataType();
            if (!type.getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING)) {
                throw new ValidationException(
                        String.format(
                                "PRIMARY KEY column '%s' must be a STRING (VARCHAR/CHAR) column because it holds a znode name, but it is %s.",
                                keyNames[i], type));
            }
        }
        List<String> valueNames = new ArrayList<>();
        List<Integer> valuePositions = new ArrayList<>();
        List<DataTypes.Field> valueFields = new ArrayList<>();
        for (int i = 0; i < physical.size(); i++) {
            Column c = physical.get(i);
            if (!pkColumns.contains(c.getName())) {
                valueNames.add(c.getName());
                valuePositions.add(i);
                valueFields.add(DataTypes.FIELD(c.getName(), c.getDataType()));
            }
        }
        if ("raw".equals(format)) {
            if (valueNames.size() != 1) {
                throw new ValidationException(
                        String.format(
                                "'format' = 'raw' needs exactly one value column (STRING or BYTES) besides the PRIMARY KEY, "
                                        + "but the table has %d: %s. Use 'format' = 'json' (or another format) for several value columns.",
                                valueNames.size(), valueNames));
            }
        }
        DataTypes.Field[] columns = new DataTypes.Field[physical.size()];
        for (int i = 0; i < physical.size(); i++) {
            columns[i] = DataTypes.FIELD(physical.get(i).getName(), physical.get(i).getDataType());
        }
        return new ZooKeeperTableColumns(
                DataTypes.ROW(columns).notNull(),
                keyNames,
                keyPositions,
                valueNames.toArray(new String[0]),
                valuePositions.stream().mapToInt(Integer::intValue).toArray(),
                DataTypes.ROW(valueFields.toArray(new DataTypes.Field[0])).notNull());
    }

    private static int indexOf(List<Column> physical, String name) {
        for (int i = 0; i < physical.size(); i++) {
            if (physical.get(i).getName().equals(name)) {
                return i;
            }
        }
        throw new ValidationException(
                "PRIMARY KEY column '" + name + "' is not a physical column.");
    }

    boolean hasValueColumns() {
        return valuePositions.length > 0;
    }

    KeyPathCodec keyCodec(ZNodeTreeLayout layout) {
        return new KeyPathCodec(layout, keyNames, keyPositions);
    }

    RowData.FieldGetter[] valueGetters() {
        List<DataType> types = DataType.getFieldDataTypes(valueRowType);
        RowData.FieldGetter[] getters = new RowData.FieldGetter[types.size()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(types.get(i).getLogicalType(), i);
        }
        return getters;
    }

    ZNodeTreeLayout layout(String rootPath, KeyMode keyMode) {
        return keyMode == KeyMode.RELATIVE_PATH
                ? ZNodeTreeLayout.wholeSubtree(rootPath)
                : ZNodeTreeLayout.levels(rootPath, keyNames.length);
    }
}
