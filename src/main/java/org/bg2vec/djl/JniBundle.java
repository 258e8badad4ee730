package org.bg2vec.djl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The DJL PyTorch JNI libraries ({@code libdjl_torch.so}) that the {@code pytorch-jni} jar on the
 * classpath carries: the PyTorch and DJL versions they were built for and the flavors ({@code cpu},
 * {@code cu128}, ...) available for this platform.
 *
 * @param pytorchVersion the PyTorch version the JNI was built against, e.g. {@code 2.7.1}
 * @param djlVersion the DJL version, e.g. {@code 0.36.0}; DJL names a prepared JNI file
 *                   {@code <djlVersion>-libdjl_torch.so}
 * @param classifier DJL's platform classifier, e.g. {@code linux-x86_64}
 * @param flavors the flavors whose JNI library is on the classpath for {@code classifier}
 */
public record JniBundle(String pytorchVersion, String djlVersion, String classifier, Set<String> flavors) {

    static final String PROPERTIES = "/jnilib/pytorch.properties";
    static final String JNI_FILE = "libdjl_torch.so";
    private static final String[] KNOWN_FLAVORS = {"cpu", "cpu-precxx11", "cu118", "cu121", "cu124", "cu126",
            "cu128", "cu129", "cu130"};

    public JniBundle {
        flavors = Collections.unmodifiableSortedSet(new TreeSet<>(flavors));   // sorted: stable messages
    }

    /** The name DJL looks for in its cache directory, e.g. {@code 0.36.0-libdjl_torch.so}. */
    public String preparedJniFileName() {
        return djlVersion + "-" + JNI_FILE;
    }

    /** Reads {@code /jnilib/pytorch.properties} ({@code jni_version=2.7.1-0.36.0}) and lists the flavors. */
    public static JniBundle fromClasspath() {
        String classifier = classifier(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        return fromResources(classifier, name -> JniBundle.class.getResource(name) != null,
                JniBundle.class.getResourceAsStream(PROPERTIES));
    }

    static JniBundle fromResources(String classifier, Predicate<String> resourceExists, InputStream properties) {
        if (properties == null) {
            throw new IllegalStateException("DJL's " + PROPERTIES + " is not on the classpath: the jar lacks "
                    + "ai.djl.pytorch:pytorch-jni (rebuild the cluster jar with mvn package)");
        }
        Properties prop = new Properties();
        try (InputStream in = properties) {
            prop.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROPERTIES, e);
        }
        String jniVersion = prop.getProperty("jni_version", "");
        int dash = jniVersion.indexOf('-');
        if (dash <= 0 || dash == jniVersion.length() - 1) {
            throw new IllegalStateException("unexpected jni_version '" + jniVersion + "' in " + PROPERTIES
                    + " (expected <pytorch>-<djl>, e.g. 2.7.1-0.36.0)");
        }
        Set<String> flavors = new TreeSet<>();
        for (String flavor : KNOWN_FLAVORS) {
            if (resourceExists.test("/jnilib/" + classifier + "/" + flavor + "/" + JNI_FILE)) {
                flavors.add(flavor);
            }
        }
        return new JniBundle(jniVersion.substring(0, dash), jniVersion.substring(dash + 1), classifier, flavors);
    }

    /** DJL's platform classifier: {@code linux-x86_64}, {@code linux-aarch64}, {@code osx-aarch64}, ... */
    static String classifier(String osName, String osArch) {
        String os = osName.startsWith("Win") ? "win" : osName.startsWith("Mac") ? "osx" : "linux";
        String arch = "amd64".equals(osArch) ? "x86_64" : osArch;
        return os + "-" + arch;
    }
}
