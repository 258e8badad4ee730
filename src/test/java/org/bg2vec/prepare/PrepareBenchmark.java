package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.text.CleanedArticle;
import org.bg2vec.text.CleaningConfig;
import org.bg2vec.text.WikitextCleaner;
import org.bg2vec.tokenize.Llm2VecTokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * Single-thread throughput of the prepare core on one dump (not a test; see
 * src/site/markdown/benchmarks-prepare-job.md): read+parse, + clean, + samples (tokenize), in MB/s of XML and pages/s.
 *
 * <pre>java -cp target/classes:target/test-classes:$(cat target/test-cp.txt) org.bg2vec.prepare.PrepareBenchmark DUMP.xml TOKENIZER.json [parse]</pre>
 * ({@code parse}: only read+parse, e.g. to measure bz2 decoding on a {@code .xml.bz2})
 */
public final class PrepareBenchmark {

    private PrepareBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dump = Path.of(args[0]);
        Path tokenizer = Path.of(args[1]);
        Configuration conf = new Configuration();
        InputPlanner planner = new InputPlanner(conf);
        ResolvedInput in = planner.resolve(List.of(dump.toString()), InputFormat.XML, List.of()).get(0);
        DumpSplit whole = new DumpSplit(0, in.path(), in.bytes(), InputFormat.XML, in.compression(),
                DumpSplit.Kind.WHOLE, 0, in.bytes(), "UTF-8", 0, true);
        double mb = in.bytes() / 1e6;
        System.out.printf("dump %s: %.1f MB%n", dump, mb);
        for (int round = 0; round < 2; round++) {
            System.out.printf("round %d%n", round + 1);
            run("read+parse", whole, conf, mb, null, null);
            if (args.length > 2 && args[2].equals("parse")) {
                continue;
            }
            run("read+parse+clean", whole, conf, mb, new WikitextCleaner(CleaningConfig.defaults()), null);
            try (Llm2VecTokenizer tok = Llm2VecTokenizer.load(tokenizer, 1 << 20)) {
                run("read+parse+clean+samples", whole, conf, mb, new WikitextCleaner(CleaningConfig.defaults()),
                        new SampleBuilder(tok, 128, SampleMode.ARTICLE, 8, 0.6));
            }
        }
    }

    private static void run(String what, DumpSplit split, Configuration conf, double mb, WikitextCleaner cleaner,
                            SampleBuilder builder) throws Exception {
        long t0 = System.nanoTime();
        long pages = 0;
        long kept = 0;
        OutcomeSink sink = new OutcomeSink() {
            @Override
            public void accept(Outcome o) {
            }

            @Override
            public void count(String reason) {
            }
        };
        try (RecordReader r = SplitReaders.open(split, conf, PrepareConfig.DEFAULT_MAX_PAGE_BYTES)) {
            for (SourceRecord rec = r.next(); rec != null; rec = r.next()) {
                pages++;
                if (cleaner != null && rec instanceof SourceRecord.WikiPage w
                        && PageProcessor.skipReason(w.page()) == null) {
                    CleanedArticle a = cleaner.clean(w.page().title(), w.page().text());
                    kept++;
                    if (builder != null && !a.paragraphs().isEmpty()) {
                        builder.build(w.page().id(), w.page().title(), "bench", a.lead(), a.paragraphs(), sink);
                    }
                }
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("  %-26s %6.2f s  %6.1f MB/s  %8.0f pages/s  (%d pages, %d articles)%n", what, s, mb / s,
                pages / s, pages, kept);
    }
}
