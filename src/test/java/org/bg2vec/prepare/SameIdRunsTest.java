package org.bg2vec.prepare;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Runs of one sample id reduced to {@link Dedup#sameIdWinner}'s choice, whatever their order. */
class SameIdRunsTest {

    static Sample sample(long id, String title, String text) {
        return new Sample(id, SampleIds.pageIdOf(id), title, "увод", text, new int[]{1, 2, 3});
    }

    static List<Sample> reduce(List<Sample> in, long[] dropped) {
        List<byte[]> encoded = new ArrayList<>();
        in.forEach(s -> encoded.add(OutcomeCodec.encode(s)));
        SameIdRuns runs = new SameIdRuns(encoded.iterator());
        List<Sample> out = new ArrayList<>();
        runs.forEachRemaining(b -> out.add((Sample) OutcomeCodec.decode(b)));
        dropped[0] = runs.dropped();
        return out;
    }

    @Test
    void eachRunKeepsTheSameIdWinnerInAnyOrderAndCountsTheRest() {
        Sample a = sample(SampleIds.of(1, 0), "А", "първи текст");
        Sample b1 = sample(SampleIds.of(2, 0), "Б", "текст едно");
        Sample b2 = sample(SampleIds.of(2, 0), "Б друго", "текст две");
        Sample b3 = sample(SampleIds.of(2, 0), "Б трето", "текст три");
        Sample c = sample(SampleIds.of(3, 0), "В", "последен текст");
        Sample winner = Dedup.sameIdWinner(Dedup.sameIdWinner(b1, b2), b3);
        List<List<Sample>> orders = List.of(List.of(b1, b2, b3), List.of(b3, b2, b1), List.of(b2, b3, b1));
        for (List<Sample> run : orders) {
            List<Sample> in = new ArrayList<>();
            in.add(a);
            in.addAll(run);
            in.add(c);
            long[] dropped = new long[1];
            List<Sample> out = reduce(in, dropped);
            assertEquals(List.of(a.sampleId(), winner.sampleId(), c.sampleId()),
                    out.stream().map(Sample::sampleId).toList());
            assertEquals(List.of(a.text(), winner.text(), c.text()), out.stream().map(Sample::text).toList());
            assertEquals(2, dropped[0]);
        }
    }

    @Test
    void samplesOfOneIdAndOneTextAreNotCountedAsDroppedForTheirId() {
        Sample b1 = sample(SampleIds.of(2, 0), "Б", "текст едно");
        Sample b1Again = sample(SampleIds.of(2, 0), "Б от друг вход", "текст едно");
        Sample b2 = sample(SampleIds.of(2, 0), "Б друго", "текст две");
        Sample winner = Dedup.sameIdWinner(Dedup.sameIdWinner(b1, b1Again), b2);
        for (List<Sample> run : List.of(List.of(b1, b1Again, b2), List.of(b1Again, b2, b1), List.of(b2, b1, b1Again))) {
            long[] dropped = new long[1];
            List<Sample> out = reduce(run, dropped);
            assertEquals(1, out.size());
            assertEquals(winner.title(), out.get(0).title());
            assertEquals(1, dropped[0], "one other text; the same text twice is an exact duplicate");
        }
    }

    @Test
    void distinctIdsAndNoSamplesPassUnchanged() {
        long[] dropped = new long[1];
        assertFalse(new SameIdRuns(List.<byte[]>of().iterator()).hasNext());
        List<Sample> in = List.of(sample(5, "А", "а"), sample(6, "Б", "б"), sample(7, "В", "в"));
        List<Sample> out = reduce(in, dropped);
        assertEquals(in.stream().map(Sample::text).toList(), out.stream().map(Sample::text).toList());
        assertEquals(0, dropped[0]);
    }
}
