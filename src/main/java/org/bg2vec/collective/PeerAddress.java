package org.bg2vec.collective;

import java.util.Objects;

/** Where one rank's collective endpoint listens: a host name or IP address and a TCP port. */
public record PeerAddress(String host, int port) {

    public PeerAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("peer host is blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer port " + port + " is not in 1..65535 (for " + host + ")");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
