package org.bg2vec.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.bg2vec.prepare.DumpReadException;
import org.bg2vec.prepare.InputFormat;
import org.bg2vec.prepare.InputPlanner;
import org.bg2vec.prepare.OutputDirectory;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.prepare.SampleMode;
import org.bg2vec.spark.PrepareJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Wikipedia dump or Parquet -> clean, tokenized, paired Parquet shards + manifest (Spark job).")
public final class PrepareCommand implements Callable<Integer> {

    /** Exit code for bad input or options (the message says what to fix). */
    static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "Dump (.xml, .xml.bz2, multistream .xml.bz2), Parquet (file or directory) or JSONL;"
                    + " any Hadoop path (file:, hdfs:, s3a:), globs allowed. Repeatable.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--format", defaultValue = "auto", paramLabel = "auto|xml|parquet|jsonl",
            description = "Input format (default: ${DEFAULT-VALUE}: judged from each file name).")
    String format;

    @Option(names = "--index", paramLabel = "PATH",
            description = "Multistream index (-index.txt or -index.txt.bz2) of a multistream dump: the dump is then"
                    + " split across tasks by bz2 streams. Repeatable (paired with the dumps by name).")
    List<String> indexes = new ArrayList<>();

    @Option(names = "--tokenizer", required = true, paramLabel = "tokenizer.json",
            description = "The model's tokenizer.json.")
    String tokenizer;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--max-seq-length", defaultValue = "" + PrepareConfig.DEFAULT_MAX_SEQ_LENGTH,
            description = "Ids per sample at most, BOS included (default: ${DEFAULT-VALUE}).")
    int maxSeqLength;

    @Option(names = "--sample-mode", defaultValue = "article", paramLabel = "article|passage",
            description = "article: one sample per article cut to max-seq-length tokens; passage: sentences packed"
                    + " into passages of up to max-seq-length tokens (default: ${DEFAULT-VALUE}).")
    String sampleMode;

    @Option(names = "--min-tokens", defaultValue = "" + PrepareConfig.DEFAULT_MIN_TOKENS,
            description = "Drop samples with fewer tokens, BOS excluded (default: ${DEFAULT-VALUE}).")
    int minTokens;

    @Option(names = "--min-cyrillic", defaultValue = "" + PrepareConfig.DEFAULT_MIN_CYRILLIC,
            description = "Minimum share of Cyrillic letters among letters; 0 turns the filter off"
                    + " (default: ${DEFAULT-VALUE}).")
    double minCyrillic;

    @Option(names = "--validation-fraction", defaultValue = "" + PrepareConfig.DEFAULT_VALIDATION_FRACTION,
            description = "Share of pages (by a hash of the page id) in validation (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--seed", defaultValue = "" + PrepareConfig.DEFAULT_SEED,
            description = "Seed of the global shuffle (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shards", defaultValue = "" + PrepareConfig.DEFAULT_SHARDS,
            description = "Parquet files per split (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--near-dup", description = "Also remove near-duplicates (MinHashLSH over word 5-grams).")
    boolean nearDup;

    @Option(names = "--near-dup-threshold", defaultValue = "" + PrepareConfig.DEFAULT_NEAR_DUP_THRESHOLD,
            description = "Jaccard similarity above which samples are near-duplicates (default: ${DEFAULT-VALUE}).")
    double nearDupThreshold;

    @Option(names = "--max-page-bytes", defaultValue = "" + PrepareConfig.DEFAULT_MAX_PAGE_BYTES,
            description = "Pages with more XML bytes, and JSONL lines with more bytes, are rejected (default:"
                    + " ${DEFAULT-VALUE}).")
    long maxPageBytes;

    @Option(names = "--drop-sections", split = ",", paramLabel = "HEADING",
            description = "Section headings whose content is dropped, comma-separated (default: the cleaner's list:"
                    + " Вижте също, Източници, Бележки, Външни препратки, Литература).")
    List<String> dropSections;

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() throws Exception {
        PrepareConfig config;
        try {
            config = PrepareConfig.builder()
                    .inputs(inputs).format(InputFormat.parse(format)).indexes(indexes)
                    .tokenizer(tokenizer).output(output).overwrite(overwrite)
                    .maxSeqLength(maxSeqLength).sampleMode(SampleMode.parse(sampleMode)).minTokens(minTokens)
                    .minCyrillic(minCyrillic).validationFraction(validationFraction).seed(seed).shards(shards)
                    .nearDup(nearDup).nearDupThreshold(nearDupThreshold).maxPageBytes(maxPageBytes)
                    .dropSections(dropSections).master(spark.master).sparkConf(spark.conf)
                    .build();
            preflight(config);
        } catch (IllegalArgumentException | DumpReadException e) {
            spec.commandLine().getErr().println("bg2vec prepare: " + e.getMessage());
            return BAD_INPUT;
        }
        try {
            PrepareManifest m = PrepareJob.run(spark.master, spark.conf, config);
            spec.commandLine().getOut().printf("prepared %d train + %d validation samples (%d rejects) in %s%n",
                    m.splits().train().samples(), m.splits().validation().samples(), m.rejects(), config.output());
            return 0;
        } catch (DumpReadException | IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("bg2vec prepare: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    /** Checks that need no Spark: the inputs and the tokenizer exist and the output may be written. */
    static void preflight(PrepareConfig config) throws java.io.IOException {
        Configuration hadoop = new Configuration();
        Path tok = new Path(config.tokenizer());
        if (!tok.getFileSystem(hadoop).exists(tok)) {
            throw new IllegalArgumentException("tokenizer not found: " + config.tokenizer()
                    + " (pass the model's tokenizer.json with --tokenizer)");
        }
        OutputDirectory.checkTarget(config.output(), config.overwrite(), hadoop);
        new InputPlanner(hadoop).resolve(config.inputs(), config.format(), config.indexes());
    }
}
