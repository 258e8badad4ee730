package org.bg2vec.train.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.io.HadoopFiles;
import org.bg2vec.model.NamedParameter;
import org.bg2vec.model.Trainable;
import org.bg2vec.train.data.GlobalBatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints in {@code checkpoint_dir/step-N/} on any Hadoop file system:
 * <ul>
 * <li>{@code adapter/}: the adapter as the model saves it (PEFT format for the Mistral encoder),
 *     usable on its own;</li>
 * <li>{@code trainable.bin}: the trainable values by name (what resume loads back, in place, so no
 *     model-side loader is needed);</li>
 * <li>{@code optimizer.bin}: AdamW first and second moments; {@code state.json}: step, AdamW step
 *     count, data cursor, loss-scale state, parameter names and sizes; {@code config.json};</li>
 * <li>{@code complete.json}, published last ({@link CompletionMarker}): the run identity and every file's
 *     size and CRC32C.</li>
 * </ul>
 * A checkpoint is written into a local temporary directory, copied to a hidden
 * {@code .step-N.tmp-*} directory next to its final place and renamed; the completion marker follows.
 * A checkpoint counts only when its marker verifies, so neither an interrupted write nor a
 * non-atomic (S3A copy-then-delete) rename looks like a checkpoint; loading the latest falls back to
 * the newest one that verifies. Only the last {@code keep} checkpoints <em>of the current run</em> are
 * kept: another run's checkpoints in the same directory are never pruned.
 */
public final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final int FORMAT = 1;

    /** A checkpoint read back (and verified). */
    public record Loaded(String path, TrainingState state, long optimizerSteps, List<String> names, float[] values,
                         float[] firstMoment, float[] secondMoment, JsonNode config, RunIdentity run) {

        /**
         * Why the checkpoint does not hold exactly the model's trainable parameters (names and sizes), or
         * null when it does.
         */
        public String mismatch(List<NamedParameter> params, int totalSize) {
            List<String> expected = params.stream().map(NamedParameter::name).toList();
            if (!expected.equals(names) || values.length != totalSize || firstMoment.length != totalSize
                    || secondMoment.length != totalSize) {
                return "checkpoint " + path + " holds " + names.size() + " trainable tensors ("
                        + values.length + " values), the model has " + expected.size() + " (" + totalSize
                        + " values): it was written for another model or adapter configuration";
            }
            return null;
        }
    }

    private final Path dir;
    private final FileSystem fs;
    private final int keep;

    public Checkpoints(String dir, Configuration conf, int keep) throws IOException {
        this.dir = new Path(dir);
        this.fs = HadoopFiles.fileSystem(this.dir, conf);
        this.keep = keep;
    }

    /** The directory of step {@code step}. */
    public String path(long step) {
        return new Path(dir, "step-" + step).toString();
    }

    /**
     * Writes {@code step-N} (files, then the completion marker) and removes the oldest checkpoints of
     * {@code run} beyond {@code keep}; returns its path.
     */
    public String save(TrainingState state, long optimizerSteps, List<NamedParameter> params, float[] values,
                       float[] firstMoment, float[] secondMoment, JsonNode config, Trainable encoder,
                       RunIdentity run) throws IOException {
        java.nio.file.Path local = Files.createTempDirectory("bg2vec-checkpoint-");
        try {
            encoder.saveAdapter(local.resolve("adapter"));
            FloatArrays.write(local.resolve("trainable.bin"), params, values);
            FloatArrays.write(local.resolve("optimizer.bin"), List.of("exp_avg", "exp_avg_sq"), firstMoment, secondMoment);
            Files.writeString(local.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            Files.writeString(local.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(stateJson(state, optimizerSteps, params)));
            CompletionMarker marker = CompletionMarker.describe(local, state.step(), run);
            Path target = new Path(dir, "step-" + state.step());
            HadoopFiles.publish(fs, local, target);
            marker.publish(fs, target);
            prune(run.runId());
            return target.toString();
        } finally {
            HadoopFiles.deleteLocal(local);
        }
    }

    /** The step numbers of the checkpoints that have a completion marker (not yet verified), ascending. */
    public List<Long> steps() throws IOException {
        List<Long> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            Matcher m = NAME.matcher(st.getPath().getName());
            if (st.isDirectory() && m.matches() && CompletionMarker.exists(fs, st.getPath())) {
                out.add(Long.parseLong(m.group(1)));
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The newest checkpoint that verifies, loaded; a newer one that fails verification is skipped with a
     * warning saying why.
     */
    public Optional<Loaded> loadLatest() throws IOException {
        List<Long> s = steps();
        for (int i = s.size() - 1; i >= 0; i--) {
            String p = path(s.get(i));
            try {
                return Optional.of(load(p));
            } catch (CorruptCheckpointException e) {
                LOG.warn("checkpoint {} fails verification, falling back to an older one: {}", p, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The newest verified checkpoint whose completion marker id is not in {@code ids}. */
    public Optional<String> latestVerifiedExcept(Set<String> ids) throws IOException {
        List<Long> s = steps();
        for (int i = s.size() - 1; i >= 0; i--) {
            Path p = new Path(dir, "step-" + s.get(i));
            try {
                CompletionMarker m = CompletionMarker.read(fs, p);
                if (!ids.contains(m.id())) {
                    m.verify(fs, p);
                    return Optional.of(p.toString());
                }
            } catch (CorruptCheckpointException e) {
                LOG.warn("skipping checkpoint {}: {}", p, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The completion marker ids present now (to tell the checkpoints a later attempt wrote). */
    public Set<String> markerIds() throws IOException {
        Set<String> ids = new HashSet<>();
        for (long step : steps()) {
            try {
                ids.add(CompletionMarker.read(fs, new Path(dir, "step-" + step)).id());
            } catch (CorruptCheckpointException e) {
                // not a checkpoint
            }
        }
        return ids;
    }

    /** The run of each checkpoint with a readable marker, by step (ascending). */
    public Map<Long, RunIdentity> runs() throws IOException {
        Map<Long, RunIdentity> out = new LinkedHashMap<>();
        for (long step : steps()) {
            try {
                out.put(step, CompletionMarker.read(fs, new Path(dir, "step-" + step)).run());
            } catch (CorruptCheckpointException e) {
                // not a checkpoint
            }
        }
        return out;
    }

    /**
     * Verifies a checkpoint directory against its completion marker and reads it; a checkpoint that is not
     * provably complete is a {@link CorruptCheckpointException}.
     */
    public Loaded load(String path) throws IOException {
        Path p = new Path(path);
        FileSystem f = HadoopFiles.fileSystem(p, fs.getConf());
        CompletionMarker marker = CompletionMarker.read(f, p);
        marker.verify(f, p);
        JsonNode s = readJson(f, new Path(p, "state.json"));
        if (s.path("format").asInt() != FORMAT) {
            throw new CorruptCheckpointException(path + "/state.json: unsupported checkpoint format " + s.path("format"));
        }
        FloatArrays.Named values = readArrays(f, p, "trainable.bin", marker);
        FloatArrays.Named moments = readArrays(f, p, "optimizer.bin", marker);
        if (moments.arrays().size() != 2) {
            throw new CorruptCheckpointException(path + "/optimizer.bin must hold exp_avg and exp_avg_sq");
        }
        TrainingState state = new TrainingState(s.path("step").asLong(),
                new GlobalBatches.Cursor(s.path("epoch").asInt(), s.path("batch_in_epoch").asLong()),
                s.path("loss_scale").asDouble(), s.path("good_steps").asInt(), s.path("skipped_steps").asLong());
        return new Loaded(path, state, s.path("optimizer_steps").asLong(), values.names(),
                FloatArrays.concat(values.arrays()), moments.arrays().get(0), moments.arrays().get(1),
                readJson(f, new Path(p, "config.json")), marker.run());
    }

    /**
     * Removes the hidden {@code .step-N.tmp-*} copies a killed writer left behind; returns them. Call it when
     * this run starts, before it writes checkpoints.
     */
    public List<Path> removeLeftovers() throws IOException {
        List<Path> removed = HadoopFiles.removeLeftoverTemps(fs, dir, null);
        for (Path p : removed) {
            LOG.warn("removed {}, an unfinished checkpoint copy left by an interrupted run", p);
        }
        return removed;
    }

    private static JsonNode readJson(FileSystem f, Path file) throws IOException {
        try (InputStream in = f.open(file)) {
            return JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CorruptCheckpointException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static FloatArrays.Named readArrays(FileSystem f, Path checkpoint, String name, CompletionMarker marker)
            throws IOException {
        try (InputStream in = f.open(new Path(checkpoint, name))) {
            return FloatArrays.read(in, marker.size(name), checkpoint + "/" + name);
        }
    }

    /** Deletes the oldest checkpoints of {@code runId} beyond {@code keep}; other runs' are left alone. */
    private void prune(String runId) throws IOException {
        List<Long> mine = new ArrayList<>();
        for (Map.Entry<Long, RunIdentity> e : runs().entrySet()) {
            if (runId.equals(e.getValue().runId())) {
                mine.add(e.getKey());
            }
        }
        for (int i = 0; i < mine.size() - keep; i++) {
            Path old = new Path(dir, "step-" + mine.get(i));
            fs.delete(old, true);
            LOG.info("removed old checkpoint {}", old);
        }
    }

    private static ObjectNode stateJson(TrainingState state, long optimizerSteps, List<NamedParameter> params) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("step", state.step());
        n.put("optimizer_steps", optimizerSteps);
        n.put("epoch", state.cursor().epoch());
        n.put("batch_in_epoch", state.cursor().batch());
        n.put("loss_scale", state.lossScale());
        n.put("good_steps", state.goodSteps());
        n.put("skipped_steps", state.skippedSteps());
        ArrayNode ps = n.putArray("parameters");
        for (NamedParameter p : params) {
            ps.addObject().put("name", p.name()).put("size", p.array().size());
        }
        return n;
    }
}
