package dev.zkflink.connector.zookeeper.sql;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/** Shared helpers for the tests that inspect and load the packaged SQL jar. */
final class ShadedJars {

    /** Where everything the SQL jar bundles is relocated to (root pom: shading.prefix). */
    static final String SHADED = "dev/zkflink/connector/zookeeper/shaded/";

    static final String SHADED_PACKAGE = SHADED.replace('/', '.');

    /** The connector's own package; its classes are bundled but not relocated. */
    static final String CONNECTOR = "dev/zkflink/connector/zookeeper/";

    private ShadedJars() {}

    /** The jar built by maven-shade-plugin; the pom hands its path to failsafe. */
    static Path shadedJar() {
        String path = System.getProperty("shaded.jar.path");
        if (path == null || path.isEmpty()) {
            throw new IllegalStateException(
                    "System property 'shaded.jar.path' is not set; run these tests through"
                            + " 'mvn verify' (failsafe), which sets it after 'package'.");
        }
        Path jar = Paths.get(path);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The shaded jar does not exist: " + jar);
        }
        return jar;
    }

    static JarFile openShadedJar() throws IOException {
        return new JarFile(shadedJar().toFile());
    }

    static String requiredProperty(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("System property '" + key + "' is not set.");
        }
        return value;
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (InputStream input = in) {
            return input.readAllBytes();
        }
    }

    /**
     * The CONSTANT_Utf8 entries of a class file: class names, descriptors, signatures and string
     * literals. Relocation rewrites exactly these, so they show whether it missed anything.
     */
    static List<String> utf8Constants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("Not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> result = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: // Utf8
                    result.add(in.readUTF());
                    break;
                case 3: // Integer
                case 4: // Float
                case 9: // Fieldref
                case 10: // Methodref
                case 11: // InterfaceMethodref
                case 12: // NameAndType
                case 17: // Dynamic
                case 18: // InvokeDynamic
                    in.skipBytes(4);
                    break;
                case 5: // Long
                case 6: // Double
                    in.skipBytes(8);
                    i++; // takes two slots
                    break;
                case 7: // Class
                case 8: // String
                case 16: // MethodType
                case 19: // Module
                case 20: // Package
                    in.skipBytes(2);
                    break;
                case 15: // MethodHandle
                    in.skipBytes(3);
                    break;
                default:
                    throw new IOException("Unknown constant pool tag " + tag);
            }
        }
        return result;
    }
}
