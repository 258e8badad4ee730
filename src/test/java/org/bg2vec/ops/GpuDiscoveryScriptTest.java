package org.bg2vec.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conf/getGpusResources.sh with a fake nvidia-smi first on PATH. */
class GpuDiscoveryScriptTest {

    private static final String SCRIPT = "conf/getGpusResources.sh";

    @TempDir
    Path bin;

    /** A fake nvidia-smi that insists on the query Spark's discovery needs, then prints {@code body}. */
    private Shell.Result runWithFakeSmi(String body, int exit) throws IOException {
        Shell.script(bin, "nvidia-smi", "#!/bin/sh\n"
                + "if [ \"$1 $2\" != \"--query-gpu=index --format=csv,noheader\" ]; then echo \"bad args: $*\" >&2; exit 64; fi\n"
                + "printf '" + body + "'\n"
                + "exit " + exit + "\n");
        return Shell.run(List.of(SCRIPT), Map.of("PATH", bin + ":/usr/bin:/bin"), List.of("NVIDIA_SMI"));
    }

    private static JsonNode json(String s) throws IOException {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void listsEveryGpuIndexInSparksResourceFormat() throws IOException {
        Shell.Result r = runWithFakeSmi("0\\n1\\n 2\\r\\n3\\n", 0);

        assertEquals(0, r.exit(), r.both());
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\", \"2\", \"3\"]}\n", r.stdout());
        JsonNode node = json(r.stdout());
        assertEquals("gpu", node.get("name").asText());
        assertEquals(List.of("0", "1", "2", "3"),
                List.of(node.get("addresses").get(0).asText(), node.get("addresses").get(1).asText(),
                        node.get("addresses").get(2).asText(), node.get("addresses").get(3).asText()));
    }

    @Test
    void hostWithoutGpusGivesAnEmptyAddressList() throws IOException {
        Shell.Result r = runWithFakeSmi("", 0);

        assertEquals(0, r.exit(), r.both());
        JsonNode node = json(r.stdout());
        assertEquals("gpu", node.get("name").asText());
        assertTrue(node.get("addresses").isArray() && node.get("addresses").isEmpty(), r.stdout());
    }

    @Test
    void missingNvidiaSmiFailsWithAMessage() throws IOException {
        Shell.Result r = Shell.run(List.of(SCRIPT),
                Map.of("PATH", bin + ":/usr/bin:/bin", "NVIDIA_SMI", bin.resolve("nvidia-smi").toString()));

        assertEquals(1, r.exit(), r.both());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().contains("not found on PATH") && r.stderr().contains("no NVIDIA driver"), r.stderr());
    }

    @Test
    void failingNvidiaSmiPassesItsErrorOn() throws IOException {
        Shell.Result r = runWithFakeSmi("NVIDIA-SMI has failed because it could not communicate with the driver", 9);

        assertEquals(1, r.exit(), r.both());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().contains("could not communicate with the driver"), r.stderr());
    }

    @Test
    void outputThatIsNotAnIndexIsRejected() throws IOException {
        Shell.Result r = runWithFakeSmi("0\\nGPU-5d2f\\n", 0);

        assertEquals(1, r.exit(), r.both());
        assertTrue(r.stderr().contains("not a GPU index") && r.stderr().contains("GPU-5d2f"), r.stderr());
    }
}
