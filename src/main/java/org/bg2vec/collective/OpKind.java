package org.bg2vec.collective;

/** The operations of the ring protocol; the ordinal travels in every data frame header. */
enum OpKind {
    ALL_REDUCE_SUM("allReduceSum"),
    ALL_GATHER("allGather"),
    BROADCAST("broadcast"),
    BARRIER("barrier");

    private final String apiName;

    OpKind(String apiName) {
        this.apiName = apiName;
    }

    /** The method name users see. */
    String apiName() {
        return apiName;
    }

    static String nameOf(int ordinal) {
        OpKind[] all = values();
        return ordinal >= 0 && ordinal < all.length ? all[ordinal].apiName : "unknown operation " + ordinal;
    }
}
