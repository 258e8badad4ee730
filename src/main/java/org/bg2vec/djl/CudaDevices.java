package org.bg2vec.djl;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps the GPU address Spark assigned to a task to the CUDA device ordinal this process must use.
 *
 * <p>Spark's addresses come from the discovery script ({@code conf/getGpusResources.sh}: the indices
 * {@code nvidia-smi} prints, which ignore {@code CUDA_VISIBLE_DEVICES}) or from a standalone worker's own
 * discovery. CUDA numbers the devices it can see from 0:
 * <ul>
 *   <li>{@code CUDA_VISIBLE_DEVICES} unset: CUDA sees every GPU the process can open, in nvidia-smi's order, so
 *       the ordinal is the address itself. This is YARN without GPU isolation and Spark standalone (every
 *       executor sees every GPU of its host and uses the one Spark assigned), and Kubernetes or YARN with
 *       Docker isolation (the container holds only its GPUs, and nvidia-smi inside it numbers them from 0 too).</li>
 *   <li>{@code CUDA_VISIBLE_DEVICES} set (by a resource manager or an administrator): the ordinal is the position
 *       of the address in that list; an address the list does not name is an error, since CUDA cannot reach
 *       that GPU from this process.</li>
 * </ul>
 */
public final class CudaDevices {

    /** The environment variable CUDA reads. */
    public static final String VISIBLE = "CUDA_VISIBLE_DEVICES";

    private CudaDevices() {
    }

    /**
     * @param sparkAddress       the task's GPU address from Spark (e.g. {@code "3"})
     * @param cudaVisibleDevices the value of {@code CUDA_VISIBLE_DEVICES}, or null when unset
     * @return the CUDA device ordinal to use
     * @throws IllegalStateException when the address cannot be reached under {@code CUDA_VISIBLE_DEVICES}
     */
    public static int ordinal(String sparkAddress, String cudaVisibleDevices) {
        String address = sparkAddress == null ? "" : sparkAddress.strip();
        if (cudaVisibleDevices == null) {
            return parseIndex(address, "Spark assigned GPU address '" + address + "', which is not a GPU index;"
                    + " use a discovery script that prints nvidia-smi indices (conf/getGpusResources.sh)");
        }
        List<String> visible = entries(cudaVisibleDevices);
        int position = visible.indexOf(address);
        if (position < 0) {
            throw new IllegalStateException("Spark assigned GPU address " + address + " but " + VISIBLE + "="
                    + cudaVisibleDevices + " does not list it, so CUDA cannot reach that GPU from this process:"
                    + " let the discovery script print only the GPUs in " + VISIBLE + ", or unset " + VISIBLE
                    + " for the executors");
        }
        return position;
    }

    /** The entries of a {@code CUDA_VISIBLE_DEVICES} value; CUDA stops at the first invalid (negative) one. */
    static List<String> entries(String value) {
        List<String> out = new ArrayList<>();
        for (String e : value.split(",")) {
            String s = e.strip();
            if (s.isEmpty() || s.startsWith("-")) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    private static int parseIndex(String address, String message) {
        try {
            int i = Integer.parseInt(address);
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(message);
    }
}
