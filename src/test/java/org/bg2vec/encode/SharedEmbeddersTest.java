package org.bg2vec.encode;

import org.bg2vec.djl.ComputeDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One model per device per JVM: reused on its device, separate per device, replaced by another model. */
class SharedEmbeddersTest {

    @AfterEach
    void close() {
        SharedEmbedders.closeAll();
    }

    private static TextEmbedder current(TextEmbedderFactory f, ComputeDevice d) {
        return SharedEmbedders.withEmbedder(f, d, null, e -> e);
    }

    @Test
    void embeddersAreKeyedByDeviceAndAnotherModelReplacesTheOneOnItsDevice() {
        HashingEmbedder.Factory a = new HashingEmbedder.Factory(8, 71);
        HashingEmbedder.Factory b = new HashingEmbedder.Factory(8, 72);
        ComputeDevice gpu0 = ComputeDevice.gpu(0, "0");
        ComputeDevice gpu1 = ComputeDevice.gpu(1, "1");

        TextEmbedder a0 = current(a, gpu0);
        assertSame(a0, current(a, gpu0), "reused by later tasks on the same device");
        TextEmbedder a1 = current(a, gpu1);
        assertNotSame(a0, a1, "a task on another GPU gets its own model");
        assertEquals(2, HashingEmbedder.OPENS.get(a).get());

        TextEmbedder b0 = current(b, gpu0);
        assertNotSame(a0, b0);
        assertThrows(IllegalStateException.class, () -> a0.embed(List.of("x")), "the model it replaced is closed");
        assertSame(a1, current(a, gpu1), "other devices keep theirs");
        List<String> seen = new ArrayList<>();
        SharedEmbedders.withEmbedder(b, gpu0, null, e -> seen.add("ran on " + e.dimension()));
        assertEquals(List.of("ran on 8"), seen);
    }
}
