package org.bg2vec.format;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tensors from one safetensors file without loading the file: the header is parsed once, and each
 * tensor is copied from memory-mapped windows of at most {@code chunkBytes} (well below 2 GiB), so
 * files of many GB and tensors larger than 2 GiB work. F32, F16, BF16, F64, I64 and I32 are read; BF16
 * is converted to float32 in Java while copying (then to the requested type by torch), so no bfloat16
 * NDArray ever exists. The header is validated as the reference implementation does: offsets
 * contiguous from 0, sizes equal to element count × dtype size, data section fully indexed.
 *
 * <p>Not thread-safe (one staging buffer per file, or one shared by the shards of a {@link Checkpoint}, which
 * reads them one at a time); {@link #read} is synchronized.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Default window/staging size: 64 MiB. */
    public static final int DEFAULT_CHUNK_BYTES = 64 << 20;
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final int chunkBytes;
    private final Staging staging;
    private final boolean ownsStaging;

    /**
     * The direct buffer tensors are staged in on their way to torch (at most one window), growable. One per
     * file, or one shared by the files of a checkpoint so that N shards do not hold N windows.
     */
    static final class Staging {
        private ByteBuffer buffer;

        ByteBuffer get(int bytes, int chunkBytes) {
            if (buffer == null || buffer.capacity() < bytes) {
                buffer = ByteBuffer.allocateDirect(Math.max(bytes, Math.min(chunkBytes, 1 << 20)))
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            return buffer;
        }

        void release() {
            buffer = null;
        }
    }

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata, int chunkBytes, Staging staging, boolean ownsStaging) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
        this.chunkBytes = chunkBytes;
        this.staging = staging;
        this.ownsStaging = ownsStaging;
    }

    /** Opens and validates {@code path}; close it when done. */
    public static SafetensorsFile open(Path path) {
        return open(path, DEFAULT_CHUNK_BYTES);
    }

    /** As {@link #open(Path)} with a custom copy window (tests use tiny windows to exercise chunking). */
    public static SafetensorsFile open(Path path, int chunkBytes) {
        return open(path, chunkBytes, null);
    }

    /** As {@link #open(Path)}, staging through {@code shared} (null: a buffer of its own). */
    static SafetensorsFile open(Path path, Staging shared) {
        return open(path, DEFAULT_CHUNK_BYTES, shared);
    }

    private static SafetensorsFile open(Path path, int chunkBytes, Staging shared) {
        if (chunkBytes < 16) {
            throw new IllegalArgumentException("chunkBytes must be >= 16");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SafetensorsException("cannot open safetensors file " + path + ": " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsException(path + ": not a safetensors file (" + size + " bytes, no header)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, path);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
                throw new SafetensorsException(path + ": invalid header length " + headerLen + " (file has " + size
                        + " bytes); the file is truncated or not safetensors");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8, path);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, TensorInfo> infos = parseHeader(json, path, meta);
            long dataLen = size - 8 - headerLen;
            validateOffsets(infos, dataLen, path);
            return new SafetensorsFile(path, ch, 8 + headerLen, Collections.unmodifiableMap(infos),
                    Collections.unmodifiableMap(meta), chunkBytes, shared == null ? new Staging() : shared,
                    shared == null);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new SafetensorsException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(String json, Path path, Map<String, String> meta) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new SafetensorsException(path + ": header is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(path + ": header is not a JSON object");
        }
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String where = path + ": tensor '" + name + "'";
            JsonNode dtype = v.get("dtype");
            JsonNode shape = v.get("shape");
            JsonNode offsets = v.get("data_offsets");
            if (dtype == null || shape == null || !shape.isArray() || offsets == null || !offsets.isArray()
                    || offsets.size() != 2) {
                throw new SafetensorsException(where + ": header entry needs dtype, shape[] and data_offsets[2]");
            }
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).asLong(-1);
                if (dims[i] < 0) {
                    throw new SafetensorsException(where + ": negative or non-integer dimension in shape " + shape);
                }
            }
            TensorInfo info = new TensorInfo(name, SafetensorsDType.parse(dtype.asText(), where), dims,
                    offsets.get(0).asLong(-1), offsets.get(1).asLong(-1));
            long expected = Math.multiplyExact(info.elementCount(), info.dtype().bytes());
            if (info.begin() < 0 || info.end() - info.begin() != expected) {
                throw new SafetensorsException(where + ": data_offsets " + offsets + " hold " + (info.end() - info.begin())
                        + " bytes but shape " + shape + " of " + info.dtype() + " needs " + expected);
            }
            infos.put(name, info);
        }
        return infos;
    }

    private static void validateOffsets(Map<String, TensorInfo> infos, long dataLen, Path path) {
        List<TensorInfo> sorted = new ArrayList<>(infos.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long next = 0;
        for (TensorInfo t : sorted) {
            if (t.begin() != next) {
                throw new SafetensorsException(path + ": tensor '" + t.name() + "' starts at " + t.begin()
                        + " but the previous tensor ends at " + next + " (offsets must be contiguous from 0)");
            }
            next = t.end();
        }
        if (next != dataLen) {
            throw new SafetensorsException(path + ": tensors cover " + next + " data bytes but the file holds " + dataLen
                    + " (truncated or trailing bytes)");
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** Tensor entries by name, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} map (empty if absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The entry of {@code name}, or an error naming the file. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsException(path + ": no tensor named '" + name + "'");
        }
        return t;
    }

    /**
     * Reads tensor {@code name} into a new array of {@code manager} (on the manager's device) of element
     * type {@code target}; null keeps the stored type, except BF16 which becomes FLOAT32. Floating types
     * convert between each other; integer tensors must be read as stored.
     */
    public synchronized NDArray read(NDManager manager, String name, DataType target) {
        TensorInfo info = info(name);
        SafetensorsDType src = info.dtype();
        // what the staged bytes hold: the stored type, or float32 for BF16 (converted in Java)
        DataType staged = src == SafetensorsDType.BF16 ? DataType.FLOAT32 : src.djlType();
        DataType out = target == null ? staged : target;
        if (out == DataType.BFLOAT16) {
            throw new IllegalArgumentException("bfloat16 arrays are never created (DJL 0.36 aborts on them)");
        }
        if (out != staged && !(out.isFloating() && staged.isFloating())) {
            throw new SafetensorsException(path + ": tensor '" + name + "' is " + src + " and cannot be read as " + out);
        }
        long n = info.elementCount();
        Shape shape = new Shape(info.shape());
        int stagedBytes = staged.getNumOfBytes();
        long perChunk = Math.max(1, chunkBytes / stagedBytes);
        if (n <= perChunk) {
            NDArray flat = readRange(manager, info, 0, (int) n, staged, out);
            NDArray result = flat.reshape(shape);
            flat.close();
            return result;
        }
        NDArray dest = manager.create(new Shape(n), out);
        try {
            for (long start = 0; start < n; start += perChunk) {
                int count = (int) Math.min(perChunk, n - start);
                try (NDArray part = readRange(manager, info, start, count, staged, out)) {
                    dest.set(new NDIndex("{}:{}", start, start + count), part);
                }
            }
            NDArray result = dest.reshape(shape);
            dest.close();
            return result;
        } catch (RuntimeException e) {
            dest.close();
            throw e;
        }
    }

    /** Elements [start, start+count) of the tensor as an owned array of type {@code out}. */
    private NDArray readRange(NDManager manager, TensorInfo info, long start, int count, DataType staged,
                              DataType out) {
        int srcBytes = info.dtype().bytes();
        long pos = dataStart + info.begin() + start * srcBytes;
        long len = (long) count * srcBytes;
        ByteBuffer buf = stagingBuffer(Math.max(1, count * staged.getNumOfBytes()));
        if (count > 0) {
            MappedByteBuffer window = map(pos, len, info);
            window.order(ByteOrder.LITTLE_ENDIAN);
            if (info.dtype() == SafetensorsDType.BF16) {
                ShortBuffer in = window.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    buf.putInt(i * 4, (in.get(i) & 0xFFFF) << 16);
                }
            } else {
                buf.put(0, window, 0, (int) len);
            }
        }
        ByteBuffer view = buf.slice(0, count * staged.getNumOfBytes()).order(ByteOrder.nativeOrder());
        // on CPU the new array aliases the staging buffer: copy it into torch-owned memory before reuse
        try (NDArray alias = manager.create(view, new Shape(count), staged)) {
            return out == staged ? alias.duplicate() : alias.toType(out, true);
        }
    }

    private MappedByteBuffer map(long pos, long len, TensorInfo info) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, pos, len);
        } catch (IOException e) {
            throw new SafetensorsException(path + ": cannot map tensor '" + info.name() + "' bytes " + pos + "+" + len
                    + ": " + e.getMessage(), e);
        }
    }

    private ByteBuffer stagingBuffer(int bytes) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("safetensors reading needs a little-endian platform");
        }
        return staging.get(bytes, chunkBytes);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new SafetensorsException(path + ": unexpected end of file in the header");
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        if (ownsStaging) {
            staging.release();
        }
        closeQuietly(channel);
    }
}
