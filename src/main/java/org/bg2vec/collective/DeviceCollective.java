package org.bg2vec.collective;

import java.nio.ByteBuffer;

/**
 * A collective that also works on GPU memory (NCCL). Device buffers are direct byte buffers whose
 * address and capacity describe device memory (from {@code PyTorchLibrary.torchDirectByteBuffer}, see
 * {@link TensorCollectives}); Java never reads them. Same ordering and timeout rules as {@link Collective}.
 */
public interface DeviceCollective extends Collective {

    /** The CUDA device ordinal this rank's communicator uses. */
    int cudaDevice();

    /** In-place SUM of the float32 elements of {@code deviceData} over all ranks. */
    void allReduceSumDevice(ByteBuffer deviceData);

    /** Gathers equal float32 blocks: {@code deviceOut} holds size() × {@code deviceSend}, rank order. */
    void allGatherDevice(ByteBuffer deviceSend, ByteBuffer deviceOut);

    /** Root's bytes to every rank, in place. */
    void broadcastDevice(ByteBuffer deviceData, int root);
}
