package org.bg2vec.prepare;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a prepare run reads: the resolved inputs and the splits (tasks) of the XML and JSONL ones; Parquet
 * inputs are read through Spark's own partitions and have no splits.
 */
public record InputPlan(List<ResolvedInput> inputs, List<DumpSplit> splits) {

    private static final Logger LOG = LoggerFactory.getLogger(InputPlan.class);

    public InputPlan {
        inputs = List.copyOf(inputs);
        splits = List.copyOf(splits);
    }

    /**
     * Resolves the config's inputs and cuts them into splits.
     *
     * @param parallelism the cluster's default parallelism (ranges are sized to give each core a few tasks)
     */
    public static InputPlan of(InputPlanner planner, PrepareConfig config, int parallelism) throws IOException {
        List<ResolvedInput> inputs = planner.resolve(config.inputs(), config.format(), config.indexes());
        List<DumpSplit> splits = new ArrayList<>();
        for (ResolvedInput in : inputs) {
            if (in.format() == InputFormat.PARQUET) {
                LOG.info("prepare: input {} ({} bytes, parquet)", in.path(), in.bytes());
                continue;
            }
            List<DumpSplit> s = planner.splits(in, parallelism);
            LOG.info("prepare: input {} ({} bytes, {}{}): {} task(s)", in.path(), in.bytes(), in.format().id(),
                    in.indexPath() == null ? "" : ", index " + in.indexPath(), s.size());
            splits.addAll(s);
        }
        return new InputPlan(inputs, splits);
    }

    /** Fails when an input gave no records at all: an empty dump, or not a MediaWiki export / clean-text file. */
    public void requireRecords(ReasonCounts counts) {
        for (ResolvedInput in : inputs) {
            if (counts.get(ReasonCounts.inputKey(in.index())) == 0) {
                String what = in.format() == InputFormat.XML ? "pages (<page> elements)" : "rows";
                throw new IllegalStateException(in.path() + ": the input has no " + what
                        + ": an empty dump or not a MediaWiki export / clean-text file");
            }
        }
    }

    /** The manifest's view of the inputs, with the records read from each. */
    public List<PrepareManifest.Input> manifestInputs(ReasonCounts counts) {
        List<PrepareManifest.Input> out = new ArrayList<>();
        for (ResolvedInput in : inputs) {
            out.add(new PrepareManifest.Input(in.path(), in.bytes(), in.format(),
                    counts.get(ReasonCounts.inputKey(in.index()))));
        }
        return out;
    }
}
