package org.bg2vec.format;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes safetensors files the way the reference serializer does: tensors ordered by descending dtype
 * size, then by name; a compact JSON header with {@code "__metadata__"} first, padded with spaces to a
 * multiple of 8 bytes; little-endian data. The file is written to a temporary sibling and moved into
 * place, so a crash never leaves a half-written file under the final name. A tensor's bytes may be produced
 * only when the writer reaches it ({@link #lazy}), so files larger than the heap are written one tensor at a time.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** A tensor to write: its header fields, and its raw little-endian bytes when the writer asks for them. */
    public interface Tensor {
        String name();

        SafetensorsDType dtype();

        long[] shape();

        /** The bytes (position to limit), exactly {@link #byteSize()} of them. */
        ByteBuffer bytes();

        /** Element count × element size. */
        default long byteSize() {
            return SafetensorsWriter.byteSize(name(), dtype(), shape());
        }
    }

    /**
     * One tensor to write: raw little-endian bytes (position 0 to limit) of {@code dtype} elements.
     */
    public record Entry(String name, SafetensorsDType dtype, long[] shape, ByteBuffer data) implements Tensor {
        public Entry {
            shape = shape.clone();
            checkSize(name, dtype, shape, data);
        }

        @Override
        public ByteBuffer bytes() {
            return data.duplicate();
        }

        /** The array's current values (copied to the heap; float32, float16, float64, int64 or int32). */
        public static Entry of(String name, NDArray array) {
            ByteBuffer bytes = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            return new Entry(name, SafetensorsDType.of(array.getDataType()), array.getShape().getShape(), bytes);
        }

        /** A float32 tensor from Java values. */
        public static Entry ofFloats(String name, long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Entry(name, SafetensorsDType.F32, shape, b);
        }
    }

    /** A tensor whose bytes {@code data} produces only when the writer reaches it. */
    public static Tensor lazy(String name, SafetensorsDType dtype, long[] shape, Supplier<ByteBuffer> data) {
        long[] dims = shape.clone();
        return new Tensor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public SafetensorsDType dtype() {
                return dtype;
            }

            @Override
            public long[] shape() {
                return dims.clone();
            }

            @Override
            public ByteBuffer bytes() {
                ByteBuffer b = data.get();
                checkSize(name, dtype, dims, b);
                return b;
            }
        };
    }

    private static long byteSize(String name, SafetensorsDType dtype, long[] shape) {
        long n = dtype.bytes();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void checkSize(String name, SafetensorsDType dtype, long[] shape, ByteBuffer data) {
        long bytes = byteSize(name, dtype, shape);
        if (bytes != data.remaining()) {
            throw new IllegalArgumentException(name + ": " + data.remaining() + " bytes for " + bytes / dtype.bytes()
                    + " " + dtype + " elements");
        }
    }

    /** Writes {@code arrays} (name → array) with metadata {"format": "pt"}. */
    public static void write(Path file, Map<String, NDArray> arrays) throws IOException {
        List<Entry> entries = new ArrayList<>();
        arrays.forEach((k, v) -> entries.add(Entry.of(k, v)));
        write(file, entries, Map.of("format", "pt"));
    }

    /** Writes {@code entries} with the given {@code __metadata__} (omitted when empty). */
    public static void write(Path file, List<? extends Tensor> entries, Map<String, String> metadata)
            throws IOException {
        List<Tensor> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt((Tensor e) -> -e.dtype().bytes()).thenComparing(Tensor::name));
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new LinkedHashMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Tensor e : sorted) {
            if (header.has(e.name())) {
                throw new IllegalArgumentException("duplicate tensor name " + e.name());
            }
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            long end = offset + e.byteSize();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp); WritableByteChannel ch = Channels.newChannel(os)) {
                writeAll(ch, head);
                for (Tensor e : sorted) {
                    writeAll(ch, e.bytes());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeAll(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
