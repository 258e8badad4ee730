package org.bg2vec.collective;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Mutual HMAC-SHA256 challenge–response on a fresh connection, proving to both sides that the other
 * knows the per-job secret without sending it.
 *
 * <pre>
 * client → server  HELLO      magic "BG2VRING", version, world size, client rank, client nonce (32 B)
 * server → client  CHALLENGE  magic, version, server rank, server nonce (32 B), HMAC(secret, "server" ‖ transcript)
 * client → server  RESPONSE   HMAC(secret, "client" ‖ transcript)
 * server → client  VERDICT    1 = accepted, 0 = refused (then the server closes)
 * transcript = version ‖ size ‖ client rank ‖ client nonce ‖ server rank ‖ server nonce
 * </pre>
 *
 * Fresh nonces on both sides make replayed answers useless; the role labels stop a server's answer from
 * being reused as a client's. Authentication only: the traffic itself is not encrypted.
 */
final class Handshake {

    /** The other side is no peer of this job (no or a wrong secret, bad protocol, or an unexpected rank). */
    static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    static final int VERSION = 1;
    private static final byte[] MAGIC = "BG2VRING".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 32;
    private static final int MAC = 32;
    private static final int HELLO = MAGIC.length + 4 + 4 + 4 + NONCE;
    private static final int CHALLENGE = MAGIC.length + 4 + 4 + NONCE + MAC;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /** Client side; returns when the server at {@code serverName} proved the secret and accepted this rank. */
    static void client(ChannelIo io, byte[] secret, int size, int clientRank, int expectedServerRank,
                       String serverName, long deadlineNanos) throws IOException {
        byte[] clientNonce = nonce();
        ByteBuffer hello = ByteBuffer.allocate(HELLO);
        hello.put(MAGIC).putInt(VERSION).putInt(size).putInt(clientRank).put(clientNonce).flip();
        io.writeFully(hello, deadlineNanos, "handshake hello");

        ByteBuffer challenge = ByteBuffer.allocate(CHALLENGE);
        io.readFully(challenge, deadlineNanos, "handshake challenge");
        challenge.flip();
        checkMagic(challenge, serverName);
        int version = challenge.getInt();
        if (version != VERSION) {
            throw new RefusedException(serverName + " speaks collective protocol version " + version
                    + ", this side " + VERSION + ": all workers must run the same bg2vec build");
        }
        int serverRank = challenge.getInt();
        byte[] serverNonce = bytes(challenge, NONCE);
        byte[] serverMac = bytes(challenge, MAC);
        byte[] transcript = transcript(size, clientRank, clientNonce, serverRank, serverNonce);
        if (!MessageDigest.isEqual(serverMac, hmac(secret, "server", transcript))) {
            throw new RefusedException(serverName + " failed authentication: it does not know this job's secret"
                    + " (another job or a stranger now listens on that port?)");
        }
        if (serverRank != expectedServerRank) {
            throw new RefusedException(serverName + " answered as rank " + serverRank + ", expected rank "
                    + expectedServerRank + ": the peer table is inconsistent");
        }
        io.writeFully(ByteBuffer.wrap(hmac(secret, "client", transcript)), deadlineNanos, "handshake response");
        ByteBuffer verdict = ByteBuffer.allocate(1);
        io.readFully(verdict, deadlineNanos, "handshake verdict");
        if (verdict.get(0) != 1) {
            throw new RefusedException(serverName + " refused this rank " + clientRank
                    + " (it expects a connection from another rank: the peer table is inconsistent)");
        }
    }

    /**
     * Server side; returns the authenticated client's rank when it equals {@code expectedClientRank}.
     * Otherwise answers "refused" where the protocol allows and throws {@link RefusedException}.
     * {@code mayAccept} is asked once the client proved the secret, before the verdict is sent: false
     * (the server gave up on this connection meanwhile) ends the handshake without a verdict.
     */
    static int server(ChannelIo io, byte[] secret, int size, int serverRank, int expectedClientRank,
                      long deadlineNanos, BooleanSupplier mayAccept) throws IOException {
        ByteBuffer hello = ByteBuffer.allocate(HELLO);
        io.readFully(hello, deadlineNanos, "handshake hello");
        hello.flip();
        checkMagic(hello, "the client");
        int version = hello.getInt();
        int clientSize = hello.getInt();
        int clientRank = hello.getInt();
        byte[] clientNonce = bytes(hello, NONCE);
        if (version != VERSION) {
            throw new RefusedException("protocol version " + version + " (this side speaks " + VERSION + ")");
        }
        if (clientSize != size || clientRank < 0 || clientRank >= size) {
            throw new RefusedException("it claims rank " + clientRank + " of " + clientSize
                    + " but this job has " + size + " ranks");
        }
        byte[] serverNonce = nonce();
        byte[] transcript = transcript(size, clientRank, clientNonce, serverRank, serverNonce);
        ByteBuffer challenge = ByteBuffer.allocate(CHALLENGE);
        challenge.put(MAGIC).putInt(VERSION).putInt(serverRank).put(serverNonce)
                .put(hmac(secret, "server", transcript)).flip();
        io.writeFully(challenge, deadlineNanos, "handshake challenge");

        ByteBuffer response = ByteBuffer.allocate(MAC);
        io.readFully(response, deadlineNanos, "handshake response");
        if (!MessageDigest.isEqual(response.array(), hmac(secret, "client", transcript))) {
            throw new RefusedException("failed authentication as rank " + clientRank
                    + " (no or a wrong job secret)");
        }
        if (!mayAccept.getAsBoolean()) {
            throw new IOException("the server gave up on this connection");
        }
        boolean accepted = clientRank == expectedClientRank;
        io.writeFully(ByteBuffer.wrap(new byte[] {(byte) (accepted ? 1 : 0)}), deadlineNanos, "handshake verdict");
        if (!accepted) {
            throw new RefusedException("authenticated as rank " + clientRank + ", but "
                    + (expectedClientRank < 0 ? "the ring is already connected"
                    : "this rank expects its ring neighbour rank " + expectedClientRank));
        }
        return clientRank;
    }

    private static void checkMagic(ByteBuffer buf, String who) throws RefusedException {
        byte[] magic = bytes(buf, MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new RefusedException(who + " does not speak the bg2vec collective protocol");
        }
    }

    private static byte[] transcript(int size, int clientRank, byte[] clientNonce, int serverRank, byte[] serverNonce) {
        return ByteBuffer.allocate(4 * 4 + 2 * NONCE).putInt(VERSION).putInt(size).putInt(clientRank)
                .put(clientNonce).putInt(serverRank).put(serverNonce).array();
    }

    static byte[] hmac(byte[] secret, String role, byte[] transcript) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(role.getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static byte[] nonce() {
        byte[] n = new byte[NONCE];
        RANDOM.nextBytes(n);
        return n;
    }

    private static byte[] bytes(ByteBuffer buf, int n) {
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }
}
