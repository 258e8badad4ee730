package org.bg2vec.collective;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One rank in a separate JVM, driven by {@link CrossJvmTest} over stdin/stdout: prints {@code PORT p},
 * reads {@code TABLE rank port,port,... secretBase64}, joins the ring, runs {@link CrossJvmTest#workload}
 * and prints {@code RESULT <values>} (or {@code ERROR <message>}).
 */
public final class RemoteRankMain {

    private RemoteRankMain() {
    }

    public static void main(String[] args) throws Exception {
        CollectiveEndpoint endpoint = CollectiveEndpoint.bind("127.0.0.1", 0);
        System.out.println("PORT " + endpoint.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String[] table = in.readLine().split(" ");
        int rank = Integer.parseInt(table[1]);
        List<PeerAddress> peers = new ArrayList<>();
        for (String p : table[2].split(",")) {
            peers.add(new PeerAddress("127.0.0.1", Integer.parseInt(p)));
        }
        PeerTable t = new PeerTable(rank, peers, PeerTable.decodeSecret(table[3]), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        try (TcpCollective c = TcpCollective.connect(endpoint, t)) {
            System.out.println("RESULT " + CrossJvmTest.format(CrossJvmTest.workload(c)));
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e.getMessage());
        }
        System.out.flush();
    }

}
