package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

import javax.security.auth.Subject;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * How far one client's SASL authentication got, so that {@link
 * ZooKeeperClientFactory#awaitConnection} can end at once with a message that names the mechanism
 * and the identity, never a secret.
 *
 * <p>Two failures look alike to a user otherwise: the server refuses the credentials (the handle
 * goes to {@code AUTH_FAILED} and never reconnects), or the client's own login fails (ZooKeeper
 * then sends an {@code AuthFailed} event and goes on <em>without</em> SASL, and a server that
 * requires SASL closes the session without naming any principal). Both are terminal: retrying
 * cannot fix credentials.
 */
@Internal
final class SaslAuthState implements CuratorListener {
    private static final Map<CuratorFramework, SaslAuthState> STATES =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** Null without connector SASL options: only a server refusal ends the wait early then. */
    private final ZooKeeperSaslOptions sasl;

    private final String section;
    private volatile ZooKeeper handle;
    private volatile boolean authenticated;
    private volatile boolean loginFailed;
    private volatile boolean refused;

    SaslAuthState(ZooKeeperSaslOptions sasl, String section) {
        this.sasl = sasl;
        this.section = section;
    }

    void attach(CuratorFramework client) {
        STATES.put(client, this);
        client.getCuratorListenable().addListener(this);
    }

    static SaslAuthState of(CuratorFramework client) {
        return STATES.get(client);
    }

    /** Curator calls this for every handle it (re)creates. */
    void handleCreated(ZooKeeper handle) {
        this.handle = handle;
    }

    @Override
    public void eventReceived(CuratorFramework client, CuratorEvent event) {
        if (event.getType() == CuratorEventType.CLOSING) {
            STATES.remove(client);
            return;
        }
        if (event.getType() != CuratorEventType.WATCHED || event.getWatchedEvent() == null) {
            return;
        }
        KeeperState state = event.getWatchedEvent().getState();
        if (state == KeeperState.SyncConnected) {
            authenticated = false; // a new connection authenticates again
        } else if (state == KeeperState.SaslAuthenticated) {
            authenticated = true;
        } else if (state == KeeperState.AuthFailed) {
            // Curator may replace the dead handle later: remember which failure it was.
            if (serverRefused()) {
                refused = true;
            } else {
                loginFailed = true;
            }
        }
    }

    /** Whether a connected client may be used: SASL, if the table asked for it, is done. */
    boolean ready() {
        return sasl == null || authenticated;
    }

    private boolean serverRefused() {
        ZooKeeper h = handle;
        return h != null && h.getState() == ZooKeeper.States.AUTH_FAILED;
    }

    /** Throws the terminal error if authentication failed. */
    void throwIfFailed(ZooKeeperConnectionOptions options) throws IOException {
        if (refused || serverRefused()) {
            throw new ZooKeeperAuthenticationException(
                    String.format(
                            "ZooKeeper at '%s' refused %s authentication as %s (AUTH_FAILED)."
                                    + " Not retried: check %s, and that the server's JAAS"
                                    + " 'Server' section knows this identity.",
                            options.getHosts(), mechanism(), identity(), credentialOptions()));
        }
        if (sasl != null && loginFailed) {
            throw new ZooKeeperAuthenticationException(
                    String.format(
                            "The %s login as %s failed on this machine, so the client did not"
                                    + " authenticate to ZooKeeper at '%s': %s Not retried: check %s.",
                            mechanism(),
                            identity(),
                            options.getHosts(),
                            loginError(),
                            credentialOptions()));
        }
    }

    /** The timeout message's addition when connected but not yet authenticated. */
    String pendingDescription() {
        return sasl == null || authenticated
                ? ""
                : String.format(
                        " %s authentication as %s did not complete.", mechanism(), identity());
    }

    private String mechanism() {
        return sasl == null ? "SASL" : "SASL " + sasl.getMechanism().saslName();
    }

    private String identity() {
        return sasl == null || sasl.usesJvmLoginSection()
                ? "the JVM's JAAS section '" + section + "'"
                : sasl.describeIdentity();
    }

    private String credentialOptions() {
        if (sasl == null) {
            return "the JVM's JAAS configuration";
        }
        if (sasl.hasJaasConfig()) {
            return "'auth.sasl.jaas-config'";
        }
        if (sasl.getUser() != null) {
            return "'auth.sasl.user' and 'auth.sasl.password'";
        }
        if (sasl.getKerberosPrincipal() != null) {
            return "'auth.kerberos.principal', 'auth.kerberos.keytab' (a file on every"
                    + " TaskManager and the JobManager) and the JVM's krb5.conf";
        }
        return "the JVM's JAAS section '" + section + "' (Flink: security.kerberos.login.*)";
    }

    /**
     * Repeats the login the ZooKeeper client tried, to report why it failed: the client itself only
     * logs it. Only done on this failure path.
     */
    private String loginError() {
        try {
            LoginContext login =
                    new LoginContext(
                            section,
                            new Subject(),
                            callbacks -> {
                                throw new UnsupportedCallbackException(
                                        callbacks[0], "no prompt: the login must not ask");
                            },
                            ZooKeeperJaasSections.configuration());
            login.login();
            login.logout();
            return "the login failed inside the ZooKeeper client (see the TaskManager log).";
        } catch (LoginException | RuntimeException e) {
            String message = String.valueOf(e.getMessage()).trim();
            return e.getClass().getSimpleName()
                    + ": "
                    + message
                    + (message.endsWith(".") ? "" : ".");
        }
    }
}
