package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.IPAuthenticationProvider;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The ACL the sink gives every node it creates ({@code 'sink.acl'}), in the ZooKeeper CLI's syntax:
 * comma-separated {@code scheme:id:perms} entries, for example {@code
 * world:anyone:r,digest:app:<base64 sha1>:cdrwa}. Parsed and checked when the table is planned, so
 * a typo fails there, naming the entry, instead of as INVALIDACL on the first write.
 */
@PublicEvolving
public final class ZNodeAclSpec implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String OPTION = "sink.acl";
    private static final List<String> SCHEMES =
            Arrays.asList("world", "auth", "digest", "ip", "sasl", "x509");

    /** ZooKeeper's open ACL, the default: {@code world:anyone:cdrwa}. */
    public static final String OPEN = "world:anyone:cdrwa";

    private final String spec;
    private final List<Entry> entries;

    private ZNodeAclSpec(String spec, List<Entry> entries) {
        this.spec = spec;
        this.entries = entries;
    }

    /** Parses {@code spec}; an error names the option and the entry at fault. */
    public static ZNodeAclSpec parse(String spec) {
        if (spec == null || spec.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "'" + OPTION + "' is empty; give at least one 'scheme:id:perms' entry.");
        }
        List<Entry> entries = new ArrayList<>();
        for (String raw : spec.split(",")) {
            entries.add(Entry.parse(raw.trim()));
        }
        return new ZNodeAclSpec(spec.trim(), Collections.unmodifiableList(entries));
    }

    public static ZNodeAclSpec open() {
        return parse(OPEN);
    }

    /** A new, mutable list each time: {@code ZooKeeper.create} calls {@code acl.contains(null)}. */
    public List<ACL> toAcls() {
        List<ACL> acls = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            acls.add(new ACL(e.perms, new Id(e.scheme, e.id)));
        }
        return acls;
    }

    /** Whether an entry grants the session's own authenticated identities ({@code auth::...}). */
    public boolean usesAuthScheme() {
        for (Entry e : entries) {
            if ("auth".equals(e.scheme)) {
                return true;
            }
        }
        return false;
    }

    public boolean isOpen() {
        return toAcls().equals(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZNodeAclSpec && ((ZNodeAclSpec) o).entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    /** The spec as given: ACL ids are identities and password digests, never passwords. */
    @Override
    public String toString() {
        return spec;
    }

    private static final class Entry implements Serializable {
        private static final long serialVersionUID = 1L;
        final String scheme;
        final String id;
        final int perms;

        private Entry(String scheme, String id, int perms) {
            this.scheme = scheme;
            this.id = id;
            this.perms = perms;
        }

        static Entry parse(String entry) {
            int first = entry.indexOf(':');
            int last = entry.lastIndexOf(':');
            if (first < 0 || first == last) {
                throw malformed(entry, "it is not of the form 'scheme:id:perms'");
            }
            String scheme = entry.substring(0, first);
            String id = entry.substring(first + 1, last);
            int perms = perms(entry, entry.substring(last + 1));
            switch (scheme) {
                case "world":
                    if (!"anyone".equals(id)) {
                        throw malformed(entry, "the 'world' scheme has the one id 'anyone'");
                    }
                    break;
                case "auth":
                    break; // the id is ignored: the server uses the session's identities
                case "digest":
                    checkDigest(entry, id);
                    break;
                case "ip":
                    if (!new IPAuthenticationProvider().isValid(id)) {
                        throw malformed(
                                entry, "'" + id + "' is not an IPv4/IPv6 address or address/bits");
                    }
                    break;
                case "sasl":
                case "x509":
                    if (id.isEmpty()) {
                        throw malformed(entry, "the '" + scheme + "' scheme needs an id");
                    }
                    break;
                default:
                    throw malformed(
                            entry, "unknown scheme '" + scheme + "'; known schemes: " + SCHEMES);
            }
            return new Entry(scheme, id, perms);
        }

        private static void checkDigest(String entry, String id) {
            int colon = id.indexOf(':');
            boolean valid = colon > 0;
            if (valid) {
                try {
                    valid = Base64.getDecoder().decode(id.substring(colon + 1)).length == 20;
                } catch (IllegalArgumentException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw malformed(
                        "digest:<user>:<hash>:<perms>",
                        "a digest id is 'user:base64(sha1(user:password))', as ZooKeeper's"
                                + " DigestAuthenticationProvider.generateDigest gives it; the entry"
                                + " is not shown because it may hold a password");
            }
        }

        private static int perms(String entry, String letters) {
            if (letters.isEmpty()) {
                throw malformed(entry, "no permissions given; use letters of 'cdrwa'");
            }
            int perms = 0;
            for (char c : letters.toCharArray()) {
                switch (c) {
                    case 'c':
                        perms |= ZooDefs.Perms.CREATE;
                        break;
                    case 'd':
                        perms |= ZooDefs.Perms.DELETE;
                        break;
                    case 'r':
                        perms |= ZooDefs.Perms.READ;
                        break;
                    case 'w':
                        perms |= ZooDefs.Perms.WRITE;
                        break;
                    case 'a':
                        perms |= ZooDefs.Perms.ADMIN;
                        break;
                    default:
                        throw malformed(
                                entry, "unknown permission '" + c + "'; use letters of 'cdrwa'");
                }
            }
            return perms;
        }

        private static IllegalArgumentException malformed(String entry, String why) {
            return new IllegalArgumentException(
                    String.format("'%s' entry '%s' is malformed: %s.", OPTION, entry, why));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Entry)) {
                return false;
            }
            Entry e = (Entry) o;
            return scheme.equals(e.scheme) && id.equals(e.id) && perms == e.perms;
        }

        @Override
        public int hashCode() {
            return (scheme.hashCode() * 31 + id.hashCode()) * 31 + perms;
        }
    }
}
