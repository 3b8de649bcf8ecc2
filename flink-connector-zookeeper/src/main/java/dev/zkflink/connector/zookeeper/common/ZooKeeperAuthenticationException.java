package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * A table's credentials were refused, or its login failed on this machine: terminal, since retrying
 * cannot fix credentials. Callers that treat a missing connection as transient must let this one
 * through. Its message names the mechanism and the identity, never a secret.
 */
@Internal
public final class ZooKeeperAuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;

    public ZooKeeperAuthenticationException(String message) {
        super(message);
    }
}
