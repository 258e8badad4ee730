package org.bg2vec.train;

import ai.djl.ndarray.NDManager;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.TimedCollective;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.progress.StepPhases;
import org.bg2vec.train.checkpoint.Checkpoints;
import org.bg2vec.train.checkpoint.CorruptCheckpointException;
import org.bg2vec.train.checkpoint.HadoopFiles;
import org.bg2vec.train.checkpoint.RunIdentity;
import org.bg2vec.train.checkpoint.TrainingState;
import org.bg2vec.train.data.BatchCollator;
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

/**
 * The SimCSE training loop of one worker (rank r of W, the {@link Collective}'s size). Every worker
 * runs this with its own model copy; it reads only its slice of each global batch, and
 * {@link GradCacheStep} makes the summed gradient exactly the single-process gradient of the global
 * batch, so W workers train the same model as one. After the gradient: skip on inf/nan (dynamic
 * loss scaling in fp16), global-norm clipping, AdamW with HF's linear schedule. Rank 0 writes
 * checkpoints, metrics, the final adapter ({@code output_dir/adapter}) and the loss curve
 * ({@code output_dir/loss.png}); all ranks resume from the same checkpoint.
 */
public final class SimCseTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SimCseTrainer.class);
    private static final int MAX_CONSECUTIVE_SKIPS = 25;
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
    private final TrainableEncoder encoder;
    private final ContrastiveLoss loss;
    private final TimedCollective collective;
    /** {@link TimedCollective#nanosInCollectives()} at the last step's metrics. */
    private long collectiveNanosSeen;
    private final ModelFacts model;
    private final Configuration hadoop;
    private final StepListener listener;
    private final int rank;

    private SimCseTrainer(TrainConfig config, TrainableEncoder encoder, ContrastiveLoss loss, Collective collective,
                          ModelFacts model, Configuration hadoop, StepListener listener) {
        this.config = config;
        this.encoder = encoder;
        this.loss = loss;
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
    public static Result run(TrainConfig config, TrainableEncoder encoder, ContrastiveLoss loss, Collective collective,
                             ModelFacts model) throws IOException {
        return run(config, encoder, loss, collective, model, new Configuration(), (r, m) -> { });
    }

    /**
     * Trains this worker until {@code min(horizon, stop_after_n_steps)} steps, resuming as {@code resume}
     * says (default: from the latest verified checkpoint of {@code checkpoint_dir}, if any, provided it
     * belongs to this run).
     */
    public static Result run(TrainConfig config, TrainableEncoder encoder, ContrastiveLoss loss, Collective collective,
                             ModelFacts model, Configuration hadoop, StepListener listener) throws IOException {
        SimCseTrainer trainer = new SimCseTrainer(config, encoder, loss, collective, model, hadoop, listener);
        try {
            return trainer.train();
        } catch (IOException | RuntimeException | Error e) {
            // peers blocked in a collective fail now instead of waiting for their timeout
            collective.abort("rank " + collective.rank() + " failed: " + e);
            throw e;
        }
    }

    private Result train() throws IOException {
        int workers = collective.size();
        int global = config.globalBatchSize();
        if (global % workers != 0 || (global / workers) % config.microBatchSize() != 0) {
            throw new IllegalArgumentException("global_batch_size " + global + " with " + workers
                    + " workers and micro_batch_size " + config.microBatchSize()
                    + ": the batch must split into equal slices that are multiples of the micro-batch size");
        }
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
        LinearSchedule schedule = LinearSchedule.of(config, stepsPerEpoch);
        long totalSteps = Math.min(schedule.horizon(), config.stopAfterNSteps());

        TrainableVector params = new TrainableVector(encoder.trainableParameters());
        float[] master = params.values();
        AdamW adam = new AdamW(params.size(), config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                config.weightDecay());
        DynamicLossScaler scaler = DynamicLossScaler.of(config);
        Checkpoints checkpoints = new Checkpoints(config.checkpointDir(), hadoop, config.keepCheckpoints());
        TrainingState state = TrainingState.initial(scaler.scale());
        RunIdentity run = null;
        if (rank == 0) {
            checkpoints.removeLeftovers();
            removeLeftoverOutputs();
            run = RunFingerprint.of(config, manifest, hadoop);
        }
        Checkpoints.Loaded resumed = resume(checkpoints, run);
        String resumedFrom = null;
        if (resumed != null) {
            String mismatch = resumed.mismatch(params.parameters(), params.size());
            if (mismatch != null) {
                throw new PermanentFailureException(PermanentFailureException.Kind.MODEL_MISMATCH, mismatch);
            }
            master = resumed.values();
            params.setValues(master);
            adam.restore(resumed.optimizerSteps(), resumed.firstMoment(), resumed.secondMoment());
            scaler.restore(resumed.state().lossScale(), resumed.state().goodSteps());
            state = resumed.state();
            resumedFrom = resumed.path();
            LOG.info("rank {}: resumed from {} at step {} (epoch {}, batch {})", rank, resumedFrom, state.step(),
                    state.cursor().epoch(), state.cursor().batch());
        }
        if (rank == 0) {
            run = run.withRunId(resumed != null ? resumed.run().runId() : RunIdentity.newRunId());
            LOG.info("run {} (fingerprint {})", run.runId(), run.fingerprint().substring(0, 16));
            LOG.info("SimCSE training: {} samples, {} steps per epoch of {} samples, decay horizon {} steps,"
                            + " running {} steps; {} worker(s), slice {}, micro-batch {}, {} trainable values, {};"
                            + " independent cropping: {}",
                    rows, stepsPerEpoch, global, schedule.horizon(), totalSteps, workers, global / workers,
                    config.microBatchSize(), params.size(), config.precision(), config.independentCropping());
        }
        MetricsLog metrics = rank == 0 ? new MetricsLog(config.outputDir(), hadoop, state.step()) : null;
        GradCacheStep step = new GradCacheStep(encoder, loss, collective, params,
                new BatchCollator(model.padTokenId()), global, config.microBatchSize(), config.seed());
        String lastCheckpoint = resumedFrom;
        double lastLoss = Double.NaN;
        int consecutiveSkips = 0;
        Window window = new Window();
        NDManager manager = params.parameters().get(0).array().getManager().newSubManager();
        try (manager; GlobalBatches batches = new GlobalBatches(reader, groups, config.seed(),
                config.shuffleBufferSize(), global, rank, workers, state.cursor())) {
            while (state.step() < totalSteps) {
                long t0 = System.nanoTime();
                long phase = StepPhases.begin();
                GlobalBatches.Batch batch = batches.next();
                List<TrainSample> slice = config.independentCropping().apply(batch.slice(), config.seed(), state.step());
                StepPhases.end(StepPhases.Phase.DATA, phase);
                GradCacheStep.Result r = step.run(manager, slice, state.step(), scaler.scale());
                phase = StepPhases.begin();
                float[] grads = r.gradients();
                boolean finite = Double.isFinite(r.loss()) && GradientClipping.allFinite(grads);
                double lr = 0;
                double norm = Double.NaN;
                double usedScale = scaler.scale();
                if (scaler.update(finite)) {
                    if (usedScale != 1.0) {
                        float inv = (float) (1.0 / usedScale);
                        for (int i = 0; i < grads.length; i++) {
                            grads[i] *= inv;
                        }
                    }
                    norm = GradientClipping.clip(grads, config.maxGradNorm());
                    lr = schedule.learningRate(adam.step());
                    adam.update(master, grads, lr);
                    phase = StepPhases.end(StepPhases.Phase.CLIP_AND_ADAMW, phase);
                    params.setValues(master);
                    StepPhases.end(StepPhases.Phase.WRITE_BACK, phase);
                    consecutiveSkips = 0;
                } else if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                    throw new PermanentFailureException(PermanentFailureException.Kind.DIVERGED,
                            "non-finite gradients in " + consecutiveSkips
                            + " consecutive steps (last loss " + r.loss() + ", loss scale " + scaler.scale()
                            + "): training diverged; lower learning_rate or check the data");
                }
                lastLoss = r.loss();
                GlobalBatches.Cursor next = new GlobalBatches.Cursor(batch.cursor().epoch(), batch.cursor().batch() + 1);
                state = new TrainingState(state.step() + 1, next, scaler.scale(), scaler.goodSteps(),
                        state.skippedSteps() + (finite ? 0 : 1));
                StepMetrics m = gatherMetrics(state, totalSteps, batch.cursor().epoch(), r, lr, norm, usedScale,
                        !finite, (System.nanoTime() - t0) / 1e9);
                if (rank == 0) {
                    metrics.train(m);
                    window.add(m);
                    if (state.step() % config.loggingSteps() == 0 || state.step() == totalSteps || !finite) {
                        LOG.info(window.line(m));
                        window.reset();
                        metrics.flush();
                    }
                }
                listener.onStep(rank, m);
                if (config.evalSteps() > 0 && state.step() % config.evalSteps() == 0) {
                    evaluate(manager, step, state.step(), metrics);
                }
                if (state.step() % config.saveSteps() == 0 || state.step() == totalSteps) {
                    if (rank == 0) {
                        lastCheckpoint = checkpoints.save(state, adam.step(), params.parameters(), master,
                                adam.firstMoment(), adam.secondMoment(), config.raw(), encoder, run);
                        metrics.flush();
                        LOG.info("checkpoint {} written", lastCheckpoint);
                    }
                }
            }
        }
        String adapterDir = null;
        if (rank == 0) {
            adapterDir = finish(metrics);
        }
        collective.barrier();
        return new Result(state.step(), lastLoss, state.skippedSteps(), adapterDir, lastCheckpoint, resumedFrom);
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

    private StepMetrics gatherMetrics(TrainingState state, long totalSteps, int epoch, GradCacheStep.Result r,
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

    private void evaluate(NDManager manager, GradCacheStep step, long atStep, MetricsLog metrics) throws IOException {
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
        try (GlobalBatches batches = new GlobalBatches(reader, groups, config.seed(), config.shuffleBufferSize(),
                config.globalBatchSize(), rank, collective.size(), new GlobalBatches.Cursor(0, 0))) {
            for (int i = 0; i < batchesToRun; i++) {
                sum += step.evaluate(manager, config.independentCropping().apply(batches.next().slice(),
                        config.seed(), IndependentCropping.VALIDATION_STEP));
            }
        }
        double mean = sum / batchesToRun;
        if (rank == 0) {
            LOG.info("validation at step {}: loss {} over {} batches", atStep, String.format("%.4f", mean), batchesToRun);
            metrics.eval(atStep, mean, batchesToRun);
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
