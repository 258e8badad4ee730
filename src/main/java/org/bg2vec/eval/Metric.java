package org.bg2vec.eval;

/** The numbers an evaluation reports, with their JSON key, display label and direction. */
public enum Metric {
    RECALL_AT_1("recall_at_1", "Recall@1", true),
    RECALL_AT_10("recall_at_10", "Recall@10", true),
    MRR("mrr", "MRR", true),
    ALIGNMENT("alignment", "alignment", false),
    UNIFORMITY("uniformity", "uniformity", false),
    TRIPLET_MARGIN("triplet_margin", "triple margin", true),
    TRIPLET_ACCURACY("triplet_accuracy", "triple accuracy", true);

    private final String key;
    private final String label;
    private final boolean higherIsBetter;

    Metric(String key, String label, boolean higherIsBetter) {
        this.key = key;
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    /** Key in eval.json. */
    public String key() {
        return key;
    }

    /** Label in eval.md and eval.png. */
    public String label() {
        return label;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The metric whose {@link #key()} is {@code key}. */
    public static Metric byKey(String key) {
        for (Metric m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + key + "'");
    }
}
