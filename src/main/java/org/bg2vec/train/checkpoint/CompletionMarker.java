package org.bg2vec.train.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.io.HadoopFiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * {@code step-N/complete.json}, published after everything else of the checkpoint is in place: the step, a
 * unique id, the {@link RunIdentity}, and every file of the checkpoint with its size and CRC32C. A checkpoint
 * counts as complete only when its marker exists and every file it lists has that size and checksum, so a
 * copy-then-delete rename (S3A) or a crash in the middle of one never passes for a checkpoint.
 *
 * @param step  the training step
 * @param id    unique per save (tells a rewritten {@code step-N} from the one that was there before)
 * @param run   the run the checkpoint belongs to
 * @param files every file, by path relative to the checkpoint directory
 */
record CompletionMarker(long step, String id, RunIdentity run, List<Entry> files) {

    static final String FILE = "complete.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file of the checkpoint. */
    record Entry(String path, long size, long crc32c) {
    }

    /** Describes the finished local checkpoint directory {@code dir}. */
    static CompletionMarker describe(java.nio.file.Path dir, long step, RunIdentity run) throws IOException {
        List<Entry> files = new ArrayList<>();
        List<java.nio.file.Path> all;
        try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
            all = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (java.nio.file.Path f : all) {
            try (InputStream in = Files.newInputStream(f)) {
                files.add(new Entry(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'),
                        Files.size(f), crc32c(in)));
            }
        }
        return new CompletionMarker(step, UUID.randomUUID().toString(), run, List.copyOf(files));
    }

    /** Writes the marker into {@code checkpoint} (copy to a hidden name, then rename). */
    void publish(FileSystem fs, Path checkpoint) throws IOException {
        java.nio.file.Path local = Files.createTempFile("bg2vec-complete-", ".json");
        try {
            Files.writeString(local, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()));
            HadoopFiles.publish(fs, local, new Path(checkpoint, FILE));
        } finally {
            HadoopFiles.deleteLocal(local);
        }
    }

    static boolean exists(FileSystem fs, Path checkpoint) throws IOException {
        return fs.exists(new Path(checkpoint, FILE));
    }

    /** Reads the marker of {@code checkpoint}; a missing or unreadable one is a {@link CorruptCheckpointException}. */
    static CompletionMarker read(FileSystem fs, Path checkpoint) throws IOException {
        Path f = new Path(checkpoint, FILE);
        if (!fs.exists(f)) {
            throw new CorruptCheckpointException(checkpoint + " has no " + FILE + ": it was not completely written"
                    + " (an interrupted save or rename, or a bg2vec version without completion markers)");
        }
        JsonNode n;
        try (InputStream in = fs.open(f)) {
            n = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new CorruptCheckpointException(f + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (n.path("format").asInt() != FORMAT || !n.path("files").isArray() || !n.path("run").isObject()) {
            throw new CorruptCheckpointException(f + ": unsupported or incomplete completion marker (format "
                    + n.path("format") + ")");
        }
        List<Entry> files = new ArrayList<>();
        for (JsonNode e : n.path("files")) {
            files.add(new Entry(e.path("path").asText(), e.path("size").asLong(-1),
                    Long.parseLong(e.path("crc32c").asText("0"), 16)));
        }
        return new CompletionMarker(n.path("step").asLong(-1), n.path("id").asText(""),
                RunIdentity.fromJson(n.path("run")), List.copyOf(files));
    }

    /** Checks that every listed file exists with its recorded size and checksum. */
    void verify(FileSystem fs, Path checkpoint) throws IOException {
        for (Entry e : files) {
            Path p = new Path(checkpoint, e.path());
            FileStatus st;
            try {
                st = fs.getFileStatus(p);
            } catch (FileNotFoundException x) {
                throw new CorruptCheckpointException(p + " is missing (listed in " + FILE + ")");
            }
            if (st.getLen() != e.size()) {
                throw new CorruptCheckpointException(p + " has " + st.getLen() + " bytes, " + FILE + " records "
                        + e.size());
            }
            long crc;
            try (InputStream in = fs.open(p)) {
                crc = crc32c(in);
            }
            if (crc != e.crc32c()) {
                throw new CorruptCheckpointException(p + " fails its checksum (CRC32C " + Long.toHexString(crc)
                        + ", " + FILE + " records " + Long.toHexString(e.crc32c()) + ")");
            }
        }
    }

    /** The recorded size of {@code path}; a checkpoint without it is corrupt. */
    long size(String path) throws CorruptCheckpointException {
        return files.stream().filter(e -> e.path().equals(path)).mapToLong(Entry::size).findFirst()
                .orElseThrow(() -> new CorruptCheckpointException(FILE + " does not list " + path));
    }

    private ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("step", step);
        n.put("id", id);
        n.set("run", run.toJson());
        ArrayNode fs = n.putArray("files");
        for (Entry e : files) {
            fs.addObject().put("path", e.path()).put("size", e.size()).put("crc32c", Long.toHexString(e.crc32c()));
        }
        return n;
    }

    static long crc32c(InputStream in) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) > 0; ) {
            crc.update(buf, 0, r);
        }
        return crc.getValue();
    }
}
