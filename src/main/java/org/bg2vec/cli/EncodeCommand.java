package org.bg2vec.cli;

import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.io.TableFormat;
import org.bg2vec.spark.EncodeJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Embeddings for a text column as a Spark job.",
                "Output: Parquet rows of the id columns plus 'embedding' (array<float>). Rows whose text is null "
                        + "or blank keep their ids and get a null embedding (counted in the log)."})
public final class EncodeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @CommandLine.Mixin
    ModelOptions models = new ModelOptions();

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "input table (Parquet, JSONL or CSV)")
    String input;

    @Option(names = "--format", paramLabel = "FMT", description = "parquet, jsonl or csv (default: from the input's extension)")
    String format;

    @Option(names = "--text-column", defaultValue = "text", paramLabel = "NAME",
            description = "column with the texts (default: ${DEFAULT-VALUE})")
    String textColumn;

    @Option(names = "--id-columns", split = ",", paramLabel = "A,B",
            description = "columns copied to the output (default: every column except the text column)")
    List<String> idColumns = new ArrayList<>();

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "output Parquet directory")
    String output;

    @Option(names = "--overwrite", description = "replace an existing output")
    boolean overwrite;

    @Option(names = "--normalize", description = "scale embeddings to unit L2 norm")
    boolean normalize;

    @Option(names = "--instruction", paramLabel = "TEXT", description = "llm2vec instruction put before every text")
    String instruction;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    /** The job description built from the options (validated). */
    EncodeSpec spec() {
        return new EncodeSpec(input, TableFormat.detect(input, format), textColumn, idColumns, output, overwrite,
                new EncodeOptions(batchSize, normalize, instruction), EncodeSpec.DEFAULT_SORT_WINDOW,
                device.request());
    }

    @Override
    public Integer call() {
        EncodeSpec spec;
        TextEmbedderFactory factory;
        try {
            spec = spec();
            factory = models.factory(true);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return CliErrors.report(commandSpec, e);
        }
        try {
            EncodeJob.Result r = EncodeJob.run(spark.master, spark.conf, spec, factory);
            commandSpec.commandLine().getOut().printf("encoded %d rows (%d with null or blank text) into %s%n",
                    r.rows(), r.blankTexts(), spec.output());
            commandSpec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            return CliErrors.report(commandSpec, e);
        }
    }
}
