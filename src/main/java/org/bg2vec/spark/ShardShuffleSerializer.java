package org.bg2vec.spark;

import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import scala.reflect.ClassTag;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The shard sort's shuffle records, {@link ShardOrder.Key}s and encoded samples ({@code byte[]}), written as plain
 * bytes: a tag, then the key's fields or the array's length and bytes. Java serialization (Spark's default) costs a
 * class descriptor every hundred records and a reflective record constructor per key on the way back; this is set
 * on the shard sort's shuffle only.
 */
final class ShardShuffleSerializer extends Serializer implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int KEY = 1;
    private static final int BYTES = 2;

    @Override
    public SerializerInstance newInstance() {
        return new Instance();
    }

    private static final class Instance extends SerializerInstance {

        @Override
        public <T> ByteBuffer serialize(T t, ClassTag<T> tag) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SerializationStream s = serializeStream(bytes);
            s.writeObject(t, tag);
            s.close();
            return ByteBuffer.wrap(bytes.toByteArray());
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassTag<T> tag) {
            byte[] b = new byte[bytes.remaining()];
            bytes.duplicate().get(b);
            DeserializationStream s = deserializeStream(new ByteArrayInputStream(b));
            T t = s.readObject(tag);
            s.close();
            return t;
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassLoader loader, ClassTag<T> tag) {
            return deserialize(bytes, tag);
        }

        @Override
        public SerializationStream serializeStream(OutputStream s) {
            return new Out(new DataOutputStream(new BufferedOutputStream(s, 1 << 16)));
        }

        @Override
        public DeserializationStream deserializeStream(InputStream s) {
            return new In(new DataInputStream(new BufferedInputStream(s, 1 << 16)));
        }
    }

    private static final class Out extends SerializationStream {
        private final DataOutputStream out;

        Out(DataOutputStream out) {
            this.out = out;
        }

        @Override
        public <T> SerializationStream writeObject(T t, ClassTag<T> tag) {
            try {
                if (t instanceof ShardOrder.Key k) {
                    out.writeByte(KEY);
                    out.writeLong(k.order());
                    out.writeLong(k.sampleId());
                    out.writeInt(k.split());
                } else if (t instanceof byte[] b) {
                    out.writeByte(BYTES);
                    out.writeInt(b.length);
                    out.write(b);
                } else {
                    throw new IllegalArgumentException("the shard shuffle carries sort keys and encoded samples, not "
                            + (t == null ? "null" : t.getClass().getName()));
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void flush() {
            unchecked(out::flush);
        }

        @Override
        public void close() {
            unchecked(out::close);
        }
    }

    private static final class In extends DeserializationStream {
        private final DataInputStream in;

        In(DataInputStream in) {
            this.in = in;
        }

        /** The next record; an {@link EOFException} (thrown undeclared, as Spark expects) at the end. */
        @Override
        @SuppressWarnings("unchecked")
        public <T> T readObject(ClassTag<T> tag) {
            try {
                int kind = in.read();
                switch (kind) {
                    case -1:
                        throw new EOFException();
                    case KEY:
                        return (T) new ShardOrder.Key(in.readLong(), in.readLong(), in.readInt());
                    case BYTES:
                        byte[] b = new byte[in.readInt()];
                        in.readFully(b);
                        return (T) b;
                    default:
                        throw new IOException("corrupt shard shuffle data: record tag " + kind);
                }
            } catch (EOFException e) {
                throw sneaky(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            unchecked(in::close);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void unchecked(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws a checked exception undeclared (Spark's readers catch the EOFException that ends a stream). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
