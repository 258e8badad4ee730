package org.bg2vec.spark;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.bg2vec.collective.Announcement;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.CollectiveEndpoint;
import org.bg2vec.collective.NcclCollective;
import org.bg2vec.collective.PeerTable;
import org.bg2vec.collective.Rendezvous;
import org.bg2vec.collective.TcpCollective;
import org.bg2vec.collective.TimedCollective;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.progress.ProgressClient;
import org.bg2vec.train.SimCseTrainer;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.WorkerEnvironment;
import org.bg2vec.train.metrics.StepMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The body of one barrier task of {@link TrainJob}: rank = partition id; bind a collective endpoint,
 * announce it through {@code BarrierTaskContext.allGather} (rank 0 adds the job secret and, on GPU, the
 * NCCL unique id), check the announcements ({@link Rendezvous}), connect the collective (TCP ring on CPU,
 * NCCL on GPU), run the {@link WorkerFunction}, abort the collective on failure. Rank 0 sends a line per
 * step to the driver's progress relay.
 */
final class TrainTask implements FlatMapFunction<Iterator<Integer>, WorkerSummary> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainTask.class);

    /** Everything a task needs besides the worker function (travels in the closure). */
    record Settings(String configJson, HadoopConf hadoop, boolean gpu, boolean localMode, Duration connectTimeout,
                    Duration operationTimeout, String progressHost, int progressPort, String progressToken,
                    int attempt) implements java.io.Serializable {
    }

    private final Settings s;
    private final WorkerFunction worker;

    TrainTask(Settings settings, WorkerFunction worker) {
        this.s = settings;
        this.worker = worker;
    }

    @Override
    public Iterator<WorkerSummary> call(Iterator<Integer> ignored) throws Exception {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        int workers = ctx.getTaskInfos().length;
        TrainConfig config = TrainConfig.parse(s.configJson());
        String host = hostOf(ctx.getTaskInfos()[rank].address());
        ComputeDevice device = GpuAssignment.forTask(ctx, s.gpu(), s.localMode(), workers > 1, "rank " + rank);
        String gpu = !device.isGpu() ? null
                : device.sparkAddress() != null ? device.sparkAddress() : Integer.toString(device.cudaOrdinal());
        Collective collective = connect(ctx, rank, workers, host, gpu, device);
        TimedCollective timed = new TimedCollective(collective);
        Consumer<String> progress = rank == 0 ? ProgressClient.connect(s.progressHost(), s.progressPort(),
                s.progressToken()) : line -> { };
        List<Double> stepTimes = new ArrayList<>();
        SimCseTrainer.StepListener listener = (r, m) -> {
            stepTimes.add((double) m.stepSeconds()[r]);
            if (r == 0) {
                progress.accept(progressLine(s.attempt(), m));
            }
        };
        SimCseTrainer.Result result;
        try {
            result = worker.train(config, timed, listener, new WorkerEnvironment(s.hadoop().get(), device,
                    ModelCaches.forThisExecutor(s.hadoop().get())));
        } catch (Throwable t) {
            timed.abort("rank " + rank + " (" + host + ") failed: " + t);
            throw t;
        } finally {
            timed.close();
            if (progress instanceof AutoCloseable c) {
                c.close();
            }
        }
        double[] times = stepTimes.stream().mapToDouble(Double::doubleValue).toArray();
        return List.of(new WorkerSummary(rank, s.attempt(), host, gpu, result.steps(), times.length,
                timed.nanosInCollectives() / 1e9, times, result.adapterDir(), result.resumedFrom())).iterator();
    }

    private Collective connect(BarrierTaskContext ctx, int rank, int workers, String host, String gpu,
                               ComputeDevice device) {
        CollectiveEndpoint endpoint = CollectiveEndpoint.bind("0.0.0.0", 0);
        try {
            String secret = rank == 0 ? PeerTable.encodeSecret(PeerTable.newSecret()) : null;
            String ncclId = rank == 0 && gpu != null && workers > 1 ? NcclCollective.newUniqueId().toBase64() : null;
            String mine = new Announcement(rank, host, endpoint.port(), gpu, secret, ncclId).encode();
            List<String> all = List.of(ctx.allGather(mine));
            PeerTable table = Rendezvous.peerTable(rank, all, s.connectTimeout(), s.operationTimeout());
            if (gpu == null || workers == 1) {
                LOG.info("rank {} of {}: CPU collective on {}:{}", rank, workers, host, endpoint.port());
                return TcpCollective.connect(endpoint, table);
            }
            endpoint.close();
            LOG.info("rank {} of {}: NCCL collective on {} {} (Spark GPU address {})", rank, workers, host, device,
                    gpu);
            return NcclCollective.init(rank, workers, Rendezvous.ncclId(all), device.cudaOrdinal(),
                    s.operationTimeout());
        } catch (RuntimeException | Error e) {
            endpoint.close();
            throw e;
        }
    }

    /** "host:port" (or "[v6]:port") → host. */
    static String hostOf(String address) {
        int colon = address.lastIndexOf(':');
        String h = colon > 0 ? address.substring(0, colon) : address;
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    static String progressLine(int attempt, StepMetrics m) {
        float[] coll = m.collectiveSeconds();
        float maxColl = 0;
        for (float c : coll) {
            maxColl = Math.max(maxColl, c);
        }
        return String.format(Locale.ROOT, "train attempt %d: step %d/%d | loss %.4f | lr %.3e | %.2f s/step"
                        + " (slowest of %d ranks) | max time in collectives %.3f s%s",
                attempt, m.step(), m.totalSteps(), m.loss(), m.learningRate(), m.wallSeconds(),
                m.stepSeconds().length, maxColl, m.skipped() ? " | skipped (non-finite gradient)" : "");
    }
}
