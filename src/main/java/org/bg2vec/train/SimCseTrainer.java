package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.TimedCollective;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.Trainable;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.progress.StepPhases;
import org.bg2vec.train.checkpoint.Checkpoints;
import org.bg2vec.train.checkpoint.CorruptCheckpointException;
import org.bg2vec.io.HadoopFiles;
import org.bg2vec.train.checkpoint.RunIdentity;
import org.bg2vec.train.checkpoint.TrainingState;
import org.bg2vec.train.data.GlobalBatches;
import org.bg2vec.train.data.IndependentCropping;
import org.bg2vec.train.data.Manifest;
import org.bg2vec.train.data.ParquetSamples;
import org.bg2vec.train.data.TrainSample;
import org.bg2vec.train.metrics.LossCurve;
import org.bg2vec.train.metrics.MetricsLog;
import org.bg2vec.train.metrics.StepMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training loop of one worker (rank r of W, the {@link Collective}'s size), for SimCSE and, with another
 * {@link TrainingStep}, MNTP. Every worker runs this with its own model copy; it reads only its slice of each
 * global batch, and the step ({@link GradCacheStep} for SimCSE) makes the summed gradient exactly the
 * single-process gradient of the global batch, so W workers train the same model as one. After the gradient:
 * skip on inf/nan (dynamic loss scaling in fp16), global-norm clipping, AdamW with HF's linear schedule. Rank 0 writes
 * checkpoints, metrics, the final adapter ({@code output_dir/adapter}) and the loss curve
 * ({@code output_dir/loss.png}); all ranks resume from the same checkpoint.
 */
public final class SimCseTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SimCseTrainer.class);
    /** Rank 0's resume decisions, broadcast as a long: a step of checkpoint_dir (&ge; 0) or one of these. */
    private static final long START_OVER = -1;
    private static final long CONFIGURED_PATH = -2;
    private static final long REFUSED = -3;

    /** Called on every rank after every step (rank 0's metrics carry every rank's timings). */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int rank, StepMetrics metrics);
    }

    /** The outcome of a run on this rank. */
    public record Result(long steps, double lastLoss, long skippedSteps, String adapterDir, String lastCheckpoint,
                         String resumedFrom) {
    }

    private final TrainConfig config;
    private final Trainable encoder;
    private final TrainingStep.Factory steps;
    private final TimedCollective collective;
    /** {@link TimedCollective#nanosInCollectives()} at the last step's metrics. */
    private long collectiveNanosSeen;
    private final ModelFacts model;
    private final Configuration hadoop;
    private final StepListener listener;
    private final int rank;
    /** The loss of the last step run, and the last checkpoint written or resumed from. */
    private double lastLoss = Double.NaN;
    private String lastCheckpoint;

    private SimCseTrainer(TrainConfig config, Trainable encoder, TrainingStep.Factory steps, Collective collective,
                          ModelFacts model, Configuration hadoop, StepListener listener) {
        this.config = config;
        this.encoder = encoder;
        this.steps = steps;
        this.collective = new TimedCollective(collective);
        this.model = model;
        this.hadoop = hadoop;
        this.listener = listener;
        this.rank = collective.rank();
    }

    /** Seconds spent in collective operations since the previous call. */
    private double takeCollectiveSeconds() {
        long now = collective.nanosInCollectives();
        double s = (now - collectiveNanosSeen) / 1e9;
        collectiveNanosSeen = now;
        return s;
    }

    /** Trains with the default Hadoop configuration and no step listener. */
    public static Result run(TrainConfig config, TrainableEncoder encoder, HardNegativeNLLLoss loss, Collective collective,
                             ModelFacts model) throws IOException {
        return run(config, encoder, loss, collective, model, new Configuration(), (r, m) -> { });
    }

    /**
     * Trains this worker until {@code min(horizon, stop_after_n_steps)} steps, resuming as {@code resume}
     * says (default: from the latest verified checkpoint of {@code checkpoint_dir}, if any, provided it
     * belongs to this run).
     */
    public static Result run(TrainConfig config, TrainableEncoder encoder, HardNegativeNLLLoss loss, Collective collective,
                             ModelFacts model, Configuration hadoop, StepListener listener) throws IOException {
        return run(config, encoder, new SimCseSteps(config, encoder, loss, model), collective, model, hadoop, listener);
    }

    /** Trains {@code trainable} with the steps {@code steps} makes (another objective than SimCSE, e.g. MNTP). */
    public static Result run(TrainConfig config, Trainable trainable, TrainingStep.Factory steps, Collective collective,
                             ModelFacts model, Configuration hadoop, StepListener listener) throws IOException {
        SimCseTrainer trainer = new SimCseTrainer(config, trainable, steps, collective, model, hadoop, listener);
        try {
            return trainer.train();
        } catch (IOException | RuntimeException | Error e) {
            // peers blocked in a collective fail now instead of waiting for their timeout
            collective.abort("rank " + collective.rank() + " failed: " + e);
            throw e;
        }
    }

    private Result train() throws IOException {
        TrainingData data = openTrainingData();
        LinearSchedule schedule = LinearSchedule.of(config, data.stepsPerEpoch());
        long totalSteps = Math.min(schedule.horizon(), config.stopAfterNSteps());
        StepOptimizer optimizer = new StepOptimizer(config, new TrainableVector(encoder.trainableParameters()),
                schedule);
        Checkpoints checkpoints = new Checkpoints(config.checkpointDir(), hadoop, config.keepCheckpoints());
        Start start = start(checkpoints, data.manifest(), optimizer);
        if (rank == 0) {
            logPlan(start.run(), data, schedule.horizon(), totalSteps, optimizer.params().size());
        }
        MetricsLog metrics = rank == 0 ? new MetricsLog(config.outputDir(), hadoop, start.state().step()) : null;
        TrainingStep step = steps.create(optimizer.params(), collective);
        TrainingState state = start.state();
        lastCheckpoint = start.resumedFrom();
        Window window = new Window();
        NDManager manager = optimizer.params().parameters().get(0).array().getManager().newSubManager();
        try (optimizer; manager; GlobalBatches batches = new GlobalBatches(data.reader(), data.groups(), config.seed(),
                config.shuffleBufferSize(), config.globalBatchSize(), rank, collective.size(), state.cursor())) {
            while (state.step() < totalSteps) {
                state = runStep(step, manager, batches, state, totalSteps, optimizer, metrics, window);
                if (config.evalSteps() > 0 && state.step() % config.evalSteps() == 0) {
                    evaluate(manager, step, state.step(), metrics);
                }
                if (rank == 0 && (state.step() % config.saveSteps() == 0 || state.step() == totalSteps)) {
                    lastCheckpoint = optimizer.save(checkpoints, state, encoder, start.run());
                    metrics.flush();
                    LOG.info("checkpoint {} written", lastCheckpoint);
                }
            }
        }
        String adapterDir = rank == 0 ? finish(metrics) : null;
        collective.barrier();
        return new Result(state.step(), lastLoss, state.skippedSteps(), adapterDir, lastCheckpoint,
                start.resumedFrom());
    }

    /** The training split of {@code train_data}: its manifest, reader, row groups and steps per epoch. */
    private record TrainingData(Manifest manifest, ParquetSamples reader, List<ParquetSamples.RowGroup> groups,
                                long rows, long stepsPerEpoch) {
    }

    private TrainingData openTrainingData() throws IOException {
        int global = config.globalBatchSize();
        BatchSplit.sliceSize(global, collective.size(), config.microBatchSize());
        if (config.trainData() == null) {
            throw new IllegalArgumentException("train_data is not set: point it at a directory written by 'bg2vec prepare'");
        }
        Manifest manifest = Manifest.read(config.trainData(), hadoop);
        manifest.checkCompatible(model.tokenizerSha256(), config.maxSeqLength());
        ParquetSamples reader = new ParquetSamples(hadoop, manifest.vocabSize(), manifest.maxSeqLength());
        List<ParquetSamples.RowGroup> groups = reader.rowGroups(manifest.split("train").files());
        long rows = groups.stream().mapToLong(ParquetSamples.RowGroup::rows).sum();
        long declared = manifest.split("train").samples();
        if (declared >= 0 && declared != rows && rank == 0) {
            LOG.warn("{}/manifest.json declares {} training samples but its Parquet files hold {} rows; using the files",
                    config.trainData(), declared, rows);
        }
        long stepsPerEpoch = rows / global;
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException("the training data in " + config.trainData() + " has " + rows
                    + " samples, fewer than global_batch_size " + global);
        }
        return new TrainingData(manifest, reader, groups, rows, stepsPerEpoch);
    }

    /** Where training starts: the state, this run's identity (rank 0 only) and the checkpoint resumed, if any. */
    private record Start(TrainingState state, RunIdentity run, String resumedFrom) {
    }

    private Start start(Checkpoints checkpoints, Manifest manifest, StepOptimizer optimizer) throws IOException {
        RunIdentity run = null;
        if (rank == 0) {
            checkpoints.removeLeftovers();
            removeLeftoverOutputs();
            run = RunFingerprint.of(config, steps.settings(), manifest, hadoop);
        }
        TrainingState state = TrainingState.initial(optimizer.scale());
        Checkpoints.Loaded resumed = resume(checkpoints, run);
        String resumedFrom = null;
        if (resumed != null) {
            optimizer.restore(resumed);
            state = resumed.state();
            resumedFrom = resumed.path();
            LOG.info("rank {}: resumed from {} at step {} (epoch {}, batch {})", rank, resumedFrom, state.step(),
                    state.cursor().epoch(), state.cursor().batch());
        }
        if (rank == 0) {
            run = run.withRunId(resumed != null ? resumed.run().runId() : RunIdentity.newRunId());
            LOG.info("run {} (fingerprint {})", run.runId(), run.fingerprint().substring(0, 16));
        }
        return new Start(state, run, resumedFrom);
    }

    private void logPlan(RunIdentity run, TrainingData data, long horizon, long totalSteps, long trainableValues) {
        int global = config.globalBatchSize();
        int workers = collective.size();
        LOG.info("{} training: {} samples, {} steps per epoch of {} samples, decay horizon {} steps,"
                        + " running {} steps; {} worker(s), slice {}, micro-batch {}, {} trainable values, {};"
                        + " independent cropping: {}",
                steps.name(), data.rows(), data.stepsPerEpoch(), global, horizon, totalSteps, workers,
                global / workers, config.microBatchSize(), trainableValues, config.precision(),
                config.independentCropping());
    }

    /** One optimizer step on the next global batch: gradient, update, metrics and progress; returns the new state. */
    private TrainingState runStep(TrainingStep step, NDManager manager, GlobalBatches batches, TrainingState state,
                                  long totalSteps, StepOptimizer optimizer, MetricsLog metrics, Window window)
            throws IOException {
        long t0 = System.nanoTime();
        long phase = StepPhases.begin();
        GlobalBatches.Batch batch = batches.next();
        List<TrainSample> slice = config.independentCropping().apply(batch.slice(), config.seed(), state.step());
        StepPhases.end(StepPhases.Phase.DATA, phase);
        TrainingStep.Result r = step.run(manager, slice, state.step(), optimizer.scale());
        StepOptimizer.Applied u;
        try (NDArray gradients = r.gradients()) {
            u = optimizer.apply(gradients, r.loss());
        }
        lastLoss = r.loss();
        GlobalBatches.Cursor next = new GlobalBatches.Cursor(batch.cursor().epoch(), batch.cursor().batch() + 1);
        TrainingState after = new TrainingState(state.step() + 1, next, optimizer.scale(), optimizer.goodSteps(),
                state.skippedSteps() + (u.finite() ? 0 : 1));
        StepMetrics m = gatherMetrics(after, totalSteps, batch.cursor().epoch(), r, u.learningRate(), u.gradNorm(),
                u.usedScale(), !u.finite(), (System.nanoTime() - t0) / 1e9);
        if (rank == 0) {
            metrics.train(m);
            window.add(m);
            if (after.step() % config.loggingSteps() == 0 || after.step() == totalSteps || !u.finite()) {
                LOG.info(window.line(m));
                window.reset();
                metrics.flush();
            }
        }
        listener.onStep(rank, m);
        return after;
    }

    /**
     * The checkpoint every rank continues from, loaded and verified, or null to start over. Rank 0 decides
     * (and checks the checkpoint belongs to this run); a refusal fails every rank with the same permanent error.
     */
    private Checkpoints.Loaded resume(Checkpoints checkpoints, RunIdentity run) throws IOException {
        Checkpoints.Loaded chosen = null;
        long decision = START_OVER;
        if (rank == 0) {
            try {
                chosen = choose(checkpoints, run);
            } catch (PermanentFailureException e) {
                broadcast(REFUSED);
                throw e;
            }
            decision = chosen == null ? START_OVER : config.resume().kind() == Resume.Kind.CHECKPOINT
                    ? CONFIGURED_PATH : chosen.state().step();
        }
        decision = broadcast(decision);
        if (decision == REFUSED) {
            throw new PermanentFailureException(PermanentFailureException.Kind.CONFIGURATION,
                    "rank 0 refused to resume (see its error): resume " + config.resume());
        }
        if (rank == 0 || decision == START_OVER) {
            return chosen;
        }
        return checkpoints.load(decision == CONFIGURED_PATH ? config.resume().checkpoint() : checkpoints.path(decision));
    }

    private long broadcast(long value) {
        ByteBuffer b = ByteBuffer.allocate(8);
        b.putLong(0, value);
        collective.broadcast(b, 0);
        return b.getLong(0);
    }

    /** Rank 0: the checkpoint {@code resume} names, verified and checked against this run's identity. */
    private Checkpoints.Loaded choose(Checkpoints checkpoints, RunIdentity run) throws IOException {
        Resume resume = config.resume();
        Checkpoints.Loaded c;
        switch (resume.kind()) {
            case NEVER -> {
                warnAboutOtherRuns(checkpoints);
                return null;
            }
            case LATEST -> c = checkpoints.loadLatest().orElse(null);
            default -> {
                try {
                    c = checkpoints.load(resume.checkpoint());
                } catch (CorruptCheckpointException | java.io.FileNotFoundException e) {
                    throw new PermanentFailureException(PermanentFailureException.Kind.CORRUPT_CHECKPOINT,
                            "cannot resume from " + resume.checkpoint() + ": " + e.getMessage(), e);
                }
            }
        }
        if (c != null) {
            checkSameRun(c, run, resume.force());
        }
        return c;
    }

    /**
     * Another run's checkpoint (other training settings, base model, adapter or data) is refused unless
     * {@code resume_force}: its optimizer state and data position would not continue this training.
     */
    private static void checkSameRun(Checkpoints.Loaded c, RunIdentity run, boolean force) {
        List<String> changed = c.run().differences(run);
        if (changed.isEmpty()) {
            return;
        }
        if (force) {
            LOG.warn("resuming from {} of another run ({}) because resume_force is set", c.path(), changed);
            return;
        }
        boolean settings = changed.stream().anyMatch(d -> !d.startsWith("model ") && !d.startsWith("adapter ")
                && !d.startsWith("data "));
        boolean data = changed.stream().anyMatch(d -> d.startsWith("data "));
        PermanentFailureException.Kind kind = settings ? PermanentFailureException.Kind.CONFIGURATION
                : data ? PermanentFailureException.Kind.DATA_CHANGED : PermanentFailureException.Kind.MODEL_MISMATCH;
        throw new PermanentFailureException(kind, "cannot resume from " + c.path() + ": it belongs to another run"
                + " (" + String.join("; ", changed) + "). Restore these settings, model and data; or start over with"
                + " \"resume\": \"never\" and a fresh checkpoint_dir; or set \"resume_force\": true to continue"
                + " from it anyway");
    }

    /** With {@code resume: never}: this run's checkpoints will replace another run's of the same step. */
    private void warnAboutOtherRuns(Checkpoints checkpoints) throws IOException {
        List<Long> steps = checkpoints.steps();
        if (!steps.isEmpty()) {
            LOG.warn("resume is 'never' but {} holds checkpoints of other runs (steps {}): they are kept (pruning only"
                    + " removes this run's), but this run's checkpoints replace theirs at equal steps; use a fresh"
                    + " checkpoint_dir", config.checkpointDir(), steps);
        }
    }

    /** Rank 0: removes the hidden copies of outputs that a killed run left in output_dir. */
    private void removeLeftoverOutputs() throws IOException {
        Path out = new Path(config.outputDir());
        for (Path p : HadoopFiles.removeLeftoverTemps(HadoopFiles.fileSystem(out, hadoop), out, null)) {
            LOG.warn("removed {}, an unfinished output copy left by an interrupted run", p);
        }
    }

    private StepMetrics gatherMetrics(TrainingState state, long totalSteps, int epoch, TrainingStep.Result r,
                                      double lr, double norm, double scale, boolean skipped, double seconds) {
        int w = collective.size();
        float[] mine = {(float) seconds, (float) takeCollectiveSeconds(), (float) r.tokens()};
        float[] all = new float[3 * w];
        collective.allGather(FloatBuffer.wrap(mine), FloatBuffer.wrap(all));
        float[] times = new float[w];
        float[] coll = new float[w];
        long tokens = 0;
        for (int i = 0; i < w; i++) {
            times[i] = all[3 * i];
            coll[i] = all[3 * i + 1];
            tokens += (long) all[3 * i + 2];
        }
        return new StepMetrics(state.step(), totalSteps, epoch, r.loss(), lr, norm, scale, skipped, times, coll,
                tokens, config.globalBatchSize());
    }

    private void evaluate(NDManager manager, TrainingStep step, long atStep, MetricsLog metrics) throws IOException {
        Manifest m = Manifest.read(config.validationData(), hadoop);
        Manifest.Split split = m.splits().get("validation");
        if (split == null || split.files().isEmpty()) {
            if (rank == 0) {
                LOG.warn("eval_steps is set but {} has no validation split: skipping validation", config.validationData());
            }
            return;
        }
        m.checkCompatible(model.tokenizerSha256(), config.maxSeqLength());
        ParquetSamples reader = new ParquetSamples(hadoop, m.vocabSize(), m.maxSeqLength());
        List<ParquetSamples.RowGroup> groups = reader.rowGroups(split.files());
        long available = groups.stream().mapToLong(ParquetSamples.RowGroup::rows).sum() / config.globalBatchSize();
        int batchesToRun = (int) Math.min(config.evalBatches(), available);
        if (batchesToRun == 0) {
            if (rank == 0) {
                LOG.warn("the validation split has fewer samples than global_batch_size: skipping validation");
            }
            return;
        }
        double sum = 0;
        Map<String, Double> sums = new TreeMap<>();
        try (GlobalBatches batches = new GlobalBatches(reader, groups, config.seed(), config.shuffleBufferSize(),
                config.globalBatchSize(), rank, collective.size(), new GlobalBatches.Cursor(0, 0))) {
            for (int i = 0; i < batchesToRun; i++) {
                TrainingStep.Validation v = step.evaluate(manager, config.independentCropping().apply(
                        batches.next().slice(), config.seed(), IndependentCropping.VALIDATION_STEP));
                sum += v.loss();
                v.metrics().forEach((k, x) -> sums.merge(k, x, Double::sum));
            }
        }
        double mean = sum / batchesToRun;
        Map<String, Double> means = new TreeMap<>();
        sums.forEach((k, x) -> means.put(k, x / batchesToRun));
        means.putAll(step.derivedMetrics(mean));
        if (rank == 0) {
            LOG.info("validation at step {}: loss {} over {} batches{}", atStep, String.format("%.4f", mean),
                    batchesToRun, means.isEmpty() ? "" : " " + means);
            metrics.eval(atStep, mean, batchesToRun, means);
            metrics.flush();
        }
    }

    /** Rank 0: the final adapter, metrics and loss curve in output_dir. */
    private String finish(MetricsLog metrics) throws IOException {
        Path out = new Path(config.outputDir());
        var fs = HadoopFiles.fileSystem(out, hadoop);
        java.nio.file.Path local = Files.createTempDirectory("bg2vec-final-");
        try {
            encoder.saveAdapter(local.resolve("adapter"));
            HadoopFiles.publish(fs, local.resolve("adapter"), new Path(out, "adapter"));
            java.nio.file.Path png = local.resolve("loss.png");
            LossCurve.write(png, metrics.series("train"), metrics.series("eval"));
            if (Files.exists(png)) {
                HadoopFiles.publish(fs, png, new Path(out, "loss.png"));
            }
            metrics.flush();
        } finally {
            HadoopFiles.deleteLocal(local);
        }
        String adapter = new Path(out, "adapter").toString();
        LOG.info("adapter written to {}; metrics.jsonl and loss.png in {}", adapter, out);
        return adapter;
    }

    /** Averages over the steps since the last progress line. */
    private static final class Window {
        private double lossSum;
        private int lossCount;
        private double seconds;
        private int steps;
        private long samples;
        private long tokens;

        void add(StepMetrics m) {
            if (!m.skipped()) {
                lossSum += m.loss();
                lossCount++;
            }
            seconds += m.wallSeconds();
            steps++;
            samples += m.samples();
            tokens += m.tokens();
        }

        String line(StepMetrics m) {
            return ProgressLine.format(m, lossCount == 0 ? Double.NaN : lossSum / lossCount, seconds / steps,
                    samples, tokens, seconds);
        }

        void reset() {
            lossSum = 0;
            lossCount = 0;
            seconds = 0;
            steps = 0;
            samples = 0;
            tokens = 0;
        }
    }
}
