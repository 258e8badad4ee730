package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.format.PreparedData;
import org.bg2vec.plan.Objective;
import org.bg2vec.progress.ProgressRelay;
import org.bg2vec.train.PermanentFailureException;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainingWorker;
import org.bg2vec.train.checkpoint.Checkpoints;
import org.bg2vec.train.data.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The {@code train} Spark driver (thin): pre-flight checks, then the training as one barrier stage of
 * W tasks ({@code config.workers()}), each running a {@link TrainTask}. A failed barrier stage is never
 * retried by Spark, so this driver retries the whole stage up to {@code max_attempts} times, logging each
 * failure: a failure whose task exception is permanent ({@link PermanentFailureException#isPermanent}: bad
 * configuration, another model or adapter, changed data) stops at once; after a transient one the next
 * attempt resumes from the latest verified checkpoint this run wrote ({@link #retryConfig}). Rank 0's
 * per-step lines reach the driver log through a {@link ProgressRelay}.
 * The per-rank summaries go to {@code output_dir/worker-metrics.jsonl}.
 */
public final class TrainJob {

    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    /** How long a failed attempt waits for its other tasks' exceptions before deciding about a retry. */
    private static final Duration CLASSIFY_PATIENCE = Duration.ofSeconds(30);

    /**
     * Driver settings besides the training config.
     *
     * @param device           CPU, GPU or AUTO (GPU when {@code spark.task.resource.gpu.amount} is set)
     * @param connectTimeout   bound on joining the collective ring
     * @param operationTimeout inactivity bound of every collective operation (above the worst compute skew)
     * @param barrierTimeout   {@code spark.barrier.sync.timeout} when not set in the Spark conf (the rendezvous)
     */
    public record Options(DeviceRequest device, Duration connectTimeout, Duration operationTimeout,
                          Duration barrierTimeout) {

        /** Production defaults: AUTO device, 2 min to connect, 10 min per operation, 10 min rendezvous. */
        public static Options defaults() {
            return new Options(DeviceRequest.AUTO, Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(10));
        }
    }

    /**
     * What a run did.
     *
     * @param attempts  attempts used (1 when nothing failed)
     * @param failures  the failure cause of each failed attempt
     * @param workers   the summaries of the successful attempt, by rank
     * @param adapterDir the final adapter ({@code output_dir/adapter})
     * @param workerMetrics the per-rank metrics file
     */
    public record Result(int attempts, List<String> failures, List<WorkerSummary> workers, String adapterDir,
                         String outputDir, String workerMetrics, double seconds) {
    }

    private TrainJob() {
    }

    /**
     * A training config that passed the pre-flight for a Spark master and conf ({@link #check}): the
     * session {@link #run(Checked, Options, WorkerFunction)} starts from it is not checked again.
     */
    public record Checked(String master, Map<String, String> sparkConf, TrainConfig config, Objective objective) {
        public Checked {
            sparkConf = Map.copyOf(sparkConf);
        }
    }

    /**
     * The pre-flight for a session still to start ({@code spark.barrier.sync.timeout} defaulted from
     * {@code options}) of a run that trains {@code objective} (its memory plan); throws
     * {@link IllegalArgumentException} listing the problems.
     */
    public static Checked check(String master, Map<String, String> conf, TrainConfig config, Objective objective,
                                Options options) {
        Map<String, String> sparkConf = new HashMap<>(conf);
        sparkConf.putIfAbsent("spark.barrier.sync.timeout", options.barrierTimeout().toSeconds() + "s");
        return new Checked(master, sparkConf, preflight(master, sparkConf, config, objective, options), objective);
    }

    /**
     * Pre-flight checks of a SimCSE run (before Spark starts), then starts a session ({@link SparkSessions}),
     * trains and stops it. Configuration problems throw {@link IllegalArgumentException} before any task runs.
     */
    public static Result run(String master, Map<String, String> conf, TrainConfig config, Options options,
                             WorkerFunction worker) throws IOException {
        return run(check(master, conf, config, Objective.SIMCSE, options), options, worker);
    }

    /** Starts a session for a checked config, trains and stops it. */
    public static Result run(Checked checked, Options options, WorkerFunction worker) throws IOException {
        SparkSession spark = SparkSessions.getOrCreate(checked.master(), "bg2vec " + checked.objective().command(),
                checked.sparkConf());
        try {
            return train(spark, checked.config(), checked.objective(), options, worker);
        } finally {
            spark.stop();
        }
    }

    /** Trains SimCSE in an existing session (its master and conf are checked first). */
    public static Result run(SparkSession spark, TrainConfig config, Options options, WorkerFunction worker)
            throws IOException {
        return run(spark, config, Objective.SIMCSE, options, worker);
    }

    /** Trains {@code objective} with {@code worker} in an existing session (its master and conf are checked first). */
    public static Result run(SparkSession spark, TrainConfig config, Objective objective, Options options,
                             WorkerFunction worker) throws IOException {
        TrainConfig checked = preflight(spark.sparkContext().master(), sparkConf(spark), config, objective, options);
        return train(spark, checked, objective, options, worker);
    }

    private static Map<String, String> sparkConf(SparkSession spark) {
        Map<String, String> conf = new HashMap<>();
        for (scala.Tuple2<String, String> e : spark.sparkContext().getConf().getAll()) {
            conf.put(e._1(), e._2());
        }
        return conf;
    }

    private static Result train(SparkSession spark, TrainConfig config, Objective objective, Options options,
                                WorkerFunction worker) throws IOException {
        String stage = objective.command();
        String master = spark.sparkContext().master();
        Map<String, String> conf = sparkConf(spark);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        checkTrainingData(config, hadoop);
        config = TrainingWorker.withQualifiedModelPaths(config, hadoop); // resolved here, before any task starts
        DeviceRequest.Resolved device = options.device().resolve(conf);
        LOG.info("bg2vec device: {} workers run on {} ({})", stage, device.gpu() ? "GPUs" : "the CPU", device.reason());
        boolean gpu = device.gpu();
        boolean local = isLocal(master);
        int workers = config.workers();
        Checkpoints checkpoints = new Checkpoints(config.checkpointDir(), hadoop, config.keepCheckpoints());
        Set<String> before = checkpoints.markerIds();

        String driverHost = spark.sparkContext().getConf().get("spark.driver.host", "127.0.0.1");
        String token = newToken();
        long t0 = System.nanoTime();
        List<String> failures = new ArrayList<>();
        try (ProgressRelay relay = new ProgressRelay(driverHost, token, line -> LOG.info("{}", line))) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<Integer> ranks = jsc.parallelize(IntStream.range(0, workers).boxed().toList(), workers);
            for (int attempt = 1; ; attempt++) {
                TrainConfig attemptConfig = attempt == 1 ? config : retryConfig(config, checkpoints, before);
                LOG.info("{} attempt {} of {}: {} worker(s) on {} ({}), resume {}", stage, attempt,
                        config.maxAttempts(), workers, gpu ? "GPU" : "CPU", master, attemptConfig.resume());
                TrainTask.Settings settings = new TrainTask.Settings(attemptConfig.raw().toString(),
                        new HadoopConf(hadoop), gpu, local, options.connectTimeout(), options.operationTimeout(),
                        driverHost, relay.port(), token, attempt);
                String group = "bg2vec-" + stage + "-" + attempt;
                AttemptFailures failed = new AttemptFailures(group);
                spark.sparkContext().addSparkListener(failed);
                jsc.setJobGroup(group, "bg2vec " + stage + " attempt " + attempt, false);
                try {
                    List<WorkerSummary> out = new ArrayList<>(Barrier.mapPartitions(ranks,
                            new TrainTask(settings, worker), WorkerSummary.class).collect());
                    out.sort(Comparator.comparingInt(WorkerSummary::rank));
                    return finish(config, hadoop, attempt, failures, out, (System.nanoTime() - t0) / 1e9);
                } catch (Exception e) { // SparkException is checked but thrown undeclared by Scala
                    Throwable permanent = permanentCause(failed, workers);
                    String cause = permanent != null ? firstLines(permanent.toString()) : failureCause(e);
                    failures.add(cause);
                    LOG.error("{} attempt {} of {} failed: {}", stage, attempt, config.maxAttempts(), cause);
                    if (permanent != null) {
                        LOG.error("{} attempt {} failed on a configuration, model or data problem that another"
                                + " attempt would repeat: not retrying", stage, attempt);
                    }
                    if (attempt >= config.maxAttempts() || permanent != null) {
                        throw new TrainingFailedException("training failed after " + attempt + " attempt(s)"
                                + " (max_attempts " + config.maxAttempts() + ")" + (permanent != null
                                ? ", not retried" : "") + "; last cause: " + cause, failures, permanent != null, e);
                    }
                } finally {
                    jsc.clearJobGroup();
                    spark.sparkContext().removeSparkListener(failed);
                }
            }
        }
    }

    /**
     * The config of a retry: it continues from the newest verified checkpoint that an earlier attempt of this
     * job wrote; without one it starts as the first attempt did (an explicit {@code resume} path thus applies
     * to the first attempt, and to a retry only while the run has no newer checkpoint).
     */
    static TrainConfig retryConfig(TrainConfig config, Checkpoints checkpoints, Set<String> before)
            throws IOException {
        Optional<String> latest = checkpoints.latestVerifiedExcept(before);
        if (latest.isEmpty()) {
            LOG.info("retrying: no checkpoint of this run was written yet, the retry starts as the first attempt"
                    + " (resume {})", config.resume());
            return config;
        }
        LOG.info("retrying: the workers resume from {}, the latest verified checkpoint of this run", latest.get());
        return config.with("resume", latest.get());
    }

    /** The exception a task of the failed attempt threw that another attempt would repeat, or null. */
    private static Throwable permanentCause(AttemptFailures failed, int workers) {
        try {
            return failed.permanent(workers, CLASSIFY_PATIENCE) ? failed.firstPermanent() : null;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The pre-flight checks that need no Spark session; throws IllegalArgumentException listing problems.
     * Returns the config to train with ({@code micro_batch_size: "auto"} resolved by the memory plan).
     */
    public static TrainConfig preflight(String master, Map<String, String> conf, TrainConfig config,
                                        Objective objective, Options options) {
        String m = master != null ? master : System.getProperty("spark.master", "local[*]");
        Map<String, String> all = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (String.valueOf(k).startsWith("spark.")) {
                all.put(String.valueOf(k), String.valueOf(v));
            }
        });
        all.putAll(conf);
        boolean gpu = wantsGpu(options.device(), all);
        TrainingWorker.computeType(config.precision(), gpu);
        TrainConfig planned = TrainPreflight.checkMemory(objective, config, gpu, isLocal(m), new Configuration());
        TrainPreflight.check(new TrainPreflight.Setup(m, all, planned.workers(), gpu && !isLocal(m),
                Runtime.getRuntime().availableProcessors()));
        if (config.trainData() == null) {
            throw new IllegalArgumentException("train_data is not set: point it at a directory written by"
                    + " 'bg2vec prepare'");
        }
        return planned;
    }

    /** Training data readable: the manifest parses and every train file exists. */
    static void checkTrainingData(TrainConfig config, Configuration hadoop) {
        try {
            Manifest manifest = Manifest.read(config.trainData(), hadoop);
            for (Path f : manifest.split(PreparedData.TRAIN).files()) {
                FileSystem fs = f.getFileSystem(hadoop);
                if (!fs.exists(f)) {
                    throw new IOException(config.trainData() + "/manifest.json lists " + f + ", which does not exist");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("training data " + config.trainData() + " is not readable: "
                    + e.getMessage(), e);
        }
    }

    private static Result finish(TrainConfig config, Configuration hadoop, int attempt, List<String> failures,
                                 List<WorkerSummary> out, double seconds) throws IOException {
        Path metrics = WorkerMetrics.write(config.outputDir(), hadoop, out);
        for (WorkerSummary w : out) {
            LOG.info(String.format(java.util.Locale.ROOT, "rank %d (%s%s): %d steps this attempt, mean step %.3f s,"
                            + " slowest %.3f s, %.3f s in collectives", w.rank(), w.host(),
                    w.gpu() == null ? "" : " GPU " + w.gpu(), w.stepsRun(), w.meanStepSeconds(), w.maxStepSeconds(),
                    w.collectiveSeconds()));
        }
        String adapter = out.get(0).adapterDir();
        LOG.info("training finished after {} attempt(s) in {} s: adapter {}, metrics {} and {}/metrics.jsonl,"
                + " loss curve {}/loss.png", attempt, String.format("%.1f", seconds), adapter, metrics,
                config.outputDir(), config.outputDir());
        return new Result(attempt, List.copyOf(failures), List.copyOf(out), adapter, config.outputDir(),
                metrics.toString(), seconds);
    }

    static boolean wantsGpu(DeviceRequest device, Map<String, String> conf) {
        return device.resolve(conf).gpu();
    }

    static boolean isLocal(String master) {
        return master != null && master.strip().startsWith("local");
    }

    /**
     * The cause of a failed attempt in a few lines: Spark puts the failed task's exception and its stack
     * trace into the job failure's message; keep the message lines and drop the stack frames.
     */
    static String failureCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return firstLines(t.getMessage() == null ? t.getClass().getName() : t.getMessage());
    }

    /** The first three message lines of a failure text, without stack frames. */
    static String firstLines(String msg) {
        List<String> kept = new ArrayList<>();
        for (String line : msg.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("Caused by")
                    && kept.size() < 3) {
                kept.add(line.strip());
            }
        }
        return String.join(" | ", kept);
    }

    private static String newToken() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
