package org.bg2vec.modelstore;

import java.nio.file.Paths;
import java.time.Duration;

/** A second JVM on this host fetching a model into a shared cache: {@code FetchMain <cache root> <uri>}. */
public final class FetchMain {

    private FetchMain() {
    }

    public static void main(String[] args) throws Exception {
        ModelStore store = new ModelStore(Paths.get(args[0]), RemoteLikeFileSystem.conf(), Duration.ofMinutes(2),
                new ModelStore.VerifiedCopies());
        ModelStore.LocalModel m = store.fetch(args[1]);
        System.out.println("fetched=" + m.fetched() + " dir=" + m.dir());
    }
}
