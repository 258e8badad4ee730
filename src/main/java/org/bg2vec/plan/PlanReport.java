package org.bg2vec.plan;

import org.bg2vec.io.ByteSize;
import org.bg2vec.model.MistralConfig;

import java.util.List;
import java.util.Locale;

/** The memory plan as text: recomputation off and on side by side, then the verdict per memory size. */
public final class PlanReport {

    private static final String ROW = "%-58s %16s %16s%n";

    private PlanReport() {
    }

    /** The table for {@code r} and, for each of {@code capacities} (bytes), whether it fits and what would. */
    public static String format(PlanRequest r, List<Long> capacities) {
        MemoryPlan off = MemoryPlanner.plan(r, false);
        MemoryPlan on = MemoryPlanner.plan(r, true);
        MistralConfig m = r.model();
        ActivationModel a = r.activations();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "memory plan of one training worker (%s)%n",
                r.gpu() ? "GPU memory" : "CPU: native memory of the process beyond its baseline"));
        s.append(String.format(Locale.ROOT, "objective: %s%n", r.objective().describe()));
        s.append(String.format(Locale.ROOT, "model: hidden %d, MLP %d, %d layers, %d query / %d kv heads, vocab %d%n",
                m.hiddenSize(), m.intermediateSize(), m.numHiddenLayers(), m.numAttentionHeads(),
                m.numKeyValueHeads(), m.vocabSize()));
        s.append(String.format(Locale.ROOT, "training: %s base, sequence %d, micro-batch %d, global batch %d over %d"
                        + " worker(s), LoRA r %d%s, attention dropout %s%n", r.computeBytes() == 2 ? "fp16" : "fp32",
                r.seqLen(), r.microBatch(), r.globalBatch(), r.workers(), r.loraR(),
                r.loraDropout() ? " with dropout" : "", r.attentionDropout() ? "on" : "off"));
        s.append(String.format(Locale.ROOT, "activations per sample and layer: %s kept for backward; with"
                        + " recomputation %s per layer (its input) + one layer%n%n",
                ByteSize.format(a.savedPerLayer()), ByteSize.format(a.layerInput())));
        s.append(String.format(Locale.ROOT, ROW, "", "recompute off", "recompute on"));
        for (int i = 0; i < off.device().size(); i++) {
            MemoryPlan.Item item = off.device().get(i);
            String name = item.name().startsWith("activations") ? "activations of micro-batch " + r.microBatch()
                    : item.name();
            s.append(String.format(Locale.ROOT, ROW, name, ByteSize.format(item.bytes()),
                    ByteSize.format(on.device().get(i).bytes())));
        }
        s.append(String.format(Locale.ROOT, ROW, "= total at the training peak", ByteSize.format(off.total()),
                ByteSize.format(on.total())));
        s.append(String.format(Locale.ROOT, ROW, "load / MNTP merge peak (before training)",
                ByteSize.format(off.beforeTraining()), ByteSize.format(on.beforeTraining())));
        long host = off.host().stream().mapToLong(MemoryPlan.Item::bytes).sum();
        s.append(String.format(Locale.ROOT, ROW, "host JVM heap: checkpoint copies (saving)", ByteSize.format(host),
                ByteSize.format(host)));
        if (!capacities.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%n%-14s %-22s %-26s %s%n", "memory", "micro-batch "
                    + r.microBatch() + " fits?", "largest that fits", "micro_batch_size \"auto\""));
            for (long c : capacities) {
                s.append(String.format(Locale.ROOT, "%-14s %-22s %-26s %s%n", ByteSize.format(c),
                        verdict(off.fits(c)) + " / " + verdict(on.fits(c)),
                        MemoryPlanner.largestFitting(r, false, c) + " / " + MemoryPlanner.largestFitting(r, true, c),
                        MemoryPlanner.autoMicroBatch(r, false, c) + " / " + MemoryPlanner.autoMicroBatch(r, true, c)));
            }
            s.append(String.format(Locale.ROOT, "(off / on = recomputation; \"auto\" = the largest divisor of the"
                    + " %d-sample slice that fits; 0 = nothing fits)%n", r.slice()));
        }
        return s.toString();
    }

    private static String verdict(boolean fits) {
        return fits ? "yes" : "NO";
    }
}
