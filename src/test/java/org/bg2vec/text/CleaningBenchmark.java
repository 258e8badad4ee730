package org.bg2vec.text;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cleaning-only micro benchmark (not a test): cleans the sample articles over and over, single-threaded,
 * until about {@code MB} megabytes of wikitext have been cleaned, after a warm-up of the same size, and
 * prints MB/s of wikitext (UTF-8 bytes) and pages/s for one core, both per wall-clock second and per second
 * of the thread's CPU time (the latter is meaningful on a shared, loaded machine).
 *
 * <pre>
 * mvn -B -q -o test-compile
 * java -cp "target/classes:target/test-classes:$(mvn -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *     org.bg2vec.text.CleaningBenchmark 50
 * </pre>
 */
public final class CleaningBenchmark {

    private CleaningBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double targetMb = args.length > 0 ? Double.parseDouble(args[0]) : 50;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<SamplePages.Page> pages = SamplePages.load().articles();
        long pageBytes = 0;
        for (SamplePages.Page p : pages) {
            pageBytes += p.text().getBytes(StandardCharsets.UTF_8).length;
        }
        long repeats = Math.max(1, (long) (targetMb * 1e6 / pageBytes));
        System.out.printf("sample: %d articles, %d bytes of wikitext; %d repeats = %.1f MB per round%n",
                pages.size(), pageBytes, repeats, repeats * pageBytes / 1e6);
        WikitextCleaner cleaner = new WikitextCleaner();
        run(cleaner, pages, repeats, pageBytes, "warm-up");
        for (int r = 1; r <= rounds; r++) {
            run(cleaner, pages, repeats, pageBytes, "round " + r);
        }
    }

    private static void run(WikitextCleaner cleaner, List<SamplePages.Page> pages, long repeats, long pageBytes,
                            String label) {
        long chars = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (long k = 0; k < repeats; k++) {
            for (SamplePages.Page p : pages) {
                chars += cleaner.clean(p.title(), p.text()).text().length();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double mb = repeats * pageBytes / 1e6;
        long n = repeats * pages.size();
        System.out.printf("%-8s %.1f MB: wall %.2f s = %.1f MB/s, %.0f pages/s; thread CPU %.2f s = %.1f MB/s, "
                + "%.0f pages/s (%d chars out)%n", label, mb, s, mb / s, n / s, cpu, mb / cpu, n / cpu, chars);
    }
}
