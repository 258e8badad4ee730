package org.bg2vec.format;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.djl.DjlRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShardedCheckpointWriterTest {

    @TempDir
    Path tmp;

    private static float[] ramp(int n, float start) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * 0.25f;
        }
        return v;
    }

    private static ByteBuffer bf16(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putShort(BFloat16.fromFloat(x));
        }
        return b.flip();
    }

    @Test
    void shardsInOrderUnderTheLimitAndIndexesEveryTensor() throws Exception {
        // 10 + 6 + 8 + 40 floats of bf16 = 20, 12, 16, 80 bytes; limit 32: [a, b] [c] [d (alone, over the limit)]
        String[] names = {"a", "b", "c", "d"};
        int[] sizes = {10, 6, 8, 40};
        AtomicInteger produced = new AtomicInteger();
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            float[] v = ramp(sizes[i], i);
            tensors.add(SafetensorsWriter.lazy(names[i], SafetensorsDType.BF16, new long[]{sizes[i]}, () -> {
                produced.incrementAndGet();
                return bf16(v);
            }));
        }
        List<Path> files = ShardedCheckpointWriter.write(tmp, tensors, 32, Map.of("format", "pt"));
        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors"), files.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(4, produced.get(), "each tensor's bytes are produced once, when written");
        JsonNode index = new ObjectMapper().readTree(tmp.resolve(Checkpoint.INDEX_FILE).toFile());
        assertEquals(20 + 12 + 16 + 80, index.path("metadata").path("total_size").asLong());
        assertEquals("model-00001-of-00003.safetensors", index.path("weight_map").path("b").asText());
        assertEquals("model-00002-of-00003.safetensors", index.path("weight_map").path("c").asText());
        assertEquals("model-00003-of-00003.safetensors", index.path("weight_map").path("d").asText());
        try (NDManager m = DjlRuntime.newManager(); Checkpoint c = Checkpoint.open(tmp)) {
            for (int i = 0; i < names.length; i++) {
                assertEquals(SafetensorsDType.BF16, c.info(names[i]).dtype());
                // quarter steps from a small integer are exact in bf16 (8 significant bits)
                assertArrayEquals(ramp(sizes[i], i), c.read(m, names[i], null).toFloatArray(), 0f, names[i]);
            }
        }
    }

    @Test
    void aTensorWhoseBytesDoNotMatchItsShapeLeavesNoIndex() {
        List<SafetensorsWriter.Tensor> tensors = List.of(
                SafetensorsWriter.lazy("ok", SafetensorsDType.BF16, new long[]{2}, () -> bf16(new float[2])),
                SafetensorsWriter.lazy("short", SafetensorsDType.BF16, new long[]{4}, () -> bf16(new float[3])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardedCheckpointWriter.write(tmp, tensors, 4, Map.of()));
        assertEquals("short: 6 bytes for 4 BF16 elements", e.getMessage());
        assertFalse(Files.exists(tmp.resolve(Checkpoint.INDEX_FILE)), "an incomplete checkpoint has no index");
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, BFloat16.fromFloat(1f));
        // exactly halfway between 0x3F80 and 0x3F81: ties go to the even pattern 0x3F80
        assertEquals((short) 0x3F80, BFloat16.fromFloat(Float.intBitsToFloat(0x3F808000)));
        // halfway between 0x3F81 and 0x3F82: to 0x3F82
        assertEquals((short) 0x3F82, BFloat16.fromFloat(Float.intBitsToFloat(0x3F818000)));
        // just above halfway rounds up, just below rounds down
        assertEquals((short) 0x3F81, BFloat16.fromFloat(Float.intBitsToFloat(0x3F808001)));
        assertEquals((short) 0x3F80, BFloat16.fromFloat(Float.intBitsToFloat(0x3F807FFF)));
        assertEquals((short) 0xBF80, BFloat16.fromFloat(-1f));
        assertEquals((short) 0x7F80, BFloat16.fromFloat(Float.MAX_VALUE), "overflow rounds to infinity");
        assertEquals(Float.POSITIVE_INFINITY, BFloat16.toFloat(BFloat16.fromFloat(Float.POSITIVE_INFINITY)));
        assertEquals(Float.NaN, BFloat16.toFloat(BFloat16.fromFloat(Float.NaN)));
        assertEquals(0.10009765625f, BFloat16.toFloat(BFloat16.fromFloat(0.1f)), "0.1 = 0x3DCCCCCD -> 0x3DCD");
    }
}
