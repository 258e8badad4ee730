package org.bg2vec.collective;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the announcements of all workers and builds this worker's {@link PeerTable}: ranks 0..W-1 each
 * exactly once, rank 0 carries the job secret, no two ranks share a (host, port) or a (host, GPU).
 * Every error names the ranks involved, so a misconfigured cluster fails before any connection is tried.
 */
public final class Rendezvous {

    private Rendezvous() {
    }

    /** Decodes and checks {@code messages} (one per task, any order) and returns the table for {@code myRank}. */
    public static PeerTable peerTable(int myRank, List<String> messages, Duration connectTimeout,
                                      Duration operationTimeout) {
        List<Announcement> byRank = sorted(messages);
        Announcement root = byRank.get(0);
        if (root.secretBase64() == null) {
            throw new IllegalArgumentException("rank 0 did not announce the job secret");
        }
        List<PeerAddress> peers = new ArrayList<>();
        for (Announcement a : byRank) {
            peers.add(new PeerAddress(a.host(), a.port()));
        }
        return new PeerTable(myRank, peers, PeerTable.decodeSecret(root.secretBase64()), connectTimeout,
                operationTimeout);
    }

    /** The NCCL unique id rank 0 announced. */
    public static NcclUniqueId ncclId(List<String> messages) {
        Announcement root = sorted(messages).get(0);
        if (root.ncclIdBase64() == null) {
            throw new IllegalArgumentException("rank 0 did not announce an NCCL unique id (is the device cpu?)");
        }
        return NcclUniqueId.fromBase64(root.ncclIdBase64());
    }

    /** Decodes and validates; returns announcements indexed by rank. */
    public static List<Announcement> sorted(List<String> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("no rendezvous messages");
        }
        int w = messages.size();
        Announcement[] byRank = new Announcement[w];
        Map<String, Integer> endpoints = new HashMap<>();
        Map<String, Integer> gpus = new HashMap<>();
        for (String m : messages) {
            Announcement a = Announcement.decode(m);
            if (a.rank() >= w) {
                throw new IllegalArgumentException("rank " + a.rank() + " announced, but there are only " + w + " workers");
            }
            if (byRank[a.rank()] != null) {
                throw new IllegalArgumentException("rank " + a.rank() + " announced twice (" + byRank[a.rank()] + ", " + a + ")");
            }
            byRank[a.rank()] = a;
            Integer clash = endpoints.put(a.host() + ":" + a.port(), a.rank());
            if (clash != null) {
                throw new IllegalArgumentException("ranks " + clash + " and " + a.rank() + " both listen on " + a.host()
                        + ":" + a.port());
            }
            if (a.gpu() != null) {
                clash = gpus.put(a.jvm() + " gpu " + a.gpu(), a.rank());
                if (clash != null) {
                    throw new IllegalArgumentException("ranks " + clash + " and " + a.rank() + " were both given GPU "
                            + a.gpu() + " in one executor on " + a.host() + ": one GPU per worker (check that"
                            + " spark.task.resource.gpu.amount equals spark.executor.resource.gpu.amount)");
                }
            }
        }
        return List.of(byRank);
    }
}
