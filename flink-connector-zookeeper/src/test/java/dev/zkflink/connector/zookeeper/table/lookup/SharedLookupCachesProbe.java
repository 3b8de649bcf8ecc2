package dev.zkflink.connector.zookeeper.table.lookup;

/** Lets tests outside the package count the shared lookup caches of this JVM. */
public final class SharedLookupCachesProbe {
    private SharedLookupCachesProbe() {}

    public static int openCaches() {
        return SharedLookupCaches.openCaches();
    }
}
