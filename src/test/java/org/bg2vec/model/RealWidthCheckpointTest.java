package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.format.SafetensorsDType;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BgGPT-7B's real widths and vocabulary (hidden 4096, MLP 14336, 32 heads on 8 kv heads, vocab 38000) in one
 * layer, written as HF publishes it (bf16 shards + index) with an r=16 adapter on every projection: the
 * production loader reads it as fp16, the merge adds scaling·B·A where it should, and a recomputed training
 * backward on a short sequence reaches every LoRA matrix. The memory at this width is measured by
 * {@code org.bg2vec.bench.MemoryBenchmark} (benchmarks-memory.md), not here.
 */
class RealWidthCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void realWidthBf16ShardsLoadMergeAndTrain() throws Exception {
        Path tokenizer = Paths.get(getClass().getResource("/tokenizers/llama2/tokenizer.json").toURI());
        Path dir = tmp.resolve("model");
        Path mntp = tmp.resolve("mntp");
        MistralConfig c = RandomCheckpoint.write(ModelPreset.MISTRAL_7B, tokenizer, "<s>", "</s>", 3, dir,
                new RandomCheckpoint.Layout(SafetensorsDType.BF16, 300L << 20, 1, 38000));
        RandomCheckpoint.writeAdapter(c, 16, SafetensorsDType.BF16, 4, mntp);
        try (Stream<Path> files = Files.list(dir)) {
            // 748 MB of bf16 in shards of at most 300 MB: embeddings (311 MB) alone, then the layer in two
            assertEquals(3, files.filter(p -> p.getFileName().toString().matches("model-0000[1-3]-of-00003\\.safetensors"))
                    .count());
        }
        assertTrue(Files.isRegularFile(dir.resolve(Checkpoint.INDEX_FILE)));

        String name = "layers.0.mlp.down_proj";
        long row = 4095;
        long col = 14335;
        float before;
        float[] a;
        float[] b;
        DjlRuntime.engine();
        try (NDManager m = DjlRuntime.newManager(); Checkpoint ckpt = Checkpoint.open(dir);
             SafetensorsFile adapter = SafetensorsFile.open(mntp.resolve(LoraAdapter.WEIGHTS_FILE))) {
            before = ckpt.read(m, "model." + name + ".weight", DataType.FLOAT32).get(row, col).getFloat();
            a = adapter.read(m, LoraAdapter.peftKey(name, true), DataType.FLOAT32).get(":, " + col).toFloatArray();
            b = adapter.read(m, LoraAdapter.peftKey(name, false), DataType.FLOAT32).get(row + ", :").toFloatArray();
        }
        double delta = 0;
        for (int k = 0; k < 16; k++) {
            delta += b[k] * (double) a[k];
        }
        double expected = before + 2.0 * delta; // alpha 32 / r 16

        EncoderOptions options = new EncoderOptions(ai.djl.Device.cpu(), DataType.FLOAT16, Pooling.MEAN, false, 0.3,
                true);
        try (MistralEncoder enc = MistralEncoder.load(dir, options); NDManager m = DjlRuntime.newManager()) {
            for (Map.Entry<String, long[]> e : MistralWeights.expectedShapes(c).entrySet()) {
                NDArray w = enc.weights().get(e.getKey());
                assertEquals(new Shape(e.getValue()), w.getShape(), e.getKey());
                assertEquals(DataType.FLOAT16, w.getDataType(), e.getKey());
            }
            enc.mergeAdapter(mntp);
            float merged = enc.weights().get(name + ".weight").get(row, col).toType(DataType.FLOAT32, false).getFloat();
            assertEquals(expected, merged, 1e-3 * Math.abs(expected) + 1e-7, "W + scaling·B·A, rounded to fp16");
            assertTrue(Math.abs(expected - before) > 1e-3 * Math.abs(before), "the adapter moves this weight");

            enc.newTrainableAdapter(new LoraConfig(16, 32, 0.05, LoraConfig.SUPPORTED_MODULES.stream().toList(), ""), 5);
            TokenizedBatch batch = new TokenizedBatch(1, 8, new long[]{1, 37999, 5, 17, 900, 31000, 2, 12},
                    new long[]{1, 1, 1, 1, 1, 1, 1, 1}, new long[]{0, 1, 1, 1, 1, 1, 1, 1});
            try (NDManager step = m.newSubManager()) {
                enc.backwardFromEmbeddings(step, batch, 9, step.ones(new Shape(1, 4096)));
            }
            for (NamedParameter p : enc.trainableParameters()) {
                NDArray g = Autograd.gradient(p.array());
                assertEquals(p.array().getShape(), g.getShape(), p.name());
                assertTrue(Float.isFinite(g.abs().sum().getFloat()), p.name());
            }
            // B starts at zero, so A's gradient is zero; every B gets one
            NDArray gb = Autograd.gradient(enc.trainableAdapter().modules().get(name).b());
            assertTrue(gb.abs().sum().getFloat() > 0, "down_proj's lora_B gradient");
        }
    }
}
