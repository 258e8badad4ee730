package org.bg2vec.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.io.Serializable;
import java.util.Iterator;

/** Java-friendly {@code rdd.barrier().mapPartitions(...)}: the Java RDD API has no barrier(). */
public final class Barrier {

    private Barrier() {
    }

    public static <T, R> JavaRDD<R> mapPartitions(JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, R> f,
                                                  Class<R> resultClass) {
        ClassTag<R> tag = ClassTag$.MODULE$.apply(resultClass);
        scala.Function1<scala.collection.Iterator<T>, scala.collection.Iterator<R>> fn =
                new PartitionFunction<>(f);
        return JavaRDD.fromRDD(rdd.rdd().barrier().mapPartitions(fn, false, tag), tag);
    }

    private static final class PartitionFunction<T, R>
            extends scala.runtime.AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final FlatMapFunction<Iterator<T>, R> f;

        PartitionFunction(FlatMapFunction<Iterator<T>, R> f) {
            this.f = f;
        }

        @Override
        public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> in) {
            try {
                return JavaConverters.asScalaIterator(f.call(JavaConverters.asJavaIterator(in)));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }
    }
}
