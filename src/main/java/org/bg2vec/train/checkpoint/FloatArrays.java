package org.bg2vec.train.checkpoint;

import org.bg2vec.model.NamedParameter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small binary file of named float32 arrays: magic {@code BG2VF32\0}, count, then per array its
 * UTF name, length and little-endian floats. Used for the trainable values and optimizer moments.
 */
final class FloatArrays {

    private static final long MAGIC = 0x4247325646333200L;

    /** Named arrays read back. */
    record Named(List<String> names, List<float[]> arrays) {
    }

    private FloatArrays() {
    }

    /** Writes the slices of {@code flat} that belong to each parameter. */
    static void write(Path file, List<NamedParameter> params, float[] flat) throws IOException {
        List<String> names = new ArrayList<>();
        List<float[]> arrays = new ArrayList<>();
        int off = 0;
        for (NamedParameter p : params) {
            int n = Math.toIntExact(p.array().size());
            float[] a = new float[n];
            System.arraycopy(flat, off, a, 0, n);
            off += n;
            names.add(p.name());
            arrays.add(a);
        }
        write(file, names, arrays.toArray(new float[0][]));
    }

    static void write(Path file, List<String> names, float[]... arrays) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.writeLong(MAGIC);
            out.writeInt(arrays.length);
            for (int i = 0; i < arrays.length; i++) {
                out.writeUTF(names.get(i));
                out.writeInt(arrays[i].length);
                ByteBuffer b = ByteBuffer.allocate(arrays[i].length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(arrays[i]);
                out.write(b.array());
            }
        }
    }

    /**
     * Reads the arrays of a file of {@code length} bytes. Every count and length is checked against the bytes
     * left before anything is allocated, so a corrupt or truncated file is a {@link CorruptCheckpointException}
     * naming {@code what}, never an OutOfMemoryError.
     */
    static Named read(InputStream raw, long length, String what) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            long left = length - 12;
            if (left < 0 || in.readLong() != MAGIC) {
                throw new CorruptCheckpointException(what + " is not a bg2vec float array file");
            }
            int count = in.readInt();
            // each array takes at least 6 bytes: its name's length and its own length
            if (count < 0 || count > left / 6) {
                throw new CorruptCheckpointException(what + " is corrupt: it declares " + count + " arrays in "
                        + length + " bytes");
            }
            List<String> names = new ArrayList<>(count);
            List<float[]> arrays = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int n = in.readInt();
                left -= 2 + utfLength(name) + 4;
                if (n < 0 || 4L * n > left) {
                    throw new CorruptCheckpointException(what + " is corrupt or truncated: array '" + name
                            + "' declares " + n + " floats but " + Math.max(left, 0) + " bytes are left");
                }
                byte[] bytes = new byte[4 * n];
                in.readFully(bytes);
                left -= bytes.length;
                float[] a = new float[n];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
                names.add(name);
                arrays.add(a);
            }
            if (left != 0) {
                throw new CorruptCheckpointException(what + " is corrupt: " + left + " bytes after the last array");
            }
            return new Named(names, arrays);
        } catch (EOFException | java.io.UTFDataFormatException e) {
            throw new CorruptCheckpointException(what + " is truncated or corrupt", e);
        }
    }

    /** The bytes {@link DataInputStream#readUTF} consumed for {@code s} after its 2-byte length (modified UTF-8). */
    private static int utfLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c >= 1 && c <= 0x7F ? 1 : c <= 0x7FF ? 2 : 3;
        }
        return n;
    }

    static float[] concat(List<float[]> arrays) {
        int n = 0;
        for (float[] a : arrays) {
            n += a.length;
        }
        float[] out = new float[n];
        int off = 0;
        for (float[] a : arrays) {
            System.arraycopy(a, 0, out, off, a.length);
            off += a.length;
        }
        return out;
    }
}
