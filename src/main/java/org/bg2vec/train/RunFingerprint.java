package org.bg2vec.train;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.format.PreparedData;
import org.bg2vec.train.checkpoint.RunIdentity;
import org.bg2vec.train.data.Manifest;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The parts of a run's {@link RunIdentity}: every training-relevant setting (each {@link TrainConfig} component
 * except the {@link #OPERATIONAL} ones, so a setting added later counts unless it is listed there), and digests
 * of the base model directory, the MNTP adapter directory and the training data (the manifest's tokenizer and
 * length, each train file's name, size and digest). Paths do not count: the same model or data moved elsewhere
 * is the same run.
 *
 * <p>A file's digest is SHA-256 over its size, its first MiB, 16 blocks of 64 KiB spread over it and its last
 * 64 KiB: a few MB read for a 14 GB model, and a retrained model or re-prepared shard differs there.
 */
final class RunFingerprint {

    /**
     * Settings that do not change what is trained: where inputs and outputs are (their contents count
     * instead), how often to log, save or validate, when this invocation stops, the worker count (W workers
     * train the model of one), retries and resuming.
     */
    static final Set<String> OPERATIONAL = Set.of("modelNameOrPath", "peftModelNameOrPath", "trainData",
            "validationData", "outputDir", "checkpointDir", "keepCheckpoints", "saveSteps", "loggingSteps",
            "evalSteps", "evalBatches", "stopAfterNSteps", "workers", "maxAttempts", "resume", "raw");

    private static final int HEAD = 1 << 20;
    private static final int BLOCK = 1 << 16;
    private static final int SAMPLES = 16;

    private RunFingerprint() {
    }

    /** The identity parts of training {@code config} on the data of {@code manifest} (no run id yet). */
    static RunIdentity of(TrainConfig config, Manifest manifest, Configuration hadoop) throws IOException {
        return of(config, Map.of(), manifest, hadoop);
    }

    /** As above, with the settings of the objective beyond the {@link TrainConfig} (MNTP's masking). */
    static RunIdentity of(TrainConfig config, Map<String, String> objective, Manifest manifest, Configuration hadoop)
            throws IOException {
        SortedMap<String, String> parts = new TreeMap<>();
        for (RecordComponent rc : TrainConfig.class.getRecordComponents()) {
            if (!OPERATIONAL.contains(rc.getName())) {
                parts.put(snakeCase(rc.getName()), String.valueOf(value(rc, config)));
            }
        }
        parts.putAll(objective);
        parts.put("model", directory(config.modelNameOrPath(), hadoop));
        parts.put("adapter", directory(config.peftModelNameOrPath(), hadoop));
        parts.put("data", data(manifest, hadoop));
        return new RunIdentity(null, parts);
    }

    /** learningRate → learning_rate, the config key's spelling. */
    static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static Object value(RecordComponent rc, TrainConfig config) {
        try {
            return rc.getAccessor().invoke(config);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The digest of the visible files of a directory, "none" when unset. */
    private static String directory(String dir, Configuration hadoop) throws IOException {
        if (dir == null || dir.isBlank()) {
            return "none";
        }
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(hadoop);
        if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
            return "unreadable";
        }
        FileStatus[] files = fs.listStatus(p);
        Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
        MessageDigest all = sha256();
        for (FileStatus f : files) {
            String name = f.getPath().getName();
            if (f.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                all.update((name + ":" + fileDigest(fs, f) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(all.digest()).substring(0, 16);
    }

    private static String data(Manifest manifest, Configuration hadoop) throws IOException {
        MessageDigest all = sha256();
        all.update(("tokenizer " + manifest.tokenizerSha256() + " max_seq_length " + manifest.maxSeqLength() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        List<Path> files = manifest.split(PreparedData.TRAIN).files();
        for (Path f : files) {
            FileSystem fs = f.getFileSystem(hadoop);
            all.update((f.getName() + ":" + fileDigest(fs, fs.getFileStatus(f)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(all.digest()).substring(0, 16);
    }

    /** SHA-256 of the size, the first MiB, 16 evenly spread 64 KiB blocks and the last 64 KiB. */
    static String fileDigest(FileSystem fs, FileStatus f) throws IOException {
        long size = f.getLen();
        MessageDigest sha = sha256();
        sha.update(ByteBuffer.allocate(8).putLong(0, size));
        try (FSDataInputStream in = fs.open(f.getPath())) {
            read(in, 0, (int) Math.min(size, HEAD), sha);
            if (size > HEAD) {
                for (int i = 1; i <= SAMPLES; i++) {
                    long at = HEAD + (size - HEAD - BLOCK) * i / (SAMPLES + 1);
                    read(in, Math.max(HEAD, at), (int) Math.min(BLOCK, size - HEAD), sha);
                }
                long tail = Math.max(HEAD, size - BLOCK);
                read(in, tail, (int) (size - tail), sha);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void read(FSDataInputStream in, long at, int n, MessageDigest sha) throws IOException {
        byte[] b = new byte[n];
        in.readFully(at, b);
        sha.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
