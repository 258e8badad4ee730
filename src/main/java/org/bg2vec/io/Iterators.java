package org.bg2vec.io;

import java.util.Iterator;
import java.util.function.Function;

/** Small iterator adapters for record streams (Spark partitions, shard writers). */
public final class Iterators {

    private Iterators() {
    }

    /** {@code f} of each element of {@code in}, lazily, in order. */
    public static <A, B> Iterator<B> map(Iterator<A> in, Function<? super A, ? extends B> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public B next() {
                return f.apply(in.next());
            }
        };
    }
}
