package org.bg2vec.format;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.djl.DjlRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    @TempDir
    Path tmp;

    private static float[] values(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(i * 0.37 + 1) * scale;
        }
        return v;
    }

    @Test
    void writesTheReferenceLayoutAndReadsItBack() throws Exception {
        Path f = tmp.resolve("t.safetensors");
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("b.half", m.create(values(6, 3f), new Shape(2, 3)).toType(DataType.FLOAT16, false));
            arrays.put("z.float", m.create(values(12, 1f), new Shape(3, 4)));
            arrays.put("a.float", m.create(values(5, 2f), new Shape(5)));
            SafetensorsWriter.write(f, arrays);

            byte[] bytes = Files.readAllBytes(f);
            long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLen % 8, "header padded to a multiple of 8");
            String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
            assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"a.float\":"), header);
            JsonNode root = new ObjectMapper().readTree(header.trim());
            List<String> order = new ArrayList<>();
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                order.add(it.next());
            }
            // descending dtype size, then name
            assertEquals(List.of("__metadata__", "a.float", "z.float", "b.half"), order);
            assertEquals("[0,20]", root.get("a.float").get("data_offsets").toString());

            try (SafetensorsFile in = SafetensorsFile.open(f)) {
                assertEquals("pt", in.metadata().get("format"));
                for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                    NDArray back = in.read(m, e.getKey(), null);
                    assertEquals(e.getValue().getDataType(), back.getDataType());
                    assertEquals(e.getValue().getShape(), back.getShape());
                    assertArrayEquals(e.getValue().toType(DataType.FLOAT32, false).toFloatArray(),
                            back.toType(DataType.FLOAT32, false).toFloatArray(), 0f, e.getKey());
                }
                // float16 stored, read as float32; float32 read as float16
                assertArrayEquals(arrays.get("b.half").toType(DataType.FLOAT32, false).toFloatArray(),
                        in.read(m, "b.half", DataType.FLOAT32).toFloatArray(), 0f);
                assertEquals(DataType.FLOAT16, in.read(m, "z.float", DataType.FLOAT16).getDataType());
            }
        }
    }

    /** bf16 = upper 16 bits of a float32: the test writes bf16 bits and expects exactly those floats back. */
    @Test
    void readsBf16AsFloat32AndFloat16WithoutCreatingBf16Arrays() throws Exception {
        float[] src = values(37, 5f);
        ByteBuffer bf = ByteBuffer.allocate(src.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            int bits = Float.floatToIntBits(src[i]);
            short hi = (short) (bits >>> 16);
            bf.putShort(hi);
            expected[i] = Float.intBitsToFloat((hi & 0xFFFF) << 16);
        }
        bf.flip();
        Path f = tmp.resolve("bf16.safetensors");
        SafetensorsWriter.write(f, List.of(new SafetensorsWriter.Entry("w", SafetensorsDType.BF16, new long[]{37}, bf)),
                Map.of("format", "pt"));
        try (NDManager m = DjlRuntime.newManager()) {
            for (int chunk : new int[]{SafetensorsFile.DEFAULT_CHUNK_BYTES, 16, 40}) {
                try (SafetensorsFile in = SafetensorsFile.open(f, chunk)) {
                    assertEquals(SafetensorsDType.BF16, in.info("w").dtype());
                    NDArray a = in.read(m, "w", null);
                    assertEquals(DataType.FLOAT32, a.getDataType());
                    assertArrayEquals(expected, a.toFloatArray(), 0f, "chunk " + chunk);
                    NDArray h = in.read(m, "w", DataType.FLOAT16);
                    assertEquals(DataType.FLOAT16, h.getDataType());
                    NDArray viaTorch = m.create(expected).toType(DataType.FLOAT16, false);
                    assertArrayEquals(viaTorch.toType(DataType.FLOAT32, false).toFloatArray(),
                            h.toType(DataType.FLOAT32, false).toFloatArray(), 0f);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> {
                try (SafetensorsFile in = SafetensorsFile.open(f)) {
                    in.read(m, "w", DataType.BFLOAT16);
                }
            });
        }
    }

    @Test
    void readsLargeTensorsInManyWindows() throws Exception {
        Path f = tmp.resolve("chunks.safetensors");
        float[] v = values(1000, 1f);
        SafetensorsWriter.write(f, List.of(SafetensorsWriter.Entry.ofFloats("x", new long[]{10, 100}, v)), Map.of());
        try (NDManager m = DjlRuntime.newManager(); SafetensorsFile in = SafetensorsFile.open(f, 64)) {
            NDArray a = in.read(m, "x", null);
            assertEquals(new Shape(10, 100), a.getShape());
            assertArrayEquals(v, a.toFloatArray(), 0f);
        }
    }

    /**
     * A sparse file (no disk used) whose second tensor starts 2.5 GiB into the data section: reading it needs
     * mapping windows beyond the 2 GiB a single ByteBuffer can address.
     */
    @Test
    void readsTensorsBeyondTwoGibibytes() throws Exception {
        long padBytes = 5L << 29; // 2.5 GiB of float32 zeros, never written
        float[] tail = {1.5f, -2f, 3.25f, 42f};
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"pad\":{\"dtype\":\"F32\",\"shape\":[" + padBytes / 4
                + "],\"data_offsets\":[0," + padBytes + "]},\"tail\":{\"dtype\":\"F32\",\"shape\":[2,2],"
                + "\"data_offsets\":[" + padBytes + "," + (padBytes + 16) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        Path f = tmp.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(h);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            raf.write(head.array());
            raf.seek(8 + padded + padBytes);
            ByteBuffer t = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : tail) {
                t.putFloat(x);
            }
            raf.write(t.array());
        }
        assertTrue(Files.size(f) > (2L << 30));
        try (NDManager m = DjlRuntime.newManager(); SafetensorsFile in = SafetensorsFile.open(f)) {
            assertEquals(padBytes / 4, in.info("pad").elementCount());
            NDArray a = in.read(m, "tail", null);
            assertEquals(new Shape(2, 2), a.getShape());
            assertArrayEquals(tail, a.toFloatArray(), 0f);
        }
    }

    @Test
    void rejectsMalformedFilesWithTheFileAndTensorNamed() throws Exception {
        Path f = tmp.resolve("ok.safetensors");
        SafetensorsWriter.write(f, List.of(SafetensorsWriter.Entry.ofFloats("x", new long[]{4}, values(4, 1f))),
                Map.of());
        byte[] ok = Files.readAllBytes(f);
        Path truncated = tmp.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(ok, ok.length - 3));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(truncated));
        assertTrue(e.getMessage().contains("truncated.safetensors") && e.getMessage().contains("truncated"),
                e.getMessage());

        Path badShape = tmp.resolve("badshape.safetensors");
        Files.write(badShape, new String(ok, StandardCharsets.ISO_8859_1).replace("[4]", "[5]")
                .getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(badShape));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());

        Path empty = tmp.resolve("empty.safetensors");
        Files.write(empty, new byte[3]);
        assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(empty));
    }

    @Test
    void shardedCheckpointFollowsTheIndex() throws Exception {
        Path dir = tmp.resolve("ckpt");
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                List.of(SafetensorsWriter.Entry.ofFloats("a", new long[]{2}, new float[]{1, 2})), Map.of("format", "pt"));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                List.of(SafetensorsWriter.Entry.ofFloats("b", new long[]{1}, new float[]{3})), Map.of("format", "pt"));
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\":{\"total_size\":12},\"weight_map\":"
                + "{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        try (NDManager m = DjlRuntime.newManager(); Checkpoint c = Checkpoint.open(dir)) {
            assertEquals(List.of("a", "b"), new ArrayList<>(c.tensorFiles().keySet()));
            assertArrayEquals(new float[]{1, 2}, c.read(m, "a", null).toFloatArray(), 0f);
            assertArrayEquals(new float[]{3}, c.read(m, "b", null).toFloatArray(), 0f);
            assertThrows(SafetensorsException.class, () -> c.read(m, "missing", null));
        }
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\":{\"a\":\"nope.safetensors\"}}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("nope.safetensors"), e.getMessage());
    }
}
