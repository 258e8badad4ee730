package org.bg2vec.modelstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The files of a model directory that bg2vec reads (every top-level {@code *.json} and {@code *.safetensors}: the
 * config, the weights or their shards with {@code model.safetensors.index.json}, {@code tokenizer.json}, the
 * adapter files, {@code llm2vec_config.json}), from metadata only: name, length, modification time and, where the
 * file system offers one ({@link FileSystem#getFileChecksum}, e.g. HDFS's block checksums, S3A's ETag when
 * enabled), its checksum. Their {@link #fingerprint()} tells a changed source without reading 14 GB. Other files
 * (PyTorch {@code .bin} duplicates, GGUF, sub-directories) are listed as skipped.
 *
 * @param uri     the qualified directory URI
 * @param files   the files to fetch, by name
 * @param skipped names of the entries not fetched
 */
public record SourceListing(String uri, List<SourceFile> files, List<String> skipped) {

    /** One source file's metadata; {@code checksum} is "" when the file system has none. */
    public record SourceFile(String name, long length, long modificationTime, String checksum) {
    }

    /** Lists {@code uri} (a qualified directory URI). */
    public static SourceListing list(String uri, Configuration conf) throws IOException {
        Path dir = new Path(uri);
        FileSystem fs = dir.getFileSystem(conf);
        FileStatus[] entries;
        try {
            entries = fs.listStatus(dir);
        } catch (java.io.FileNotFoundException e) {
            throw new IOException("model directory " + uri + " does not exist", e);
        }
        List<SourceFile> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (FileStatus s : entries) {
            String name = s.getPath().getName();
            if (s.isFile() && (name.endsWith(".json") || name.endsWith(".safetensors")) && !name.startsWith(".")) {
                FileChecksum c = fs.getFileChecksum(s.getPath());
                files.add(new SourceFile(name, s.getLen(), s.getModificationTime(), c == null ? ""
                        : c.getAlgorithmName() + ":" + HexFormat.of().formatHex(c.getBytes())));
            } else {
                skipped.add(name + (s.isDirectory() ? "/" : ""));
            }
        }
        if (files.isEmpty()) {
            throw new IOException("model directory " + uri + " holds no *.json or *.safetensors file");
        }
        files.sort(Comparator.comparing(SourceFile::name));
        skipped.sort(null);
        SourceListing listing = new SourceListing(uri, files, skipped);
        listing.checkShards(fs);
        return listing;
    }

    /** Total bytes to fetch. */
    public long totalBytes() {
        return files.stream().mapToLong(SourceFile::length).sum();
    }

    /** SHA-256 (hex) over every file's name, length, modification time and checksum, in name order. */
    public String fingerprint() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(uri.getBytes(StandardCharsets.UTF_8));
            for (SourceFile f : files) {
                d.update(("\n" + f.name() + "\t" + f.length() + "\t" + f.modificationTime() + "\t" + f.checksum())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sharded checkpoint's index must only name shards that are there (an incomplete upload is caught here). */
    private void checkShards(FileSystem fs) throws IOException {
        String index = "model.safetensors.index.json";
        if (files.stream().noneMatch(f -> f.name().equals(index))) {
            return;
        }
        JsonNode map;
        try (InputStream in = fs.open(new Path(new Path(uri), index))) {
            map = new ObjectMapper().readTree(in).path("weight_map");
        }
        TreeSet<String> missing = new TreeSet<>();
        for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
            String shard = it.next().asText();
            if (files.stream().noneMatch(f -> f.name().equals(shard))) {
                missing.add(shard);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(uri + "/" + index + " names shard(s) " + missing + " that are not in the directory:"
                    + " the model upload is incomplete");
        }
    }
}
