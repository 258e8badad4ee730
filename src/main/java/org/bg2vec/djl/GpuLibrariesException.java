package org.bg2vec.djl;

import java.util.List;

/**
 * The GPU libraries (CUDA libtorch for DJL, NCCL) are missing or misconfigured in this process. The
 * message names the host, every problem found and how to fix each one.
 */
public class GpuLibrariesException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public GpuLibrariesException(String host, List<String> problems) {
        super(format(host, problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem with its fix, one entry per problem. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String host, List<String> problems) {
        return listed("GPU libraries are not usable on host " + host + " (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems")
                + "; see src/site/markdown/cluster.md, \"GPU libraries\"):", problems);
    }

    /** {@code header}, then one line {@code "  - problem"} per problem. */
    static String listed(String header, List<String> problems) {
        StringBuilder sb = new StringBuilder(header);
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
