package org.bg2vec.train.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.model.NamedParameter;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.train.data.GlobalBatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 *     count, data cursor, loss-scale state, parameter names and sizes; {@code config.json}.</li>
 * </ul>
 * A checkpoint is written into a local temporary directory, copied to a hidden
 * {@code .step-N.tmp-*} directory next to its final place and renamed (atomic on local file
 * systems and HDFS), so an interrupted write never looks like a checkpoint. Only the last
 * {@code keep} are kept.
 */
public final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final int FORMAT = 1;

    /** A checkpoint read back. */
    public record Loaded(String path, TrainingState state, long optimizerSteps, List<String> names, float[] values,
                         float[] firstMoment, float[] secondMoment, JsonNode config) {

        /** Fails unless the checkpoint holds exactly the model's trainable parameters (names and sizes). */
        public void checkMatches(List<NamedParameter> params, int totalSize) throws IOException {
            List<String> expected = params.stream().map(NamedParameter::name).toList();
            if (!expected.equals(names) || values.length != totalSize || firstMoment.length != totalSize
                    || secondMoment.length != totalSize) {
                throw new IOException("checkpoint " + path + " holds " + names.size() + " trainable tensors ("
                        + values.length + " values), the model has " + expected.size() + " (" + totalSize
                        + " values): it was written for another model or adapter configuration");
            }
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

    /** Writes {@code step-N} atomically and removes the oldest beyond {@code keep}; returns its path. */
    public String save(TrainingState state, long optimizerSteps, List<NamedParameter> params, float[] values,
                       float[] firstMoment, float[] secondMoment, JsonNode config, TrainableEncoder encoder)
            throws IOException {
        java.nio.file.Path local = Files.createTempDirectory("bg2vec-checkpoint-");
        try {
            encoder.saveAdapter(local.resolve("adapter"));
            FloatArrays.write(local.resolve("trainable.bin"), params, values);
            FloatArrays.write(local.resolve("optimizer.bin"), List.of("exp_avg", "exp_avg_sq"), firstMoment, secondMoment);
            Files.writeString(local.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            Files.writeString(local.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(stateJson(state, optimizerSteps, params)));
            Path target = new Path(dir, "step-" + state.step());
            HadoopFiles.publish(fs, local, target);
            prune();
            return target.toString();
        } finally {
            HadoopFiles.deleteLocal(local);
        }
    }

    /** The step numbers of the complete checkpoints, ascending. */
    public List<Long> steps() throws IOException {
        List<Long> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            Matcher m = NAME.matcher(st.getPath().getName());
            if (st.isDirectory() && m.matches() && fs.exists(new Path(st.getPath(), "state.json"))) {
                out.add(Long.parseLong(m.group(1)));
            }
        }
        out.sort(null);
        return out;
    }

    /** The latest complete checkpoint's step, if any. */
    public Optional<Long> latest() throws IOException {
        List<Long> s = steps();
        return s.isEmpty() ? Optional.empty() : Optional.of(s.get(s.size() - 1));
    }

    public Loaded load(long step) throws IOException {
        return load(new Path(dir, "step-" + step).toString());
    }

    /** Reads a checkpoint directory and checks it matches {@code params} (names and sizes). */
    public Loaded load(String path) throws IOException {
        Path p = new Path(path);
        FileSystem f = HadoopFiles.fileSystem(p, fs.getConf());
        JsonNode s;
        try (InputStream in = f.open(new Path(p, "state.json"))) {
            s = JSON.readTree(in);
        }
        if (s.path("format").asInt() != FORMAT) {
            throw new IOException(path + "/state.json: unsupported checkpoint format " + s.path("format"));
        }
        FloatArrays.Named values;
        FloatArrays.Named moments;
        try (InputStream in = f.open(new Path(p, "trainable.bin"))) {
            values = FloatArrays.read(in, path + "/trainable.bin");
        }
        try (InputStream in = f.open(new Path(p, "optimizer.bin"))) {
            moments = FloatArrays.read(in, path + "/optimizer.bin");
        }
        if (moments.arrays().size() != 2) {
            throw new IOException(path + "/optimizer.bin must hold exp_avg and exp_avg_sq");
        }
        TrainingState state = new TrainingState(s.path("step").asLong(),
                new GlobalBatches.Cursor(s.path("epoch").asInt(), s.path("batch_in_epoch").asLong()),
                s.path("loss_scale").asDouble(), s.path("good_steps").asInt(), s.path("skipped_steps").asLong());
        JsonNode config;
        try (InputStream in = f.open(new Path(p, "config.json"))) {
            config = JSON.readTree(in);
        }
        return new Loaded(path, state, s.path("optimizer_steps").asLong(), values.names(),
                FloatArrays.concat(values.arrays()), moments.arrays().get(0), moments.arrays().get(1), config);
    }

    private void prune() throws IOException {
        List<Long> s = steps();
        for (int i = 0; i < s.size() - keep; i++) {
            Path old = new Path(dir, "step-" + s.get(i));
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
