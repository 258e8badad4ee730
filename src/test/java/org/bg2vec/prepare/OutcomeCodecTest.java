package org.bg2vec.prepare;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The job's wire form of outcomes round-trips every field, and its key accessors read the encoded bytes. */
class OutcomeCodecTest {

    @Test
    void samplesRoundTripAndExposeTheirKeys() {
        Sample s = new Sample(SampleIds.of(3_000_000_123L, 2), 3_000_000_123L, "Рила", "Рила е планина.",
                "Рила е планина. 😀 Най-високата\nв България.", new int[]{1, 0, 127, 128, 16_383, 16_384, 37_999});
        byte[] b = OutcomeCodec.encode(s);
        assertEquals(OutcomeCodec.SAMPLE, OutcomeCodec.kind(b));
        Sample back = (Sample) OutcomeCodec.decode(b);
        assertEquals(s.sampleId(), back.sampleId());
        assertEquals(s.pageId(), back.pageId());
        assertEquals(s.title(), back.title());
        assertEquals(s.lead(), back.lead());
        assertEquals(s.text(), back.text());
        assertArrayEquals(s.ids(), back.ids());
        assertEquals(s.sampleId(), OutcomeCodec.sampleId(b));
        assertEquals(s.pageId(), OutcomeCodec.pageId(b));
        assertEquals(Dedup.textKey(s), OutcomeCodec.textKey(b));
    }

    @Test
    void idsOfAnyWidthRoundTrip() {
        int[][] lists = {{}, {0}, {65_535, 1, 255, 256}, {65_536}, {1, 70_000, 2}, {Integer.MAX_VALUE, 0, 131_071}};
        for (int[] ids : lists) {
            Sample s = new Sample(9L, 9L, "t", "l", "x", ids);
            assertArrayEquals(ids, ((Sample) OutcomeCodec.decode(OutcomeCodec.encode(s))).ids());
            OutcomeCodec.SampleBytes v = OutcomeCodec.sampleBytes(OutcomeCodec.encode(s));
            assertArrayEquals(ids, v.ids());
        }
        // two bytes per id below 2^16, four when one id is wider
        int narrow = OutcomeCodec.encode(new Sample(9L, 9L, "t", "l", "x", new int[]{1, 2, 3})).length;
        int wide = OutcomeCodec.encode(new Sample(9L, 9L, "t", "l", "x", new int[]{1, 2, 65_536})).length;
        assertEquals(narrow + 6, wide);
    }

    @Test
    void sampleBytesAreTheFieldsUtf8WithoutDecoding() {
        Sample s = new Sample(SampleIds.of(7L, 1), 7L, "Рила", "", "Рила 😀 е\nпланина.", new int[]{1, 300, 37_999});
        OutcomeCodec.SampleBytes v = OutcomeCodec.sampleBytes(OutcomeCodec.encode(s));
        assertEquals(s.sampleId(), v.sampleId());
        assertEquals(s.pageId(), v.pageId());
        assertArrayEquals(s.title().getBytes(StandardCharsets.UTF_8), slice(v, OutcomeCodec.SampleBytes.TITLE));
        assertArrayEquals(new byte[0], slice(v, OutcomeCodec.SampleBytes.LEAD));
        assertArrayEquals(s.text().getBytes(StandardCharsets.UTF_8), slice(v, OutcomeCodec.SampleBytes.TEXT));
        assertArrayEquals(s.ids(), v.ids());
        OutcomeCodec.SampleBytes noLead = OutcomeCodec.sampleBytes(OutcomeCodec.encode(
                new Sample(1L, 1L, "t", null, "x", new int[]{1})));
        assertEquals(-1, noLead.length()[OutcomeCodec.SampleBytes.LEAD]);
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), slice(noLead, OutcomeCodec.SampleBytes.TEXT));
        byte[] reject = OutcomeCodec.encode(new Reject(1L, "t", "s", Reasons.BAD_ROW, "d"));
        assertThrows(IllegalArgumentException.class, () -> OutcomeCodec.sampleBytes(reject));
    }

    private static byte[] slice(OutcomeCodec.SampleBytes v, int i) {
        return Arrays.copyOfRange(v.bytes(), v.at()[i], v.at()[i] + v.length()[i]);
    }

    @Test
    void rejectsWithMissingFieldsAndCountsRoundTrip() {
        Reject unreadable = new Reject(null, null, "file:/d.xml", Reasons.MALFORMED_XML, "byte 12: bad");
        assertEquals(unreadable, OutcomeCodec.decode(OutcomeCodec.encode(unreadable)));
        Reject full = new Reject(0L, "", "s", Reasons.BAD_ROW, "");
        assertEquals(full, OutcomeCodec.decode(OutcomeCodec.encode(full)));
        Map<String, Long> counts = new TreeMap<>(Map.of(ReasonCounts.RECORDS_READ, 5_000_000_000L,
                Reasons.REDIRECT, 0L, ReasonCounts.inputKey(3), 7L));
        CountsOutcome c = (CountsOutcome) OutcomeCodec.decode(OutcomeCodec.encode(new CountsOutcome(counts)));
        assertEquals(counts, c.counts());
    }
}
