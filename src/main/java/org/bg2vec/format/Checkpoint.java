package org.bg2vec.format;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tensors of a Hugging Face checkpoint directory: either one {@code model.safetensors} or the
 * shards listed in {@code model.safetensors.index.json} ({@code weight_map}: tensor name → shard file).
 * Shards are opened lazily and memory-mapped window by window (see {@link SafetensorsFile}); they share one
 * staging buffer, so reading N shards holds one window of native memory, not N.
 */
public final class Checkpoint implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path dir;
    private final Map<String, Path> shardOf;
    private final Map<Path, SafetensorsFile> open = new LinkedHashMap<>();
    private final SafetensorsFile.Staging staging = new SafetensorsFile.Staging();

    private Checkpoint(Path dir, Map<String, Path> shardOf) {
        this.dir = dir;
        this.shardOf = Collections.unmodifiableMap(shardOf);
    }

    /** Opens the checkpoint in {@code dir} (index file preferred, else {@code model.safetensors}). */
    public static Checkpoint open(Path dir) {
        Path index = dir.resolve(INDEX_FILE);
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(index)) {
            return new Checkpoint(dir, readIndex(dir, index));
        }
        if (Files.isRegularFile(single)) {
            Map<String, Path> map = new TreeMap<>();
            try (SafetensorsFile f = SafetensorsFile.open(single)) {
                f.tensors().keySet().forEach(k -> map.put(k, single));
            }
            return new Checkpoint(dir, map);
        }
        throw new SafetensorsException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + dir
                + " (only safetensors checkpoints are supported; convert .bin checkpoints first)");
    }

    private static Map<String, Path> readIndex(Path dir, Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new SafetensorsException(index + ": cannot parse: " + e.getMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsException(index + ": missing the \"weight_map\" object");
        }
        Map<String, Path> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path shard = dir.resolve(e.getValue().asText()).normalize();
            if (!shard.startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
                throw new SafetensorsException(index + ": tensor '" + e.getKey() + "' maps to shard '"
                        + e.getValue().asText() + "', which is not a file in " + dir);
            }
            map.put(e.getKey(), shard);
        }
        return map;
    }

    /** The checkpoint directory. */
    public Path dir() {
        return dir;
    }

    /** Tensor name → shard file, sorted by name. */
    public Map<String, Path> tensorFiles() {
        return shardOf;
    }

    /** The header entry of {@code name}. */
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /** Reads {@code name} as {@code target} (see {@link SafetensorsFile#read}). */
    public synchronized NDArray read(NDManager manager, String name, DataType target) {
        return file(name).read(manager, name, target);
    }

    private synchronized SafetensorsFile file(String name) {
        Path p = shardOf.get(name);
        if (p == null) {
            throw new SafetensorsException(dir + ": checkpoint has no tensor '" + name + "'");
        }
        SafetensorsFile f = open.computeIfAbsent(p, file -> SafetensorsFile.open(file, staging));
        if (!f.tensors().containsKey(name)) {
            throw new SafetensorsException(INDEX_FILE + " in " + dir + " maps '" + name + "' to " + p.getFileName()
                    + ", but that shard does not contain it");
        }
        return f;
    }

    @Override
    public synchronized void close() {
        open.values().forEach(SafetensorsFile::close);
        open.clear();
        staging.release();
    }
}
