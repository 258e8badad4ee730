package org.bg2vec.train;

import org.bg2vec.collective.Collective;
import org.bg2vec.collective.DeviceCollective;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.collective.TimedCollective;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each worker trains on the GPU its collective (its Spark task's GPU) was built for, not always GPU 0. */
class TrainingWorkerDeviceTest {

    static DeviceCollective onDevice(int cuda) {
        return (DeviceCollective) Proxy.newProxyInstance(DeviceCollective.class.getClassLoader(),
                new Class<?>[]{DeviceCollective.class}, (proxy, method, args) -> {
                    if (method.getName().equals("cudaDevice")) {
                        return cuda;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theDeviceComesFromTheCollectiveThroughWrappers() {
        assertEquals(3, TrainingWorker.cudaDeviceOf(new TimedCollective(onDevice(3))));
        assertEquals(1, TrainingWorker.cudaDeviceOf(new TimedCollective(new TimedCollective(onDevice(1)))));
        Collective cpu = new TimedCollective(new SingleProcessCollective());
        assertEquals(-1, TrainingWorker.cudaDeviceOf(cpu));
    }
}
