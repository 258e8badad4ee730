package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.format.SafetensorsDType;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.format.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hub key mapping, sharded and bf16 checkpoints, and precise errors, on re-written copies of the fixture. */
class WeightLoadingTest {

    @TempDir
    Path tmp;

    /** The fixture's tensors, name → float32 values and shape. */
    private static Map<String, float[]> fixtureTensors(Map<String, long[]> shapes) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(TinyMistralFixture.dir().resolve("model.safetensors"));
             NDManager m = DjlRuntime.newManager()) {
            for (String name : f.tensors().keySet()) {
                NDArray a = f.read(m, name, DataType.FLOAT32);
                out.put(name, a.toFloatArray());
                shapes.put(name, a.getShape().getShape());
            }
        }
        return out;
    }

    private Path modelDir(String name) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.copy(TinyMistralFixture.dir().resolve("config.json"), dir.resolve("config.json"));
        return dir;
    }

    private static float[] hidden(Path dir) throws Exception {
        DjlRuntime.engine();
        try (MistralEncoder enc = MistralEncoder.load(dir, EncoderOptions.cpu()); NDManager m = DjlRuntime.newManager()) {
            return enc.lastHiddenState(m, TinyMistralFixture.batch("q_batch"), false, 0, null).toFloatArray();
        }
    }

    @Test
    void unprefixedKeysWithLmHeadAndTwoShardsGiveTheSameModel() throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> t = fixtureTensors(shapes);
        Path dir = modelDir("sharded");
        List<SafetensorsWriter.Entry> shard1 = new ArrayList<>();
        List<SafetensorsWriter.Entry> shard2 = new ArrayList<>();
        StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (Map.Entry<String, float[]> e : t.entrySet()) {
            String key = e.getKey().substring("model.".length());
            boolean first = i++ % 2 == 0;
            (first ? shard1 : shard2).add(SafetensorsWriter.Entry.ofFloats(key, shapes.get(e.getKey()), e.getValue()));
            index.append('"').append(key).append("\":\"").append(first ? "a.safetensors" : "b.safetensors").append("\",");
        }
        shard2.add(SafetensorsWriter.Entry.ofFloats("lm_head.weight", new long[]{1000, 64}, new float[64000]));
        index.append("\"lm_head.weight\":\"b.safetensors\"}}");
        SafetensorsWriter.write(dir.resolve("a.safetensors"), shard1, Map.of("format", "pt"));
        SafetensorsWriter.write(dir.resolve("b.safetensors"), shard2, Map.of("format", "pt"));
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), index.toString());
        TinyMistralFixture.assertClose("a via sharded un-prefixed checkpoint",
                TinyMistralFixture.expected("a.bidir.last_hidden_state"), hidden(dir));
    }

    @Test
    void bf16CheckpointLoadsAsTheRoundedWeights() throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> t = fixtureTensors(shapes);
        Path bf = modelDir("bf16");
        Path rounded = modelDir("rounded");
        List<SafetensorsWriter.Entry> bfEntries = new ArrayList<>();
        List<SafetensorsWriter.Entry> f32Entries = new ArrayList<>();
        for (Map.Entry<String, float[]> e : t.entrySet()) {
            float[] v = e.getValue();
            ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                short hi = (short) (Float.floatToIntBits(v[i]) >>> 16); // truncation is a valid bf16 value
                b.putShort(hi);
                r[i] = Float.intBitsToFloat((hi & 0xFFFF) << 16);
            }
            b.flip();
            bfEntries.add(new SafetensorsWriter.Entry(e.getKey(), SafetensorsDType.BF16, shapes.get(e.getKey()), b));
            f32Entries.add(SafetensorsWriter.Entry.ofFloats(e.getKey(), shapes.get(e.getKey()), r));
        }
        SafetensorsWriter.write(bf.resolve("model.safetensors"), bfEntries, Map.of("format", "pt"));
        SafetensorsWriter.write(rounded.resolve("model.safetensors"), f32Entries, Map.of("format", "pt"));
        float[] fromBf16 = hidden(bf);
        assertArrayEquals(hidden(rounded), fromBf16, 0f, "bf16 file = the same weights stored as float32");
        double maxErr = 0;
        double[] ref = TinyMistralFixture.expected("a.bidir.last_hidden_state");
        for (int i = 0; i < ref.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(ref[i] - fromBf16[i]));
        }
        assertTrue(maxErr > 0 && maxErr < 0.1, "bf16 rounding changes the output a little: " + maxErr);
    }

    @Test
    void shapeMismatchesAndMissingTensorsAreReportedPrecisely() throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> t = fixtureTensors(shapes);
        Path dir = modelDir("broken");
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, float[]> e : t.entrySet()) {
            if (e.getKey().equals("model.layers.1.mlp.up_proj.weight")) {
                continue;
            }
            if (e.getKey().equals("model.layers.0.self_attn.k_proj.weight")) {
                entries.add(SafetensorsWriter.Entry.ofFloats(e.getKey(), new long[]{64, 32}, e.getValue()));
                continue;
            }
            entries.add(SafetensorsWriter.Entry.ofFloats(e.getKey(), shapes.get(e.getKey()), e.getValue()));
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hidden(dir));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing layers.1.mlp.up_proj.weight (176, 64)"), msg);
        assertTrue(msg.contains("model.layers.0.self_attn.k_proj.weight has shape (64, 32) but the config needs (32, 64)"), msg);
        assertTrue(msg.contains(dir.toString()), msg);
    }
}
