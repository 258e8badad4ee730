package org.bg2vec.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.BFloat16;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitModelCommandTest {

    @TempDir
    Path tmp;

    private static Path llama2() throws Exception {
        return Paths.get(InitModelCommandTest.class.getResource("/tokenizers/llama2/tokenizer.json").toURI());
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void writesALoadableTinyModelWithTheTokenizersVocabulary() throws Exception {
        Path out = tmp.resolve("tiny");
        assertEquals(0, run(new StringWriter(), "init-model", "--preset", "tiny", "--tokenizer", llama2().toString(),
                "--seed", "3", "--output", out.toString()));
        MistralConfig c = MistralConfig.load(out.resolve("config.json"));
        assertEquals(32000, c.vocabSize());
        assertEquals(64, c.hiddenSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(176, c.intermediateSize());
        assertEquals(1, c.bosTokenId());
        assertEquals(2, c.eosTokenId());
        assertArrayEquals(Files.readAllBytes(llama2()), Files.readAllBytes(out.resolve("tokenizer.json")));

        DjlRuntime.engine();
        try (MistralEncoder enc = MistralEncoder.load(out, EncoderOptions.cpu()); NDManager m = DjlRuntime.newManager()) {
            TokenizedBatch b = new TokenizedBatch(2, 4, new long[]{2, 1, 500, 31999, 1, 7, 8, 9},
                    new long[]{0, 1, 1, 1, 1, 1, 1, 1}, new long[]{0, 0, 1, 1, 0, 1, 1, 1});
            NDArray e = enc.embed(m, b, false, 0);
            assertEquals(new Shape(2, 64), e.getShape());
            for (float v : e.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
            float[] w = enc.weights().get("layers.1.mlp.up_proj.weight").toFloatArray();
            double sq = 0;
            for (float v : w) {
                sq += v * v;
            }
            assertEquals(0.02, Math.sqrt(sq / w.length), 0.002, "N(0, 0.02²) weights");
        }

        Path same = tmp.resolve("same");
        Path other = tmp.resolve("other");
        assertEquals(0, run(new StringWriter(), "init-model", "--tokenizer", llama2().toString(), "--seed", "3",
                "--output", same.toString()));
        assertEquals(0, run(new StringWriter(), "init-model", "--tokenizer", llama2().toString(), "--seed", "4",
                "--output", other.toString()));
        byte[] a = Files.readAllBytes(out.resolve("model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(same.resolve("model.safetensors")), "same seed, same bytes");
        assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(other.resolve("model.safetensors"))));
    }

    @Test
    void smallPresetHasTheBenchmarkShape() throws Exception {
        Path out = tmp.resolve("small");
        assertEquals(0, run(new StringWriter(), "init-model", "--preset", "small", "--tokenizer", llama2().toString(),
                "--output", out.toString()));
        MistralConfig c = MistralConfig.load(out.resolve("config.json"));
        assertEquals(256, c.hiddenSize());
        assertEquals(4, c.numHiddenLayers());
        assertEquals(8, c.numAttentionHeads());
        assertEquals(4, c.numKeyValueHeads());
        assertEquals(688, c.intermediateSize());
    }

    @Test
    void bf16ShardsWithAnIndexHoldTheFloat32WeightsRoundedAndTheAdapterLoads() throws Exception {
        Path f32 = tmp.resolve("f32");
        Path bf16 = tmp.resolve("bf16");
        Path adapter = tmp.resolve("mntp");
        assertEquals(0, run(new StringWriter(), "init-model", "--tokenizer", llama2().toString(), "--seed", "5",
                "--layers", "3", "--vocab-size", "32100", "--output", f32.toString()));
        assertEquals(0, run(new StringWriter(), "init-model", "--tokenizer", llama2().toString(), "--seed", "5",
                "--layers", "3", "--vocab-size", "32100", "--dtype", "bf16", "--max-shard-size", "100KB",
                "--adapter", adapter.toString(), "--adapter-r", "16", "--output", bf16.toString()));
        assertFalse(Files.exists(bf16.resolve("model.safetensors")));
        // embed_tokens alone is 32100 x 64 bf16 = 4.1 MB, over the limit: a shard of its own; a layer is 92 KB
        // of bf16, so each layer gets a shard and the final norm joins the last one
        try (var files = Files.list(bf16)) {
            assertEquals(4, files.filter(p -> p.getFileName().toString().matches("model-0000[1-4]-of-00004\\.safetensors"))
                    .count());
        }
        DjlRuntime.engine();
        try (MistralEncoder a = MistralEncoder.load(f32, EncoderOptions.cpu());
             MistralEncoder b = MistralEncoder.load(bf16, EncoderOptions.cpu())) {
            assertEquals(3, b.config().numHiddenLayers());
            assertEquals(32100, b.config().vocabSize());
            for (String name : a.weights().names()) {
                float[] x = a.weights().get(name).toFloatArray();
                float[] y = b.weights().get(name).toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    x[i] = BFloat16.toFloat(BFloat16.fromFloat(x[i]));
                }
                assertArrayEquals(x, y, 0f, name);
            }
            float[] before = b.weights().get("layers.2.self_attn.v_proj.weight").toFloatArray();
            b.mergeAdapter(adapter);
            assertFalse(java.util.Arrays.equals(before, b.weights().get("layers.2.self_attn.v_proj.weight").toFloatArray()),
                    "the random adapter's B is not zero: merging changes the base");
        }
        LoraConfig lora = LoraConfig.load(adapter);
        assertEquals(16, lora.r());
        assertEquals(32.0, lora.loraAlpha());
        assertEquals(7, lora.targetModules().size());
    }

    @Test
    void badInputsExitNonZeroWithAMessage() throws Exception {
        StringWriter err = new StringWriter();
        int code = run(err, "init-model", "--tokenizer", tmp.resolve("nope.json").toString(), "--output",
                tmp.resolve("x").toString());
        assertEquals(2, code);
        Path out = tmp.resolve("exists");
        assertEquals(0, run(new StringWriter(), "init-model", "--tokenizer", llama2().toString(), "--output", out.toString()));
        assertEquals(2, run(new StringWriter(), "init-model", "--tokenizer", llama2().toString(), "--output", out.toString()));
        assertEquals(0, run(new StringWriter(), "init-model", "--tokenizer", llama2().toString(), "--output", out.toString(),
                "--force"));
        assertEquals(2, run(new StringWriter(), "init-model", "--preset", "huge", "--tokenizer", llama2().toString(),
                "--output", tmp.resolve("h").toString()));
        StringWriter small = new StringWriter();
        assertEquals(2, run(small, "init-model", "--tokenizer", llama2().toString(), "--vocab-size", "100",
                "--output", tmp.resolve("v").toString()));
        assertTrue(small.toString().contains("smaller than the 32000 tokens"), small.toString());
        StringWriter dtype = new StringWriter();
        assertEquals(2, run(dtype, "init-model", "--tokenizer", llama2().toString(), "--dtype", "f16",
                "--output", tmp.resolve("d").toString()));
        assertTrue(dtype.toString().contains("--dtype must be f32 or bf16"), dtype.toString());
    }
}
