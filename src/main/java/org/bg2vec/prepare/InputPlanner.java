package org.bg2vec.prepare;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Driver-side planning: resolves {@code --input} paths (globs, directories) to files with formats, pairs
 * multistream dumps with their {@code --index}, detects each XML file's encoding and cuts files into
 * {@link DumpSplit}s: multistream ranges of whole bz2 streams, byte ranges of plain UTF-8 XML, else whole files.
 */
public final class InputPlanner {

    /** Largest compressed range of a multistream dump per task. */
    static final long MAX_BZ2_SPLIT = 8L << 20;
    /** Largest byte range of a plain XML dump per task. */
    static final long MAX_XML_SPLIT = 64L << 20;
    /** Smallest byte range of a plain XML dump per task. */
    static final long MIN_XML_SPLIT = 64L << 10;

    private final Configuration conf;

    public InputPlanner(Configuration conf) {
        this.conf = conf;
    }

    /** Resolves the inputs; unknown paths, empty files or directories and unpaired indexes are errors. */
    public List<ResolvedInput> resolve(List<String> inputs, InputFormat format, List<String> indexes)
            throws IOException {
        List<FileStatus> files = new ArrayList<>();
        List<InputFormat> formats = new ArrayList<>();
        for (String input : inputs) {
            Path p = new Path(input);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matched = fs.globStatus(p);
            if (matched == null || matched.length == 0) {
                throw new IllegalArgumentException("input not found: " + input);
            }
            Arrays.sort(matched, Comparator.comparing(s -> s.getPath().toString()));
            for (FileStatus st : matched) {
                addInput(fs, st, format, files, formats);
            }
        }
        List<Path> indexPaths = new ArrayList<>();
        for (String idx : indexes) {
            Path p = new Path(idx);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                throw new IllegalArgumentException("index not found: " + idx);
            }
            indexPaths.add(fs.getFileStatus(p).getPath());
        }
        List<ResolvedInput> out = new ArrayList<>();
        boolean[] used = new boolean[indexPaths.size()];
        long xmlCount = formats.stream().filter(f -> f == InputFormat.XML).count();
        for (int i = 0; i < files.size(); i++) {
            FileStatus st = files.get(i);
            InputFormat f = formats.get(i);
            String path = st.getPath().toString();
            Compression c = st.isDirectory() ? Compression.NONE : Compression.fromName(st.getPath().getName());
            String index = null;
            if (f == InputFormat.XML) {
                for (int k = 0; k < indexPaths.size(); k++) {
                    if (!used[k] && (pairs(indexPaths.get(k), st.getPath()) || (xmlCount == 1 && indexPaths.size() == 1))) {
                        used[k] = true;
                        index = indexPaths.get(k).toString();
                        break;
                    }
                }
                if (index != null && c != Compression.BZIP2) {
                    throw new IllegalArgumentException("--index " + index + " is for a multistream .xml.bz2 dump, but "
                            + path + " is not bz2-compressed");
                }
            }
            long bytes = st.isDirectory() ? st.getPath().getFileSystem(conf).getContentSummary(st.getPath()).getLength()
                    : st.getLen();
            if (bytes == 0) {
                throw new DumpReadException(path + ": the input is empty (0 bytes). Check the download.");
            }
            out.add(new ResolvedInput(i, path, bytes, f, c, index));
        }
        for (int k = 0; k < used.length; k++) {
            if (!used[k]) {
                throw new IllegalArgumentException("--index " + indexPaths.get(k) + " matches no XML input: name it like"
                        + " the dump (X-multistream-index.txt.bz2 for X-multistream.xml.bz2)");
            }
        }
        return out;
    }

    private void addInput(FileSystem fs, FileStatus st, InputFormat format, List<FileStatus> files,
                          List<InputFormat> formats) throws IOException {
        String name = st.getPath().getName();
        if (st.isDirectory()) {
            FileStatus[] children = fs.listStatus(st.getPath(),
                    p -> !p.getName().startsWith(".") && !p.getName().startsWith("_"));
            boolean parquet = format == InputFormat.PARQUET || (format == InputFormat.AUTO
                    && Arrays.stream(children).anyMatch(c -> c.getPath().getName().endsWith(".parquet")));
            if (parquet) {
                files.add(st);
                formats.add(InputFormat.PARQUET);
                return;
            }
            Arrays.sort(children, Comparator.comparing(s -> s.getPath().toString()));
            int before = files.size();
            for (FileStatus c : children) {
                if (!c.isDirectory()) {
                    addInput(fs, c, format, files, formats);
                }
            }
            if (files.size() == before) {
                throw new IllegalArgumentException(st.getPath() + ": the input directory holds no files to read"
                        + " (subdirectories and names starting with '.' or '_' are skipped): check the --input path");
            }
            return;
        }
        files.add(st);
        formats.add(format == InputFormat.AUTO ? InputFormat.fromName(name, false) : format);
    }

    /** Whether an index file is named after the dump (X-index.txt[.bz2] for X.xml.bz2). */
    static boolean pairs(Path index, Path dump) {
        String i = index.getName().replaceAll("\\.bz2$", "").replaceAll("-index\\.txt$", "");
        String d = dump.getName().replaceAll("\\.bz2$", "").replaceAll("\\.xml$", "");
        return i.equals(d);
    }

    /**
     * Cuts one XML or JSONL input into splits.
     *
     * @param parallelism the cluster's default parallelism: ranges are sized to give each core a few tasks
     */
    public List<DumpSplit> splits(ResolvedInput in, int parallelism) throws IOException {
        if (in.format() == InputFormat.JSONL) {
            return List.of(new DumpSplit(in.index(), in.path(), in.bytes(), in.format(), in.compression(),
                    DumpSplit.Kind.WHOLE, 0, in.bytes(), "UTF-8", 0, true));
        }
        XmlEncoding enc = detectEncoding(in);
        String cs = enc.charset().name();
        List<DumpSplit> out = new ArrayList<>();
        long perTask = Math.max(1, in.bytes() / Math.max(1, 4L * parallelism));
        if (in.indexPath() != null) {
            long[] offsets;
            Path idx = new Path(in.indexPath());
            try (InputStream raw = idx.getFileSystem(conf).open(idx);
                 InputStream text = decompressed(raw, Compression.fromName(idx.getName()))) {
                offsets = MultistreamIndex.streamOffsets(text, in.indexPath());
            }
            List<long[]> ranges = MultistreamIndex.ranges(offsets, in.bytes(), Math.min(MAX_BZ2_SPLIT, perTask),
                    in.path());
            for (int i = 0; i < ranges.size(); i++) {
                long[] r = ranges.get(i);
                out.add(new DumpSplit(in.index(), in.path(), in.bytes(), in.format(), in.compression(),
                        DumpSplit.Kind.BZ2_STREAMS, r[0], r[1], cs, enc.bomLength(), i == ranges.size() - 1));
            }
            return out;
        }
        if (in.compression() == Compression.NONE && enc.isUtf8()) {
            long size = Math.max(MIN_XML_SPLIT, Math.min(MAX_XML_SPLIT, perTask));
            // equal ranges, none shorter than `size`, so the last one holds the whole tail with </mediawiki>
            long n = Math.max(1, in.bytes() / size);
            for (long i = 0; i < n; i++) {
                long start = in.bytes() * i / n;
                long end = in.bytes() * (i + 1) / n;
                out.add(new DumpSplit(in.index(), in.path(), in.bytes(), in.format(), in.compression(),
                        DumpSplit.Kind.XML_RANGE, start, end, cs, enc.bomLength(), i == n - 1));
            }
            return out;
        }
        return List.of(new DumpSplit(in.index(), in.path(), in.bytes(), in.format(), in.compression(),
                DumpSplit.Kind.WHOLE, 0, in.bytes(), cs, enc.bomLength(), true));
    }

    /** The encoding of an XML input from its first (decompressed) bytes. */
    XmlEncoding detectEncoding(ResolvedInput in) throws IOException {
        DumpSplit whole = new DumpSplit(in.index(), in.path(), in.bytes(), in.format(), in.compression(),
                DumpSplit.Kind.WHOLE, 0, in.bytes(), "UTF-8", 0, true);
        byte[] head;
        try (SplitInput input = SplitInput.open(whole, conf)) {
            head = input.utf8().readNBytes(256);
        }
        if (head.length == 0) {
            throw new DumpReadException(in.path() + ": the dump is empty (nothing after decompression)."
                    + " Check the download.");
        }
        try {
            return XmlEncoding.detect(head, head.length);
        } catch (IllegalArgumentException e) {
            throw new DumpReadException(in.path() + ": " + e.getMessage(), e);
        }
    }

    private static InputStream decompressed(InputStream raw, Compression c) throws IOException {
        InputStream b = new BufferedInputStream(raw, 1 << 16);
        return switch (c) {
            case BZIP2 -> new BZip2CompressorInputStream(b, true);
            case GZIP -> new GZIPInputStream(b);
            case NONE -> b;
        };
    }
}
