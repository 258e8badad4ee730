package org.bg2vec.prepare;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic 64-bit hashes used for splitting, ordering and de-duplication. They depend only on
 * their arguments (never on the JVM, the partitioning or the number of tasks), so the same input and
 * seed give the same train/validation split and the same shard order everywhere.
 */
public final class StableHash {

    /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up on every call. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(StableHash::sha256);

    private StableHash() {
    }

    /** SplitMix64's finaliser: a bijection on longs with good avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Mixes a seed and a value; different seeds give independent orders. */
    public static long mix(long seed, long value) {
        return mix(mix(seed + 0x9e3779b97f4a7c15L) ^ value);
    }

    /** Maps a hash to a uniform double in [0, 1). */
    public static double unit(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }

    /** First 8 bytes of the SHA-256 of the text's UTF-8 bytes: the exact-dedup key. */
    public static long textHash(String text) {
        return textHash(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #textHash(String)} of a text given as its UTF-8 bytes. */
    public static long textHash(byte[] utf8) {
        byte[] d = SHA256.get().digest(utf8);
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
