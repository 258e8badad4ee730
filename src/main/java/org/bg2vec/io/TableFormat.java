package org.bg2vec.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** The table formats bg2vec reads (encode input, evaluation pairs): Parquet, JSON lines, CSV with a header. */
public enum TableFormat {
    PARQUET("parquet"),
    JSONL("jsonl"),
    CSV("csv");

    private final String cliName;

    TableFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line ({@code --format}). */
    public String cliName() {
        return cliName;
    }

    /** Parses a {@code --format} value: parquet, jsonl (or json, ndjson) or csv, case-insensitive. */
    public static TableFormat parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "parquet":
                return PARQUET;
            case "jsonl":
            case "json":
            case "ndjson":
                return JSONL;
            case "csv":
                return CSV;
            default:
                throw new IllegalArgumentException("unknown format '" + name + "': use parquet, jsonl or csv");
        }
    }

    /** The format implied by a file name's extension, if any ({@code .parquet}, {@code .jsonl}/{@code .json}/{@code .ndjson}, {@code .csv}). */
    public static Optional<TableFormat> fromExtension(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz") || n.endsWith(".bz2")) {
            n = n.substring(0, n.lastIndexOf('.'));
        }
        if (n.endsWith(".parquet")) {
            return Optional.of(PARQUET);
        }
        if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) {
            return Optional.of(JSONL);
        }
        if (n.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        return Optional.empty();
    }

    /**
     * The format of {@code path}: {@code explicit} when given, else the extension of the path, else (for a
     * local directory such as Spark's output) the extension of its first data file.
     *
     * @throws IllegalArgumentException when the format cannot be told, saying to pass --format
     */
    public static TableFormat detect(String path, String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return parse(explicit);
        }
        Optional<TableFormat> f = fromExtension(path.replaceAll("/+$", ""));
        if (f.isPresent()) {
            return f.get();
        }
        Path local = localPath(path);
        if (local != null && Files.isDirectory(local)) {
            try (Stream<Path> files = Files.list(local)) {
                Optional<TableFormat> inside = files.map(p -> p.getFileName().toString())
                        .filter(n -> !n.startsWith(".") && !n.startsWith("_"))
                        .sorted()
                        .map(TableFormat::fromExtension)
                        .flatMap(Optional::stream)
                        .findFirst();
                if (inside.isPresent()) {
                    return inside.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + path, e);
            }
        }
        throw new IllegalArgumentException("cannot tell the format of " + path
                + " from its name: pass --format parquet, jsonl or csv");
    }

    private static Path localPath(String path) {
        if (path.startsWith("file:")) {
            return Path.of(java.net.URI.create(path));
        }
        if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return null;
        }
        return Path.of(path);
    }
}
