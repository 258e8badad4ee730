package org.bg2vec.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TripletMetricsTest {

    @Test
    void marginAndAccuracyByHand() {
        float[][] anchors = {{1, 0}, {0, 1}, {1, 0}};
        float[][] positives = {{0.6f, 0.8f}, {1, 0}, {1, 0}};
        float[][] negatives = {{0, 1}, {0.6f, 0.8f}, {2, 0}};
        // triple 0: cos(a,p) = 0.6, cos(a,n) = 0   -> margin  0.6, correct
        // triple 1: cos(a,p) = 0,   cos(a,n) = 0.8 -> margin -0.8, wrong
        // triple 2: cos(a,p) = 1,   cos(a,n) = 1   -> margin  0,   a tie is a miss
        TripletMetrics.Result r = TripletMetrics.evaluate(anchors, positives, negatives);
        assertEquals(3, r.triples());
        assertEquals((0.6 - 0.8 + 0) / 3, r.meanMargin(), 1e-7);
        assertEquals(1 / 3.0, r.accuracy(), 1e-12);
    }
}
