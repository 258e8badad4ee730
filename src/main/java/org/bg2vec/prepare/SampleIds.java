package org.bg2vec.prepare;

/**
 * Stable sample ids: {@code page_id * 65536 + index of the sample in its page}, so the same page always
 * yields the same ids, whatever the partitioning, and the page id can be read back from a sample id.
 */
public final class SampleIds {

    /** Samples one page may yield (passage mode); further passages are counted and dropped. */
    public static final int MAX_SAMPLES_PER_PAGE = 1 << 16;
    /** Largest page id that keeps sample ids positive. */
    public static final long MAX_PAGE_ID = (Long.MAX_VALUE >> 16);

    private SampleIds() {
    }

    public static long of(long pageId, int index) {
        if (pageId < 0 || pageId > MAX_PAGE_ID) {
            throw new IllegalArgumentException("page id out of range [0, " + MAX_PAGE_ID + "]: " + pageId);
        }
        if (index < 0 || index >= MAX_SAMPLES_PER_PAGE) {
            throw new IllegalArgumentException("sample index out of range: " + index);
        }
        return (pageId << 16) | index;
    }

    public static long pageIdOf(long sampleId) {
        return sampleId >>> 16;
    }

    /** Whether a page id can be turned into sample ids. */
    public static boolean validPageId(long pageId) {
        return pageId >= 0 && pageId <= MAX_PAGE_ID;
    }
}
