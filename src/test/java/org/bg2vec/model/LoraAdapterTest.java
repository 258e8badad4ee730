package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.format.SafetensorsWriter;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraAdapterTest {

    @TempDir
    Path tmp;

    private static MistralEncoder mntpEncoder() throws Exception {
        DjlRuntime.engine();
        MistralEncoder enc = MistralEncoder.load(TinyMistralFixture.dir(), EncoderOptions.cpu());
        enc.mergeAdapter(TinyMistralFixture.dir().resolve("mntp-adapter"));
        return enc;
    }

    private static float[] embed(MistralEncoder enc, TokenizedBatch b) {
        try (NDManager m = DjlRuntime.newManager()) {
            return enc.embed(m, b, false, 0).toFloatArray();
        }
    }

    @Test
    void newAdapterIsPeftInitialisedAndSeeded() throws Exception {
        LoraConfig cfg = new LoraConfig(8, 16, 0.05, List.of("v_proj", "q_proj", "down_proj"), "base");
        try (MistralEncoder enc = mntpEncoder()) {
            float[] before = embed(enc, TinyMistralFixture.batch("q_batch"));
            LoraAdapter a = enc.newTrainableAdapter(cfg, 42);
            assertEquals(List.of("down_proj", "q_proj", "v_proj"), a.config().targetModules());
            assertEquals(2 * 3 * 2, enc.trainableParameters().size());
            List<String> names = new ArrayList<>();
            enc.trainableParameters().forEach(p -> names.add(p.name()));
            List<String> sorted = new ArrayList<>(names);
            java.util.Collections.sort(sorted);
            assertEquals(sorted, names);
            assertEquals("base_model.model.layers.0.mlp.down_proj.lora_A.weight", names.get(0));
            LoraAdapter.Pair q = a.modules().get("layers.1.self_attn.q_proj");
            assertEquals(new ai.djl.ndarray.types.Shape(8, 64), q.a().getShape());
            float bound = (float) (1 / Math.sqrt(64));
            double sumSq = 0;
            for (float v : q.a().toFloatArray()) {
                assertTrue(Math.abs(v) <= bound);
                sumSq += v * v;
            }
            // uniform(-b, b) has variance b²/3
            assertEquals(bound * bound / 3, sumSq / (8 * 64), bound * bound / 3 * 0.25);
            assertEquals(0f, q.b().abs().sum().getFloat());
            float[] down = a.modules().get("layers.0.mlp.down_proj").a().toFloatArray();
            assertEquals(8 * 176, down.length);
            // B = 0: the new adapter does not change the output
            assertArrayEquals(before, embed(enc, TinyMistralFixture.batch("q_batch")), 1e-6f);
            float[] again = enc.newTrainableAdapter(cfg, 42).modules().get("layers.1.self_attn.q_proj").a().toFloatArray();
            float[] other = enc.newTrainableAdapter(cfg, 43).modules().get("layers.1.self_attn.q_proj").a().toFloatArray();
            float[] first;
            try (NDManager m = DjlRuntime.newManager();
                 LoraAdapter fresh = LoraAdapter.initialize(cfg, enc.config(), m, 42)) {
                first = fresh.modules().get("layers.1.self_attn.q_proj").a().toFloatArray();
            }
            assertArrayEquals(first, again, 0f);
            assertFalse(java.util.Arrays.equals(first, other));
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalOutputsInPeftFormat() throws Exception {
        LoraConfig cfg = new LoraConfig(4, 8, 0.1, List.of("q_proj", "k_proj", "up_proj"), "ignored");
        TokenizedBatch q = TinyMistralFixture.batch("q_batch");
        Path out = tmp.resolve("adapter");
        float[] trained;
        try (MistralEncoder enc = mntpEncoder()) {
            enc.newTrainableAdapter(cfg, 7);
            // move B away from zero, as an optimizer step would (in place, grad mode off)
            try (Autograd.Scope g = Autograd.gradMode(false)) {
                for (NamedParameter p : enc.trainableParameters()) {
                    if (p.name().endsWith("lora_B.weight")) {
                        NDArray noise = p.array().getManager().randomUniform(-0.05f, 0.05f, p.array().getShape());
                        p.array().addi(noise);
                        noise.close();
                    }
                }
            }
            trained = embed(enc, q);
            enc.saveAdapter(out);
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("LORA", json.get("peft_type").asText());
        assertEquals(4, json.get("r").asInt());
        assertEquals(8, json.get("lora_alpha").asInt());
        assertEquals(0.1, json.get("lora_dropout").asDouble());
        assertEquals("none", json.get("bias").asText());
        assertTrue(json.get("task_type").isNull());
        assertEquals("[\"k_proj\",\"q_proj\",\"up_proj\"]", json.get("target_modules").toString());
        assertEquals(TinyMistralFixture.dir().toString(), json.get("base_model_name_or_path").asText());
        try (SafetensorsFile f = SafetensorsFile.open(out.resolve("adapter_model.safetensors"))) {
            assertEquals(2 * 3 * 2, f.tensors().size());
            assertTrue(f.tensors().containsKey("base_model.model.layers.1.self_attn.k_proj.lora_B.weight"));
            assertEquals("pt", f.metadata().get("format"));
        }
        try (MistralEncoder enc = mntpEncoder()) {
            float[] base = embed(enc, q);
            enc.loadTrainableAdapter(out);
            assertArrayEquals(trained, embed(enc, q), 0f, "save -> load reproduces the outputs exactly");
            assertTrue(maxDiff(base, trained) > 1e-4, "the adapter changes the output");
        }
    }

    /** Merging an adapter into the base and running it un-merged give the same function (here the MNTP one). */
    @Test
    void mergedAndUnmergedAdapterAgree() throws Exception {
        DjlRuntime.engine();
        try (MistralEncoder unmerged = MistralEncoder.load(TinyMistralFixture.dir(), EncoderOptions.cpu());
             NDManager m = DjlRuntime.newManager()) {
            unmerged.loadTrainableAdapter(TinyMistralFixture.dir().resolve("mntp-adapter"));
            TinyMistralFixture.assertClose("c via un-merged LoRA", TinyMistralFixture.expected("c.mntp_bidir.last_hidden_state"),
                    unmerged.lastHiddenState(m, TinyMistralFixture.batch("q_batch"), false, 0, null).toFloatArray());
        }
    }

    @Test
    void partialAdaptersLoadAndBadOnesAreRefusedWithTheTensorNamed() throws Exception {
        Path dir = tmp.resolve("partial");
        Files.createDirectories(dir);
        new LoraConfig(2, 4, 0, List.of("o_proj"), "b").save(dir);
        float[] a = new float[2 * 64];
        float[] b = new float[64 * 2];
        java.util.Arrays.fill(a, 0.01f);
        java.util.Arrays.fill(b, 0.02f);
        SafetensorsWriter.write(dir.resolve(LoraAdapter.WEIGHTS_FILE), List.of(
                SafetensorsWriter.Entry.ofFloats("base_model.model.layers.1.self_attn.o_proj.lora_A.weight", new long[]{2, 64}, a),
                SafetensorsWriter.Entry.ofFloats("base_model.model.layers.1.self_attn.o_proj.lora_B.weight", new long[]{64, 2}, b)),
                Map.of("format", "pt"));
        try (MistralEncoder enc = mntpEncoder()) {
            LoraAdapter ad = enc.loadTrainableAdapter(dir);
            assertEquals(List.of("layers.1.self_attn.o_proj"), new ArrayList<>(ad.modules().keySet()));
            enc.mergeAdapter(dir);

            SafetensorsWriter.write(dir.resolve(LoraAdapter.WEIGHTS_FILE), List.of(
                    SafetensorsWriter.Entry.ofFloats("base_model.model.layers.1.self_attn.o_proj.lora_A.weight", new long[]{2, 64}, a),
                    SafetensorsWriter.Entry.ofFloats("base_model.model.layers.1.self_attn.o_proj.lora_B.weight", new long[]{32, 4},
                            new float[128])), Map.of("format", "pt"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.mergeAdapter(dir));
            assertTrue(e.getMessage().contains("o_proj.lora_B.weight") && e.getMessage().contains("(64, 2)"), e.getMessage());

            SafetensorsWriter.write(dir.resolve(LoraAdapter.WEIGHTS_FILE), List.of(
                    SafetensorsWriter.Entry.ofFloats("base_model.model.layers.5.self_attn.o_proj.lora_A.weight", new long[]{2, 64}, a)),
                    Map.of("format", "pt"));
            e = assertThrows(IllegalArgumentException.class, () -> enc.mergeAdapter(dir));
            assertTrue(e.getMessage().contains("layers.5"), e.getMessage());

            Files.writeString(dir.resolve(LoraConfig.FILE), "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4,"
                    + "\"target_modules\":[\"o_proj\"],\"use_dora\":true}");
            e = assertThrows(IllegalArgumentException.class, () -> enc.mergeAdapter(dir));
            assertTrue(e.getMessage().contains("use_dora"), e.getMessage());
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
