package org.bg2vec.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Where the payload of one received data frame goes. */
interface Sink {

    /** Payload bytes expected. */
    long size();

    /** Buffer to read the next bytes into; its remaining never exceeds the bytes still expected. */
    ByteBuffer next();

    /** Called after {@code n} bytes were read into {@link #next()}'s buffer. */
    void received(int n);

    /** Bytes received so far. */
    long receivedBytes();

    /** Bytes of the target final so far (a prefix of it): what a frame forwarding this one may send. */
    long readyBytes();

    /** Receives straight into {@code target} (its position..limit), no copy. */
    static Sink into(ByteBuffer target) {
        ByteBuffer view = target.slice();
        return new Sink() {
            @Override
            public long size() {
                return view.capacity();
            }

            @Override
            public ByteBuffer next() {
                return view;
            }

            @Override
            public void received(int n) {
            }

            @Override
            public long receivedBytes() {
                return view.position();
            }

            @Override
            public long readyBytes() {
                return view.position();
            }
        };
    }

    /** Floats reduced per bulk copy: two such arrays stay in L1, and the add loop over them vectorises. */
    int ADD_CHUNK = 2048;

    /**
     * Adds the received little-endian floats into {@code target} (a little-endian byte view) at float
     * offset {@code offset}, chunk by chunk through {@code scratch}, so reduction overlaps the transfer.
     * Each element becomes {@code target + received}, whatever the chunking.
     */
    static Sink addInto(ByteBuffer target, int offset, int count, ByteBuffer scratch) {
        FloatBuffer dst = target.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        long total = 4L * count;
        scratch.clear();
        float[] local = new float[ADD_CHUNK];
        float[] incoming = new float[ADD_CHUNK];
        return new Sink() {
            private long received;
            private int nextFloat = offset;

            @Override
            public long size() {
                return total;
            }

            @Override
            public ByteBuffer next() {
                long left = total - received;
                scratch.limit((int) Math.min(scratch.capacity(), scratch.position() + left));
                return scratch;
            }

            @Override
            public void received(int n) {
                received += n;
                scratch.flip();
                FloatBuffer src = scratch.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                int floats = src.remaining();
                for (int done = 0; done < floats; done += ADD_CHUNK) {
                    int m = Math.min(ADD_CHUNK, floats - done);
                    dst.get(nextFloat + done, local, 0, m);
                    src.get(done, incoming, 0, m);
                    for (int i = 0; i < m; i++) {
                        local[i] += incoming[i];
                    }
                    dst.put(nextFloat + done, local, 0, m);
                }
                nextFloat += floats;
                scratch.position(scratch.position() + 4 * floats);
                scratch.compact();
            }

            @Override
            public long receivedBytes() {
                return received;
            }

            @Override
            public long readyBytes() {
                return 4L * (nextFloat - offset);
            }
        };
    }
}
