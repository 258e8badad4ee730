package org.bg2vec.modelstore;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model paths are resolved on the driver: qualified, checked, named precisely when wrong. */
class ModelUrisTest {

    @TempDir
    Path tmp;

    @Test
    void aRelativePathBecomesTheDriversAbsoluteFileUri() {
        String uri = ModelUris.qualify("src/test/resources/fixtures/tiny-mistral", new Configuration());
        assertEquals("file:" + Path.of("src/test/resources/fixtures/tiny-mistral").toAbsolutePath(), uri);
        assertTrue(ModelUris.isLocal(uri));
        assertEquals(Path.of("src/test/resources/fixtures/tiny-mistral").toAbsolutePath().toString(),
                ModelUris.display(uri));
        assertEquals("hdfs://nn:8020/models/x", ModelUris.display("hdfs://nn:8020/models/x"));
        assertFalse(ModelUris.isLocal(ModelUris.qualify(RemoteLikeFileSystem.uri(tmp), RemoteLikeFileSystem.conf())));
    }

    @Test
    void requireDirectoryNamesTheSettingAndWhatIsMissing() throws Exception {
        Configuration conf = RemoteLikeFileSystem.conf();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ModelUris.requireDirectory(tmp.resolve("nope").toString(), "--model", "config.json", conf));
        assertTrue(missing.getMessage().startsWith("--model " + tmp.resolve("nope") + " does not exist (resolved to file:"),
                missing.getMessage());
        Files.createDirectories(tmp.resolve("adapter"));
        IllegalArgumentException noConfig = assertThrows(IllegalArgumentException.class,
                () -> ModelUris.requireDirectory(RemoteLikeFileSystem.uri(tmp.resolve("adapter")),
                        "peft_model_name_or_path", "adapter_config.json", conf));
        assertTrue(noConfig.getMessage().endsWith("has no adapter_config.json (expected a Hugging Face/PEFT directory)"),
                noConfig.getMessage());
        Files.writeString(tmp.resolve("adapter/adapter_config.json"), "{}");
        assertEquals("testfs:" + tmp.resolve("adapter"), ModelUris.requireDirectory(
                RemoteLikeFileSystem.uri(tmp.resolve("adapter")), "peft_model_name_or_path", "adapter_config.json",
                conf));
    }

    @Test
    void aSchemelessPathOnAClusterFileSystemSaysHowToNameALocalDirectory() {
        Configuration conf = RemoteLikeFileSystem.conf();
        conf.set("fs.defaultFS", "testfs:///");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelUris.requireDirectory(tmp.resolve("on-every-host").toString(), "--model", "config.json",
                        conf));
        assertTrue(e.getMessage().contains("write file:/... for a directory on every host's local disk"),
                e.getMessage());
    }
}
