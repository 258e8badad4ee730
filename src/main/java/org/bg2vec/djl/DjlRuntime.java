package org.bg2vec.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Starts DJL's PyTorch engine offline.
 *
 * <p>The CPU libtorch comes from {@code pytorch-native-cpu} on the classpath and is unpacked into
 * the DJL cache directory; nothing is downloaded ({@code ai.djl.offline=true}). The cache directory
 * is, in order: the {@code DJL_CACHE_DIR} system property or environment variable, else
 * {@code ~/.djl.ai}. Call {@link #engine()} before touching any DJL class that may pick an engine.
 */
public final class DjlRuntime {

    public static final String ENGINE_NAME = "PyTorch";

    private DjlRuntime() {
    }

    /** Sets the offline properties once (an explicit user setting wins) and returns the PyTorch engine. */
    public static synchronized Engine engine() {
        configureOffline();
        return Engine.getEngine(ENGINE_NAME);
    }

    /** A new base manager on the engine's default device (CPU here). Close it when done. */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    public static void configureOffline() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", ENGINE_NAME);
        }
        // Never let DJL pick a libtorch from the network: a CUDA build is configured through
        // PYTORCH_LIBRARY_PATH / PYTORCH_FLAVOR / PYTORCH_VERSION by the operator.
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            Path dir = Paths.get(System.getProperty("user.home"), ".djl.ai");
            try {
                Files.createDirectories(dir);
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the DJL cache directory " + dir
                        + "; set DJL_CACHE_DIR to a writable directory", e);
            }
            System.setProperty("DJL_CACHE_DIR", dir.toString());
        }
    }
}
