package org.bg2vec.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs a benchmark's {@code main} and then ends the JVM (exit 0, or 1 when it threw), so that a benchmark that
 * leaves non-daemon threads behind (a Spark context, a thread pool) cannot stall {@code submit/benchmarks.sh}.
 *
 * <pre>java -cp ... org.bg2vec.bench.RunToExit org.bg2vec.spark.TrainJobBenchmark 4 8 4 32</pre>
 */
public final class RunToExit {

    private RunToExit() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: RunToExit MAIN_CLASS [ARGS...]");
            System.exit(2);
        }
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        int code = 0;
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }
}
