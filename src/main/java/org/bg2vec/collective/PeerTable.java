package org.bg2vec.collective;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The rendezvous result every rank needs to join a {@link TcpCollective}: its own rank, the endpoint of
 * every rank (index = rank), the per-job secret peers authenticate with, and the timeouts.
 *
 * <p>The Spark driver builds it from {@code BarrierTaskContext.allGather}: each task binds a
 * {@link CollectiveEndpoint} first (port 0 is fine), announces {@code host:port}, rank 0 also announces a
 * fresh secret ({@link #newSecret()}, shared as {@link #encodeSecret(byte[]) base64}); then every task
 * calls {@link TcpCollective#connect(CollectiveEndpoint, PeerTable)}.
 *
 * @param rank this worker's rank, 0..size-1
 * @param peers endpoint of every rank, in rank order
 * @param secret per-job secret, at least {@value #MIN_SECRET_BYTES} bytes; never logged
 * @param connectTimeout bound for connecting to and authenticating the ring neighbours
 * @param operationTimeout an operation fails when no byte moved from or to the peer it waits on for this long
 */
public record PeerTable(int rank, List<PeerAddress> peers, byte[] secret, Duration connectTimeout,
                        Duration operationTimeout) {

    public static final int MIN_SECRET_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public PeerTable {
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        peers = List.copyOf(peers);
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("peer table is empty: a collective needs at least one rank");
        }
        if (rank < 0 || rank >= peers.size()) {
            throw new IllegalArgumentException("rank " + rank + " is not in 0.." + (peers.size() - 1));
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("job secret has " + secret.length + " bytes; at least "
                    + MIN_SECRET_BYTES + " are required (use PeerTable.newSecret())");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive, got " + connectTimeout);
        }
        if (operationTimeout.isNegative() || operationTimeout.isZero()) {
            throw new IllegalArgumentException("operation timeout must be positive, got " + operationTimeout);
        }
        secret = secret.clone();
    }

    /** Number of ranks. */
    public int size() {
        return peers.size();
    }

    /** The endpoint of {@code r}. */
    public PeerAddress peer(int r) {
        return peers.get(r);
    }

    /** "rank r (host:port)", how errors name a peer. */
    public String describe(int r) {
        return "rank " + r + " (" + peers.get(r) + ")";
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /** A fresh random 32-byte job secret. */
    public static byte[] newSecret() {
        byte[] s = new byte[32];
        RANDOM.nextBytes(s);
        return s;
    }

    /** Base64 form of a secret, for sending it through a rendezvous that carries strings. */
    public static String encodeSecret(byte[] secret) {
        return Base64.getEncoder().encodeToString(secret);
    }

    /** Inverse of {@link #encodeSecret(byte[])}. */
    public static byte[] decodeSecret(String base64) {
        try {
            return Base64.getDecoder().decode(Objects.requireNonNull(base64, "secret"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job secret is not valid base64", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerTable t && rank == t.rank && peers.equals(t.peers)
                && Arrays.equals(secret, t.secret) && connectTimeout.equals(t.connectTimeout)
                && operationTimeout.equals(t.operationTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rank, peers, Arrays.hashCode(secret), connectTimeout, operationTimeout);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "PeerTable[rank=" + rank + ", peers=" + peers + ", secret=<" + secret.length + " bytes>, connectTimeout="
                + connectTimeout + ", operationTimeout=" + operationTimeout + "]";
    }
}
