package org.bg2vec.modelstore;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.format.SafetensorsDType;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.format.SafetensorsWriter;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Model directories laid out the way BgGPT is published, for the model store and fetch tests. */
public final class TestModels {

    public static final Path LLAMA2 = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");

    private TestModels() {
    }

    /**
     * A random tiny Mistral with the Llama-2 tokenizer, as Hugging Face publishes 7B models: bfloat16 weights in
     * two shards {@code model-0000N-of-00002.safetensors}, {@code model.safetensors.index.json}, {@code config.json},
     * {@code tokenizer.json}, plus a {@code pytorch_model.bin} bg2vec never reads.
     */
    public static Path shardedBf16(Path dir, long seed) throws IOException {
        RandomCheckpoint.write(ModelPreset.TINY, LLAMA2, "<s>", "</s>", seed, dir);
        Files.copy(LLAMA2, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        Path single = dir.resolve("model.safetensors");
        List<List<SafetensorsWriter.Entry>> shards = List.of(new ArrayList<>(), new ArrayList<>());
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        DjlRuntime.engine();
        try (SafetensorsFile f = SafetensorsFile.open(single); NDManager m = DjlRuntime.newManager()) {
            int i = 0;
            for (String name : f.tensors().keySet()) {
                int shard = i++ % 2;
                float[] v = f.read(m, name, DataType.FLOAT32).toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    b.putShort((short) (Float.floatToIntBits(x) >>> 16));
                }
                b.flip();
                shards.get(shard).add(new SafetensorsWriter.Entry(name, SafetensorsDType.BF16,
                        f.info(name).shape(), b));
                index.append(i == 1 ? "" : ", ").append('"').append(name).append("\": \"")
                        .append(shardName(shard)).append('"');
            }
        }
        Files.delete(single);
        for (int s = 0; s < 2; s++) {
            SafetensorsWriter.write(dir.resolve(shardName(s)), shards.get(s), Map.of("format", "pt"));
        }
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), index.append("}}").toString());
        Files.writeString(dir.resolve("pytorch_model.bin"), "not read by bg2vec");
        return dir;
    }

    static String shardName(int shard) {
        return String.format("model-%05d-of-00002.safetensors", shard + 1);
    }
}
