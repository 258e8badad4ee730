package org.bg2vec.prepare;

import java.util.Locale;

/** Compression of an input file, judged by its name. */
public enum Compression {
    NONE, BZIP2, GZIP;

    public static Compression fromName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".bz2")) {
            return BZIP2;
        }
        if (n.endsWith(".gz")) {
            return GZIP;
        }
        return NONE;
    }
}
