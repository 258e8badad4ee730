package org.bg2vec.djl;

import java.util.List;
import java.util.Map;

/**
 * What {@link DeviceDecision} needs to know about this process: the problems with its GPU libraries, how many
 * CUDA devices DJL sees, its environment and host. {@link #forThisProcess()} asks the real process; tests pass
 * fakes.
 */
public interface GpuProbe {

    /** Every problem with the CUDA libtorch (and NCCL/CUDA runtime when {@code needNccl}), empty when none. */
    List<String> libraryProblems(boolean needNccl);

    /** CUDA devices DJL's engine sees (starts the engine). */
    int visibleGpus();

    /** One line about the started engine (version, flavour), for messages. */
    String engineDescription();

    /** The process environment ({@code CUDA_VISIBLE_DEVICES} and the library settings). */
    Map<String, String> env();

    /** The host name, for messages. */
    String host();

    /** The probe of this JVM: {@link GpuLibraries#forThisProcess()}, DJL's PyTorch engine, the real environment. */
    static GpuProbe forThisProcess() {
        return new GpuProbe() {
            @Override
            public List<String> libraryProblems(boolean needNccl) {
                try {
                    org.slf4j.LoggerFactory.getLogger(GpuProbe.class).info("GPU libraries on host {}: {}", host(),
                            GpuLibraries.forThisProcess().check(needNccl).describe());
                    return List.of();
                } catch (GpuLibrariesException e) {
                    return e.problems();
                }
            }

            @Override
            public int visibleGpus() {
                return DjlRuntime.engine().getGpuCount();
            }

            @Override
            public String engineDescription() {
                ai.djl.engine.Engine e = DjlRuntime.engine();
                return "DJL " + e.getEngineName() + " engine " + e.getVersion();
            }

            @Override
            public Map<String, String> env() {
                return System.getenv();
            }

            @Override
            public String host() {
                return GpuLibraries.hostName();
            }
        };
    }
}
