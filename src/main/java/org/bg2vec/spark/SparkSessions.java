package org.bg2vec.spark;

import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** Builds the Spark session our drivers use: local mode by default, any master when given. */
public final class SparkSessions {

    private SparkSessions() {
    }

    /**
     * @param master  a Spark master URL, or null to keep what spark-submit set (falls back to
     *                {@code local[*]} when nothing is set)
     * @param appName the application name shown in the Spark UI
     * @param conf    extra settings ({@code --conf k=v}), applied last
     */
    public static SparkSession getOrCreate(String master, String appName, Map<String, String> conf) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null && !master.isBlank()) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        b.config("spark.ui.showConsoleProgress", "false");
        b.config("spark.sql.session.timeZone", "UTC");
        for (Map.Entry<String, String> e : conf.entrySet()) {
            b.config(e.getKey(), e.getValue());
        }
        return b.getOrCreate();
    }
}
