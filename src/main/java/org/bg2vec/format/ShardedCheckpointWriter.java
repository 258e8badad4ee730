package org.bg2vec.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bg2vec.djl.Tensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a checkpoint sharded as Hugging Face publishes large models: {@code model-0000N-of-0000M.safetensors}
 * files of at most {@code maxShardBytes} of tensor data each (tensors in the given order; a tensor larger than
 * the limit gets a shard of its own), then {@code model.safetensors.index.json} with
 * {@code {"metadata": {"total_size": bytes}, "weight_map": {tensor: shard file}}}, as transformers'
 * {@code save_pretrained} does. Tensors are produced one at a time ({@link SafetensorsWriter#lazy}), so a
 * checkpoint larger than the heap can be written. The index comes last and is moved into place atomically: a
 * directory without it is not a complete checkpoint ({@link Checkpoint#open} then finds no index).
 */
public final class ShardedCheckpointWriter {

    private ShardedCheckpointWriter() {
    }

    /** Writes the shards and the index into {@code dir}; returns the shard files in order. */
    public static List<Path> write(Path dir, List<? extends SafetensorsWriter.Tensor> tensors, long maxShardBytes,
                                   Map<String, String> metadata) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be > 0, got " + maxShardBytes);
        }
        List<List<SafetensorsWriter.Tensor>> shards = split(tensors, maxShardBytes);
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(Checkpoint.INDEX_FILE));
        List<Path> files = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Path file = dir.resolve(name);
            SafetensorsWriter.write(file, shards.get(i), metadata);
            for (SafetensorsWriter.Tensor t : shards.get(i)) {
                weightMap.put(t.name(), name);
                total += t.byteSize();
            }
            files.add(file);
        }
        writeIndex(dir, total, weightMap);
        return files;
    }

    /** Consecutive groups of at most {@code maxShardBytes} (a larger tensor alone). */
    static List<List<SafetensorsWriter.Tensor>> split(List<? extends SafetensorsWriter.Tensor> tensors, long maxShardBytes) {
        List<List<SafetensorsWriter.Tensor>> shards = new ArrayList<>();
        List<SafetensorsWriter.Tensor> current = new ArrayList<>();
        long bytes = 0;
        for (SafetensorsWriter.Tensor t : tensors) {
            long size = t.byteSize();
            if (!current.isEmpty() && bytes + size > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(t);
            bytes += size;
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    private static void writeIndex(Path dir, long totalSize, Map<String, String> weightMap) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", totalSize);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Path tmp = Files.createTempFile(dir, Checkpoint.INDEX_FILE, ".tmp");
        try {
            Files.writeString(tmp, json.writeValueAsString(index) + "\n");
            Files.move(tmp, dir.resolve(Checkpoint.INDEX_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
