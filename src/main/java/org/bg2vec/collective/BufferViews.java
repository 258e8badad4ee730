package org.bg2vec.collective;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Zero-copy little-endian byte views of direct float buffers.
 *
 * <p>A {@link FloatBuffer} made by {@code directByteBuffer.asFloatBuffer()} (how DJL's CPU tensors are
 * exposed) has no public way back to its bytes, and channels only take {@link ByteBuffer}s. The JDK's
 * internal {@code sun.nio.ch.DirectBuffer} interface gives its address and the root byte buffer it
 * views, from which the matching byte slice is cut. That needs {@code --add-opens
 * java.base/sun.nio.ch=ALL-UNNAMED} (Spark 3.5 sets it on drivers and executors, the tests set it);
 * without it, or for heap or big-endian buffers, {@link #bytesOf(FloatBuffer)} returns null and the
 * caller copies through a staging buffer instead.
 */
final class BufferViews {

    private static final Method ADDRESS;
    private static final Method ATTACHMENT;

    static {
        Method address = null;
        Method attachment = null;
        try {
            Class<?> directBuffer = Class.forName("sun.nio.ch.DirectBuffer");
            address = directBuffer.getMethod("address");
            attachment = directBuffer.getMethod("attachment");
            address.setAccessible(true);
            attachment.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            address = null;
            attachment = null;
        }
        ADDRESS = address;
        ATTACHMENT = attachment;
    }

    private BufferViews() {
    }

    /** True when direct float buffers can be viewed without copying in this JVM. */
    static boolean zeroCopyAvailable() {
        return ADDRESS != null;
    }

    /**
     * A little-endian byte buffer over exactly {@code floats}' remaining elements (position 0, same
     * memory), or null when no such view can be made (heap or big-endian buffer, JDK internals closed).
     */
    static ByteBuffer bytesOf(FloatBuffer floats) {
        if (ADDRESS == null || !floats.isDirect() || floats.order() != ByteOrder.LITTLE_ENDIAN) {
            return null;
        }
        try {
            Object root = ATTACHMENT.invoke(floats);
            if (!(root instanceof ByteBuffer bytes) || !bytes.isDirect()) {
                return null;
            }
            long offset = (long) ADDRESS.invoke(floats) + 4L * floats.position() - (long) ADDRESS.invoke(bytes);
            long length = 4L * floats.remaining();
            if (offset < 0 || offset + length > bytes.capacity()) {
                return null;
            }
            ByteBuffer view = bytes.duplicate();
            view.clear().position((int) offset).limit((int) (offset + length));
            return view.slice().order(ByteOrder.LITTLE_ENDIAN);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The memory address of a direct buffer's element 0, or -1 when unavailable. */
    static long address(java.nio.Buffer direct) {
        if (ADDRESS == null || !direct.isDirect()) {
            return -1;
        }
        try {
            return (long) ADDRESS.invoke(direct);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
