package org.bg2vec.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --master} and {@code --conf} of the commands that run a Spark job (a picocli mixin). */
final class SparkOptions {

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else local mode: local[*]; train: local[W] for W workers)")
    String master;

    @Option(names = "--conf", paramLabel = "K=V", description = "extra Spark setting (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();
}
