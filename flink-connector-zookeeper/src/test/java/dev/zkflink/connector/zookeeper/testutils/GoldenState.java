package dev.zkflink.connector.zookeeper.testutils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Committed checkpoint bytes ({@code src/test/resources/golden-state/*.base64}). */
public final class GoldenState {
    private GoldenState() {}

    /** The decoded bytes of fixture {@code name}; fails the test if it is not committed. */
    public static byte[] read(String name) throws IOException {
        try (InputStream in = GoldenState.class.getResourceAsStream("/golden-state/" + name)) {
            assertThat(in).as("golden state fixture " + name).isNotNull();
            return Base64.getDecoder()
                    .decode(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }
}
